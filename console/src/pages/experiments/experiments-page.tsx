import { Alert, Anchor, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { ExperimentStatus } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { ExperimentsQuery } from './queries';
import { STATUS_LABELS, StatusBadge } from './status';

const PAGE_SIZE = 25;

/** The environment's experiments, by key, filtered by status (and by config from a config's page). */
export function ExperimentsPage() {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as ExperimentStatus | null) ?? null;
  const config = params.get('config');
  // The cursors of the pages shown, one per "Load more".
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => setCursors([null]), [env, status]);
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Experiments
        </Title>
        {canEdit && (
          <Button component={Link} to={routes.newExperiment(env, config ?? undefined)} size="sm">
            New experiment
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        A/B experiments serve each variant&apos;s value of a config to its share of the traffic.
        Open one to start, pause or complete it and to read its results.
      </Text>
      <Group align="flex-end">
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          w={200}
          value={status}
          data={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
          onChange={(value) => setParam('status', value)}
        />
        {config && (
          <Group gap="xs">
            <Text size="sm">
              Config <strong>{config}</strong>
            </Text>
            <Button size="xs" variant="default" onClick={() => setParam('config', null)}>
              Show all configs
            </Button>
          </Group>
        )}
      </Group>
      <ScrollTable label="Experiments" minWidth={720}>
        <Table striped aria-label="Experiments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Experiment</Table.Th>
              <Table.Th>Config</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Variants</Table.Th>
              <Table.Th>Traffic</Table.Th>
              <Table.Th>Started</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cursors.map((after, i) => (
              <ExperimentRows
                key={after ?? ''}
                env={env}
                status={status}
                config={config}
                after={after}
                isLast={i === cursors.length - 1}
                onMore={(cursor) => setCursors((shown) => [...shown, cursor])}
              />
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
    </Stack>
  );
}

/** One page of the connection, as table rows; the last page offers the next. */
function ExperimentRows({
  env,
  status,
  config,
  after,
  isLast,
  onMore,
}: {
  env: string;
  status: ExperimentStatus | null;
  config: string | null;
  after: string | null;
  isLast: boolean;
  onMore(cursor: string): void;
}) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ExperimentsQuery,
    variables: { environment: env, status, first: PAGE_SIZE, after },
  });
  const edges = data?.experiments.edges ?? [];
  const rows = config ? edges.filter((e) => e.node.configKey === config) : edges;
  const pageInfo = data?.experiments.pageInfo;
  const cell = (children: React.ReactNode) => (
    <Table.Tr>
      <Table.Td colSpan={6}>{children}</Table.Td>
    </Table.Tr>
  );
  if (error)
    return cell(
      <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />,
    );
  if (fetching && !data) return cell(<PageSkeleton rows={3} />);
  return (
    <>
      {after === null &&
        rows.length === 0 &&
        !pageInfo?.hasNextPage &&
        cell(
          <Alert color="gray" title="No experiments" role="status">
            {status || config
              ? 'None matches the filter. Clear it to see every experiment.'
              : 'No experiment in this environment yet. Create one to test a config’s values.'}
          </Alert>,
        )}
      {rows.map(({ node }) => (
        <Table.Tr key={node.id}>
          <Table.Td>
            <Anchor component={Link} to={routes.experiment(env, node.key)} size="sm">
              {node.name || node.key}
            </Anchor>
            {node.name !== node.key && (
              <Text size="xs" c="dimmed">
                {node.key}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            <Anchor component={Link} to={routes.config(env, node.configKey)} size="sm">
              {node.configKey}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <StatusBadge status={node.status} />
          </Table.Td>
          <Table.Td>{node.variants.map((v) => v.key).join(', ')}</Table.Td>
          <Table.Td>{node.trafficPercentage}%</Table.Td>
          <Table.Td>
            {node.startedAt ? (
              <time dateTime={node.startedAt}>{new Date(node.startedAt).toLocaleString()}</time>
            ) : (
              'not yet'
            )}
          </Table.Td>
        </Table.Tr>
      ))}
      {isLast &&
        pageInfo?.hasNextPage &&
        pageInfo.endCursor &&
        cell(
          <Button variant="default" size="xs" onClick={() => onMore(pageInfo.endCursor!)}>
            Load more experiments
          </Button>,
        )}
    </>
  );
}
