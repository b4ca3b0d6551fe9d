import { graphql } from '../../api/gql';

// The experiments tab's operations; `npm run codegen` types them from schema.gql.

export const ExperimentFieldsFragment = graphql(`
  fragment ExperimentFields on Experiment {
    id
    key
    name
    hypothesis
    configKey
    status
    assignment
    trafficPercentage
    targeting
    sequential
    sequentialTuning
    winner
    startedAt
    stoppedAt
    createdAt
    updatedAt
    updatedBy
    primaryMetric {
      event
      kind
    }
    secondaryMetrics {
      event
      kind
    }
    variants {
      key
      name
      value
      weight
      control
    }
    transitions {
      from
      to
      at
      actorName
      actorKind
    }
  }
`);

export const ExperimentsQuery = graphql(`
  query Experiments(
    $environment: String!
    $status: ExperimentStatus
    $first: Int!
    $after: String
  ) {
    experiments(environment: $environment, status: $status, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          key
          name
          configKey
          status
          assignment
          trafficPercentage
          startedAt
          updatedAt
          variants {
            key
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ExperimentQuery = graphql(`
  query Experiment($environment: String!, $key: String!) {
    experiment(environment: $environment, key: $key) {
      ...ExperimentFields
    }
  }
`);

export const ExperimentConfigQuery = graphql(`
  query ExperimentConfig($environment: String!, $key: String!) {
    config(environment: $environment, key: $key) {
      id
      key
      valueType
      value
      archivedAt
    }
  }
`);

export const CreateExperimentMutation = graphql(`
  mutation CreateExperiment($input: CreateExperimentInput!) {
    createExperiment(input: $input) {
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const UpdateExperimentMutation = graphql(`
  mutation UpdateExperiment($input: UpdateExperimentInput!) {
    updateExperiment(input: $input) {
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const StartExperimentMutation = graphql(`
  mutation StartExperiment($input: StartExperimentInput!) {
    startExperiment(input: $input) {
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const PauseExperimentMutation = graphql(`
  mutation PauseExperiment($input: PauseExperimentInput!) {
    pauseExperiment(input: $input) {
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const ResumeExperimentMutation = graphql(`
  mutation ResumeExperiment($input: ResumeExperimentInput!) {
    resumeExperiment(input: $input) {
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const CompleteExperimentMutation = graphql(`
  mutation CompleteExperiment($input: CompleteExperimentInput!) {
    completeExperiment(input: $input) {
      configVersion
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const ArchiveExperimentMutation = graphql(`
  mutation ArchiveExperiment($input: ArchiveExperimentInput!) {
    archiveExperiment(input: $input) {
      experiment {
        ...ExperimentFields
      }
    }
  }
`);

export const DeleteExperimentMutation = graphql(`
  mutation DeleteExperiment($input: DeleteExperimentInput!) {
    deleteExperiment(input: $input) {
      deletedExperimentId
      key
    }
  }
`);

export const ExperimentResultsQuery = graphql(`
  query ExperimentResults($environment: String!, $key: String!) {
    experimentResults(environment: $environment, key: $key) {
      alpha
      sequential
      tuning
      totalExposures
      trustworthy
      sampleRatio {
        mismatch
        pValue
        statistic
      }
      warnings {
        code
        message
        metric
        variantKey
      }
      metrics {
        name
        kind
        role
        chiSquare {
          statistic
          degreesOfFreedom
          pValue
        }
        variants {
          variantKey
          control
          exposures
          converters
          conversionRate
          conversionInterval {
            lower
            upper
          }
          mean
          variance
          n
          comparison {
            test
            absoluteLift
            absoluteInterval {
              lower
              upper
            }
            relativeLift
            relativeInterval {
              lower
              upper
            }
            pValue
            adjustedPValue
            decisionPValue
            significant
            sequential {
              pValue
              adjustedPValue
              absoluteInterval {
                lower
                upper
              }
            }
          }
        }
        history {
          at
          variants {
            variantKey
            exposures
            converters
            sequentialPValue
          }
        }
      }
    }
  }
`);

export const ExperimentUpdatedSubscription = graphql(`
  subscription ExperimentUpdated($environment: String!, $keys: [String!]) {
    experimentUpdated(environment: $environment, keys: $keys) {
      kind
      experimentKey
      status
    }
  }
`);
