import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { ConfigFetchLogFilter } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { describeSampleRate, toFetchLogFilter, type FetchLogFilterInput } from './fetch-log-filter';
import { FetchLogSettings, useSampleRate } from './fetch-log-settings';
import { ConfigFetchLogQuery } from './queries';

const PAGE_SIZE = 50;

function EmptyLog({ environment, filtered }: { environment: string; filtered: boolean }) {
  const { isAdmin } = useSession();
  const rate = useSampleRate(environment);
  const how = isAdmin
    ? 'Use “Change sampling” above: 100 % records every request (for a test), 1 % is the default.'
    : 'An admin can raise the sample rate for this environment on this page.';
  return (
    <Alert color="gray" title="No sampled fetches" role="status">
      <Stack gap={4}>
        {filtered && <Text size="sm">Nothing recorded matches these filters.</Text>}
        {rate === 0 ? (
          <Text size="sm">Sampling is off in this environment, so nothing is recorded. {how}</Text>
        ) : (
          <Text size="sm">
            The fetch log keeps a sample ({rate === undefined ? '…' : describeSampleRate(rate)}) of
            evaluations: records appear within a few seconds of a sampled request. {how}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/** Sampled per-subject fetches, newest first, filtered by key, subject and time. */
export function FetchLogPage() {
  const { env = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [input, setInput] = useState<FetchLogFilterInput>(() => ({
    key: params.get('config') ?? '',
    userId: params.get('user') ?? '',
    deviceId: params.get('device') ?? '',
    from: '',
    to: '',
  }));
  const [filter, setFilter] = useState<ConfigFetchLogFilter>(() => {
    const first = toFetchLogFilter(input);
    return 'filter' in first ? first.filter : {};
  });
  const [filterError, setFilterError] = useState<string | null>(null);
  // The cursors of the pages before the one shown: "Newer" pops, "Older" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([]);
  const after = cursors.length > 0 ? cursors[cursors.length - 1] : null;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ConfigFetchLogQuery,
    variables: { environment: env, filter, first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.configFetchLog;
  const records = connection?.edges.map((e) => e.node) ?? [];
  const field = (name: keyof FetchLogFilterInput) => ({
    value: input[name],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setInput((prev) => ({ ...prev, [name]: value }));
    },
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = toFetchLogFilter(input);
    if ('error' in next) {
      setFilterError(next.error);
      return;
    }
    setFilterError(null);
    setFilter(next.filter);
    setCursors([]);
    const search: Record<string, string> = {};
    if (next.filter.key) search.config = next.filter.key;
    if (next.filter.userId) search.user = next.filter.userId;
    if (next.filter.deviceId) search.device = next.filter.deviceId;
    setParams(search, { replace: true });
  };
  return (
    <Stack maw={1200}>
      <Title order={1} size="h2">
        Fetch log
      </Title>
      <Text size="sm" c="dimmed">
        A sample of what was served to whom, newest first: one record per config of each sampled
        request.
      </Text>
      <FetchLogSettings environment={env} />
      <form onSubmit={apply} aria-label="Filters">
        <Group align="flex-start" gap="sm">
          <TextInput label="Config key" {...field('key')} />
          <TextInput label="User id" {...field('userId')} w={160} />
          <TextInput label="Device id" {...field('deviceId')} w={160} />
          <TextInput label="From" type="datetime-local" {...field('from')} />
          <TextInput
            label="To"
            type="datetime-local"
            {...field('to')}
            error={filterError ?? undefined}
          />
          <Button type="submit" mt={25}>
            Apply filters
          </Button>
        </Group>
      </form>
      {error && (
        <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      )}
      {fetching && !data ? (
        <PageSkeleton rows={5} />
      ) : records.length === 0 && !error ? (
        <EmptyLog environment={env} filtered={Object.keys(filter).length > 0} />
      ) : (
        <ScrollTable label="Sampled fetches" minWidth={900}>
          <Table striped aria-label="Sampled fetches">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Config</Table.Th>
                <Table.Th>User</Table.Th>
                <Table.Th>Device</Table.Th>
                <Table.Th>App</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Value hash</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <time dateTime={r.fetchedAt}>{new Date(r.fetchedAt).toLocaleString()}</time>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={routes.config(env, r.configKey)} size="sm">
                      {r.configKey}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.userId ?? '—'}</Table.Td>
                  <Table.Td>{r.deviceId ?? '—'}</Table.Td>
                  <Table.Td>{r.appVersion ?? '—'}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={r.errorCode ? 'red' : 'blue'}>
                      {r.reason}
                    </Badge>
                    {r.ruleId && <Text size="xs">rule {r.ruleId}</Text>}
                    {r.errorCode && <Text size="xs">{r.errorCode}</Text>}
                  </Table.Td>
                  <Table.Td>
                    v{r.configVersion} · rev {r.revision}
                  </Table.Td>
                  <Table.Td>{r.channel}</Table.Td>
                  <Table.Td>
                    <Code title={r.valueHash ?? undefined}>{r.valueHash?.slice(0, 12) ?? '—'}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      <Group gap="xs">
        {cursors.length > 0 && (
          <Button variant="default" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer records
          </Button>
        )}
        {connection?.pageInfo.hasNextPage && (
          <Button
            variant="default"
            onClick={() => setCursors((c) => [...c, connection.pageInfo.endCursor ?? null])}
          >
            Older records
          </Button>
        )}
        <Button variant="subtle" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh
        </Button>
      </Group>
    </Stack>
  );
}
