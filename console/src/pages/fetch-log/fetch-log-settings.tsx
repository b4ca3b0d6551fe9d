import { Button, Group, NumberInput, Paper, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../../api/session-context';
import { ProblemAlert } from '../../components/problem-alert';
import { describeSampleRate, parseSamplePercent } from './fetch-log-filter';
import { FetchLogSettingsQuery, UpdateFetchLogSettingsMutation } from './queries';

interface Settings {
  fetchLogSampleRate: number;
  fetchLogRetentionDays: number;
}

function SettingsForm({
  environment,
  settings,
  onDone,
}: {
  environment: string;
  settings: Settings;
  onDone(): void;
}) {
  const [percent, setPercent] = useState(String(settings.fetchLogSampleRate * 100));
  const [days, setDays] = useState<number | string>(settings.fetchLogRetentionDays);
  const [percentError, setPercentError] = useState<string | null>(null);
  const [result, update] = useMutation(UpdateFetchLogSettingsMutation);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseSamplePercent(percent);
    if ('error' in parsed) {
      setPercentError(parsed.error);
      return;
    }
    setPercentError(null);
    const answer = await update({
      input: {
        key: environment,
        fetchLogSampleRate: parsed.rate,
        fetchLogRetentionDays: typeof days === 'number' ? days : Number(days),
      },
    });
    if (!answer.error) onDone();
  };
  return (
    <form onSubmit={submit} aria-label="Fetch log settings">
      <Stack gap="xs">
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Sample rate (%)"
            description="0 turns sampling off, 100 records every request"
            value={percent}
            error={percentError}
            onChange={(e) => setPercent(e.currentTarget.value)}
            w={220}
          />
          <NumberInput
            label="Keep records (days)"
            description="1 to 365"
            min={1}
            max={365}
            allowDecimal={false}
            value={days}
            onChange={setDays}
            w={180}
          />
        </Group>
        {result.error && <ProblemAlert error={result.error} />}
        <Group gap="xs">
          <Button type="submit" size="xs" loading={result.fetching}>
            Save settings
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The environment's sample rate and retention; admins can change them. */
export function FetchLogSettings({ environment }: { environment: string }) {
  const { isAdmin } = useSession();
  const [editing, setEditing] = useState(false);
  const [{ data, error }, refetch] = useQuery({
    query: FetchLogSettingsQuery,
    variables: { key: environment },
  });
  const settings = data?.environment;
  return (
    <Paper withBorder p="sm" role="region" aria-label="Sampling">
      {error && (
        <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      )}
      {!settings && !error && <Skeleton height={24} width="60%" />}
      {settings && !editing && (
        <Group justify="space-between" gap="xs">
          <Text size="sm">
            Sampling: <strong>{describeSampleRate(settings.fetchLogSampleRate)}</strong> · records
            kept <strong>{settings.fetchLogRetentionDays} days</strong>
          </Text>
          {isAdmin && (
            <Button size="compact-sm" variant="default" onClick={() => setEditing(true)}>
              Change sampling
            </Button>
          )}
        </Group>
      )}
      {settings && editing && (
        <SettingsForm
          environment={environment}
          settings={settings}
          onDone={() => setEditing(false)}
        />
      )}
    </Paper>
  );
}

/** The environment's fetch-log sample rate, once loaded. */
export function useSampleRate(environment: string): number | undefined {
  const [{ data }] = useQuery({ query: FetchLogSettingsQuery, variables: { key: environment } });
  return data?.environment.fetchLogSampleRate;
}
