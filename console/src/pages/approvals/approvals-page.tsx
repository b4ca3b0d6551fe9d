import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { useSession } from '../../api/session-context';
import { ScrollTable } from '../../components/scroll-table';
import { CursorPages, TablePage, type PageSlot } from '../../components/table-page';
import { routes } from '../../routes';
import { useSearchParam } from '../../use-search-param';
import {
  inboxFilter,
  kindLabel,
  levelProgress,
  standing,
  statusColor,
  type InboxView,
} from './approval-text';
import { ApprovalsQuery, ApprovalUpdatedSubscription } from './queries';

const VIEWS: { value: InboxView; label: string }[] = [
  { value: 'waiting', label: 'Waiting on me' },
  { value: 'mine', label: 'My requests' },
  { value: 'all', label: 'All' },
];

/** Requests asked for per page: each carries its levels, which the query cost counts. */
const PAGE_SIZE = 25;

/** The approvals inbox: what waits on the signed-in key, what it asked for, everything. */
export function ApprovalsPage() {
  const { env = '' } = useParams();
  const [params, setParam] = useSearchParam();
  const view = (params.get('view') as InboxView | null) ?? 'waiting';
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Approvals
        </Title>
        <Button component={Link} to={routes.approvalPolicies(env)} variant="default" size="sm">
          Approval policies
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Changes to configs an approval policy governs wait here for their reviewers, level by level,
        and apply once every level approves.
      </Text>
      <SegmentedControl
        aria-label="Which requests"
        value={view}
        data={VIEWS}
        onChange={(next) => setParam('view', next)}
        w="fit-content"
      />
      <ScrollTable label="Change requests" minWidth={760}>
        <Table striped aria-label="Change requests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Config</Table.Th>
              <Table.Th>Change</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Levels</Table.Th>
              <Table.Th>Requested by</Table.Th>
              <Table.Th>Requested</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <CursorPages
              filterKey={`${env}/${view}`}
              page={(slot) => <ApprovalRows env={env} view={view} slot={slot} />}
            />
          </Table.Tbody>
        </Table>
      </ScrollTable>
    </Stack>
  );
}

/** One page of the view, as table rows; the last page offers the next. */
function ApprovalRows({ env, view, slot }: { slot: PageSlot; env: string; view: InboxView }) {
  const { me } = useSession();
  const [result, refetch] = useQuery({
    query: ApprovalsQuery,
    variables: {
      environment: env,
      first: PAGE_SIZE,
      after: slot.after,
      ...inboxFilter(view, me.id),
    },
    requestPolicy: 'cache-and-network',
  });
  // Any change of a request may add one to a view or take one out: read the page again.
  useSubscription(
    { query: ApprovalUpdatedSubscription, variables: { environment: env } },
    (_, event) => {
      refetch({ requestPolicy: 'network-only' });
      return event;
    },
  );
  const connection = result.data?.approvals;
  const rows = connection?.edges.map((e) => e.node) ?? [];
  return (
    <TablePage
      columns={6}
      slot={slot}
      query={{ result, refetch, pageInfo: connection?.pageInfo, rows: rows.length }}
      empty={
        <Alert color="gray" title="Nothing here" role="status">
          {view === 'waiting'
            ? 'No change request waits on you.'
            : view === 'mine'
              ? 'You have not asked for any change.'
              : 'No change request in this environment yet.'}
        </Alert>
      }
      moreLabel="Load more requests"
    >
      {rows.map((approval) => (
        <Table.Tr key={approval.id}>
          <Table.Td>
            <Anchor component={Link} to={routes.approval(env, approval.id)} size="sm">
              {approval.configKey}
            </Anchor>
          </Table.Td>
          <Table.Td>{kindLabel(approval.kind)}</Table.Td>
          <Table.Td>
            <Badge color={statusColor(approval.status)}>{approval.status.toLowerCase()}</Badge>
            <Text size="xs" c="dimmed">
              {standing(approval)}
            </Text>
          </Table.Td>
          <Table.Td>
            <Stack gap={0}>
              {approval.levels.map((level) => (
                <Text size="xs" key={level.level}>
                  {level.level + 1}. {level.name}: {levelProgress(level)}
                </Text>
              ))}
            </Stack>
          </Table.Td>
          <Table.Td>{approval.requester.name}</Table.Td>
          <Table.Td>
            <time dateTime={approval.createdAt}>
              {new Date(approval.createdAt).toLocaleString()}
            </time>
          </Table.Td>
        </Table.Tr>
      ))}
    </TablePage>
  );
}
