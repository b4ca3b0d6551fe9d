import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../api/gql';
import type { ExplainServedQueryVariables } from '../../api/gql/graphql';

export const ExplainServedQuery = graphql(`
  query ExplainServed($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {
    explainServed(environment: $environment, key: $key, context: $context, at: $at) {
      key
      at
      configState
      result {
        ...EvaluationResultFields
      }
      explain {
        ...ExplainStepFields
      }
      change {
        id
        action
        configVersion
        createdAt
        comment
        actor {
          id
          name
          kind
        }
      }
      deployment {
        deploymentId
        percentage
        served
        bucket
        salt
        status
        step
        change {
          id
          createdAt
        }
      }
      experiment {
        id
        key
        name
        assignment
        variant
        assignedAt
        replayable
        change {
          id
          action
          createdAt
        }
      }
      fetchLogRecords
    }
  }
`);

/** The answer for the question last asked; nothing is asked until `ask` is called. */
export function useExplainServed() {
  const [asked, ask] = useState<ExplainServedQueryVariables | null>(null);
  const [{ data, error, fetching }] = useQuery({
    query: ExplainServedQuery,
    variables: asked ?? ({} as ExplainServedQueryVariables),
    pause: asked === null,
    requestPolicy: 'network-only',
  });
  return { answer: asked ? data?.explainServed : undefined, error, fetching, ask };
}
