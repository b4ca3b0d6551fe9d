import { Stack, Text, Title } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import { ExplainServedForm } from './explain-served-form';

/** "Why did this subject get this value?": a config's past state evaluated for a context. */
export function ExplainServedPage() {
  const { env = '' } = useParams();
  const [params, setParams] = useSearchParams();
  return (
    <Stack maw={1000}>
      <Title order={1} size="h2">
        Why did a subject get a value?
      </Title>
      <Text size="sm" c="dimmed">
        The config as the history had it at that time, evaluated for the context by the serving
        engine.
      </Text>
      <ExplainServedForm
        environment={env}
        configKey={params.get('config') ?? ''}
        onConfigKeyChange={(next) => setParams(next ? { config: next } : {}, { replace: true })}
      />
    </Stack>
  );
}
