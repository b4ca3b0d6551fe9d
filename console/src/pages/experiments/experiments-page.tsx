import { Alert, Anchor, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { ExperimentStatus } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ScrollTable } from '../../components/scroll-table';
import { CursorPages, TablePage, type PageSlot } from '../../components/table-page';
import { routes } from '../../routes';
import { useSearchParam } from '../../use-search-param';
import { ExperimentsQuery } from './queries';
import { STATUS_LABELS, StatusBadge } from './status';

const PAGE_SIZE = 25;

/** The environment's experiments, by key, filtered by status (and by config from a config's page). */
export function ExperimentsPage() {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const [params, setParam] = useSearchParam();
  const status = (params.get('status') as ExperimentStatus | null) ?? null;
  const config = params.get('config');
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
            <CursorPages
              filterKey={`${env}/${status}`}
              page={(slot) => (
                <ExperimentRows env={env} status={status} config={config} slot={slot} />
              )}
            />
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
  slot,
}: {
  slot: PageSlot;
  env: string;
  status: ExperimentStatus | null;
  config: string | null;
}) {
  const [result, refetch] = useQuery({
    query: ExperimentsQuery,
    variables: { environment: env, status, first: PAGE_SIZE, after: slot.after },
  });
  const connection = result.data?.experiments;
  const edges = connection?.edges ?? [];
  const rows = config ? edges.filter((e) => e.node.configKey === config) : edges;
  return (
    <TablePage
      columns={6}
      slot={slot}
      query={{ result, refetch, pageInfo: connection?.pageInfo, rows: rows.length }}
      empty={
        <Alert color="gray" title="No experiments" role="status">
          {status || config
            ? 'None matches the filter. Clear it to see every experiment.'
            : 'No experiment in this environment yet. Create one to test a config’s values.'}
        </Alert>
      }
      moreLabel="Load more experiments"
    >
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
    </TablePage>
  );
}
