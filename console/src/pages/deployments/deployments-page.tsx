import { Alert, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useParams } from 'react-router';
import type { DeploymentStatus } from '../../api/gql/graphql';
import { ScrollTable } from '../../components/scroll-table';
import { CursorPages, TablePage, type PageSlot } from '../../components/table-page';
import { useSearchParam } from '../../use-search-param';
import { DEPLOYMENT_COLUMNS, DeploymentHeader, DeploymentRows } from './deployment-rows';
import { STATUS_LABELS } from './lifecycle';
import { useDeploymentEvents, useDeploymentsPage } from './use-deployments';

const PAGE_SIZE = 25;

/**
 * The environment's deployments, newest first, filtered by config key and status
 * (`?config=<key>&status=<STATUS>`), a page of the connection at a time; any deployment's
 * event refreshes the pages shown.
 */
export function DeploymentsPage() {
  const { env = '' } = useParams();
  const [params, setParam] = useSearchParam();
  const config = params.get('config') ?? '';
  const status = (params.get('status') as DeploymentStatus | null) ?? null;
  const [debouncedConfig] = useDebouncedValue(config.trim(), 300);
  useDeploymentEvents(env, null);
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        Deployments
      </Title>
      <Text size="sm" c="dimmed">
        Progressive deployments serve a change to a growing share of a config&apos;s subjects. Start
        one from a config&apos;s page (Deploy progressively); its page shows it live, with pause,
        resume, advance and roll back.
      </Text>
      <Group align="flex-end">
        <TextInput
          label="Config key"
          description="The exact key"
          w={260}
          value={config}
          onChange={(e) => setParam('config', e.currentTarget.value)}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          w={200}
          value={status}
          data={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
          onChange={(value) => setParam('status', value)}
        />
      </Group>
      <ScrollTable label="Deployments" minWidth={860}>
        <Table striped aria-label="Deployments">
          <DeploymentHeader withConfig />
          <Table.Tbody>
            <CursorPages
              filterKey={JSON.stringify([env, status, debouncedConfig])}
              page={(slot) => (
                <DeploymentPage
                  env={env}
                  config={debouncedConfig || null}
                  status={status}
                  slot={slot}
                />
              )}
            />
          </Table.Tbody>
        </Table>
      </ScrollTable>
    </Stack>
  );
}

/** One page of the connection, as table rows; the last page offers the next. */
function DeploymentPage({
  env,
  config,
  status,
  slot,
}: {
  slot: PageSlot;
  env: string;
  config: string | null;
  status: DeploymentStatus | null;
}) {
  const [result, refetch] = useDeploymentsPage({
    environment: env,
    key: config,
    status,
    first: PAGE_SIZE,
    after: slot.after,
  });
  const connection = result.data?.deployments;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <TablePage
      columns={DEPLOYMENT_COLUMNS(true)}
      slot={slot}
      query={{ result, refetch, pageInfo: connection?.pageInfo, rows: rows.length }}
      empty={
        <Alert color="gray" title="No deployments" role="status">
          {status || config
            ? 'None matches the filter. Clear it to see every deployment.'
            : 'No deployment in this environment yet.'}
        </Alert>
      }
      moreLabel="Load more deployments"
    >
      <DeploymentRows environment={env} deployments={rows} withConfig />
    </TablePage>
  );
}
