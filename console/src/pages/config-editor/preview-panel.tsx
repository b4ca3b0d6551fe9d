import { Alert, Badge, Box, Button, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useClient, type CombinedError } from 'urql';
import type { PreviewEvaluationQuery as PreviewResult } from '../../api/gql/graphql';
import { PreviewEvaluationQuery } from '../../api/operations';
import { ExplainList } from '../../components/explain-list';
import { JsonField } from '../../components/json-field';
import { ProblemAlert } from '../../components/problem-alert';
import type { ConfigDraft } from './draft';

/** "Test against a context": the unsaved draft evaluated by the server, with its explanation. */
export function PreviewPanel({ environment, draft }: { environment: string; draft: ConfigDraft }) {
  const client = useClient();
  const [context, setContext] = useState<unknown>({ user: { id: 'user-1' } });
  const [result, setResult] = useState<PreviewResult['previewEvaluation'][number] | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    const config = Object.fromEntries(
      Object.entries({ ...draft, environment }).filter(([, v]) => v !== null && v !== undefined),
    );
    const answer = await client
      .query(
        PreviewEvaluationQuery,
        { input: { config: config as never, contexts: [context] } },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    setBusy(false);
    setError(answer.error ?? null);
    setResult(answer.data?.previewEvaluation[0] ?? null);
  };
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        Test against a context
      </Title>
      <JsonField label="Context" value={context} onChange={setContext} minRows={4} />
      <Group>
        <Button variant="light" onClick={run} loading={busy}>
          Run test
        </Button>
      </Group>
      {error && <ProblemAlert error={error} />}
      {result && (
        <Box aria-label="Test result" role="region">
          <Alert color={result.result.errorCode ? 'red' : 'blue'} title="Result">
            <Text size="sm">
              Value <Code>{JSON.stringify(result.result.value)}</Code> — reason{' '}
              <Badge size="sm">{result.result.reason}</Badge>
              {result.result.ruleId && (
                <>
                  {' '}
                  from rule <Code>{result.result.ruleId}</Code>
                </>
              )}
              {result.result.variant && (
                <>
                  {' '}
                  variant <Code>{result.result.variant}</Code>
                </>
              )}
              {result.result.errorCode && <> — {result.result.errorCode}</>}
            </Text>
          </Alert>
          <Title order={3} size="h5" mt="sm">
            Why
          </Title>
          <ExplainList steps={result.explain} />
        </Box>
      )}
    </Stack>
  );
}
