import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription, type CombinedError } from 'urql';
import type {
  AlertEventFieldsFragment,
  AlertEventStatus,
  AlertSeverity,
} from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { CursorPages, TablePage, type PageSlot } from '../../components/table-page';
import { routes } from '../../routes';
import { useSearchParam } from '../../use-search-param';
import { describeRule, formatMetric } from './alert-draft';
import {
  AcknowledgeAlertEventMutation,
  AlertEventsQuery,
  AlertsQuery,
  AlertTriggeredSubscription,
} from './queries';

const RULES_PAGE = 50;
const EVENTS_PAGE = 25;

// Dark shades: the text on them keeps its contrast (text, not colour alone, carries the meaning).
// Mantine's darkest orange leaves white text under 4.5:1, so a darker one of our own.
const DARK_ORANGE = '#a63c06';
const SEVERITY_COLORS: Record<AlertSeverity, string> = {
  INFO: 'blue.9',
  WARNING: DARK_ORANGE,
  CRITICAL: 'red.9',
};
const STATUS_COLORS: Record<AlertEventStatus, string> = {
  OPEN: 'red.9',
  ACKNOWLEDGED: DARK_ORANGE,
  RESOLVED: 'teal.9',
};
const STATUS_LABELS: Record<AlertEventStatus, string> = {
  OPEN: 'Open',
  ACKNOWLEDGED: 'Acknowledged',
  RESOLVED: 'Resolved',
};

function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <Badge color={SEVERITY_COLORS[severity]}>{severity.toLowerCase()}</Badge>;
}

function StatusBadge({ status }: { status: AlertEventStatus }) {
  return <Badge color={STATUS_COLORS[status]}>{STATUS_LABELS[status]}</Badge>;
}

function When({ at }: { at: string | null | undefined }) {
  return at ? <time dateTime={at}>{new Date(at).toLocaleString()}</time> : <>—</>;
}

/** An environment's alert rules and their events; new events arrive live (alertTriggered). */
export function AlertsPage() {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const [params, setParam] = useSearchParam();
  const status = (params.get('status') as AlertEventStatus | null) ?? null;
  const linked = params.get('event');
  // Bumped by each event that opens: both lists are read again.
  const [version, setVersion] = useState(0);
  useSubscription(
    { query: AlertTriggeredSubscription, variables: { environment: env } },
    (_, e) => {
      setVersion((v) => v + 1);
      return e;
    },
  );
  return (
    <Stack maw={1200}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Alerts
        </Title>
        {canEdit && (
          <Button component={Link} to={routes.newAlert(env)} size="sm">
            New alert rule
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Rules watch a config&apos;s (or the environment&apos;s) error rate, fetch rate, usage drop
        or refused saves every evaluation interval; a crossing opens an event, notifies the
        rule&apos;s channels and, for rules that guard deployments, rolls the config&apos;s active
        deployment back.
      </Text>
      <Title order={2} size="h3">
        Rules
      </Title>
      <RulesTable env={env} version={version} canEdit={canEdit} />
      <Group justify="space-between" align="flex-end">
        <Title order={2} size="h3">
          Events
        </Title>
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
      <EventsTable env={env} status={status} linked={linked} version={version} canEdit={canEdit} />
    </Stack>
  );
}

function RulesTable({ env, version, canEdit }: { env: string; version: number; canEdit: boolean }) {
  return (
    <ScrollTable label="Alert rules" minWidth={900}>
      <Table striped aria-label="Alert rules">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rule</Table.Th>
            <Table.Th>Config</Table.Th>
            <Table.Th>Condition</Table.Th>
            <Table.Th>Severity</Table.Th>
            <Table.Th>Last value</Table.Th>
            <Table.Th>State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <CursorPages
            filterKey={env}
            page={(slot) => <RuleRows env={env} version={version} canEdit={canEdit} slot={slot} />}
          />
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

function RuleRows({
  env,
  slot,
  version,
  canEdit,
}: {
  slot: PageSlot;
  env: string;
  version: number;
  canEdit: boolean;
}) {
  const [result, refetch] = useQuery({
    query: AlertsQuery,
    variables: { environment: env, first: RULES_PAGE, after: slot.after },
  });
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version, refetch]);
  const connection = result.data?.alerts;
  const edges = connection?.edges ?? [];
  return (
    <TablePage
      columns={6}
      slot={slot}
      query={{ result, refetch, pageInfo: connection?.pageInfo, rows: edges.length }}
      empty={
        <Alert color="gray" title="No alert rules" role="status">
          {canEdit
            ? 'No rule watches this environment yet. Create one to be told when a config misbehaves.'
            : 'No rule watches this environment yet.'}
        </Alert>
      }
      moreLabel="Load more rules"
    >
      {edges.map(({ node }) => (
        <Table.Tr key={node.id}>
          <Table.Td>
            {canEdit ? (
              <Anchor component={Link} to={routes.alert(env, node.id)} size="sm">
                {node.name}
              </Anchor>
            ) : (
              node.name
            )}
            {node.guardsDeployments && (
              <Text size="xs" c="dimmed">
                guards deployments
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            {node.configKey ? (
              <Anchor component={Link} to={routes.config(env, node.configKey)} size="sm">
                {node.configKey}
              </Anchor>
            ) : (
              <Text size="sm" c="dimmed">
                whole environment
              </Text>
            )}
          </Table.Td>
          <Table.Td>{describeRule(node)}</Table.Td>
          <Table.Td>
            <SeverityBadge severity={node.severity} />
          </Table.Td>
          <Table.Td>
            {node.lastEvaluatedAt ? formatMetric(node.condition, node.lastValue) : 'not yet'}
          </Table.Td>
          <Table.Td>
            {!node.enabled ? (
              <Badge color="gray.7">Off</Badge>
            ) : node.unresolvedEvent ? (
              <StatusBadge status={node.unresolvedEvent.status} />
            ) : (
              <Badge color="teal.9">OK</Badge>
            )}
          </Table.Td>
        </Table.Tr>
      ))}
    </TablePage>
  );
}

function EventsTable({
  env,
  status,
  linked,
  version,
  canEdit,
}: {
  env: string;
  status: AlertEventStatus | null;
  linked: string | null;
  version: number;
  canEdit: boolean;
}) {
  const [acknowledging, setAcknowledging] = useState<AlertEventFieldsFragment | null>(null);
  return (
    <>
      <ScrollTable label="Alert events" minWidth={1000}>
        <Table striped aria-label="Alert events">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Opened</Table.Th>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Measured</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Deployment</Table.Th>
              <Table.Th>Acknowledgement</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <CursorPages
              filterKey={`${env}/${status}`}
              page={(slot) => (
                <EventRows
                  env={env}
                  status={status}
                  linked={linked}
                  version={version}
                  canEdit={canEdit}
                  onAcknowledge={setAcknowledging}
                  slot={slot}
                />
              )}
            />
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <AcknowledgeDialog event={acknowledging} onClose={() => setAcknowledging(null)} />
    </>
  );
}

function EventRows({
  env,
  status,
  slot,
  linked,
  version,
  canEdit,
  onAcknowledge,
}: {
  slot: PageSlot;
  env: string;
  status: AlertEventStatus | null;
  linked: string | null;
  version: number;
  canEdit: boolean;
  onAcknowledge(event: AlertEventFieldsFragment): void;
}) {
  const [result, refetch] = useQuery({
    query: AlertEventsQuery,
    variables: { environment: env, status, first: EVENTS_PAGE, after: slot.after },
  });
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version, refetch]);
  const connection = result.data?.alertEvents;
  const edges = connection?.edges ?? [];
  return (
    <TablePage
      columns={7}
      slot={slot}
      query={{ result, refetch, pageInfo: connection?.pageInfo, rows: edges.length }}
      empty={
        <Alert color="gray" title="No alert events" role="status">
          {status ? 'None has this status.' : 'No rule has fired in this environment.'}
        </Alert>
      }
      moreLabel="Load more events"
    >
      {edges.map(({ node }) => (
        <Table.Tr key={node.id} aria-current={node.id === linked ? 'true' : undefined}>
          <Table.Td>
            <When at={node.openedAt} />
            {node.id === linked && (
              <Badge size="xs" color="blue.9" ml={4}>
                linked
              </Badge>
            )}
          </Table.Td>
          <Table.Td>
            <Text size="sm">{node.alertName}</Text>
            <Text size="xs" c="dimmed">
              {node.configKey ?? 'whole environment'}
            </Text>
            <SeverityBadge severity={node.severity} />
          </Table.Td>
          <Table.Td>
            {formatMetric(node.condition, node.value)} (threshold{' '}
            {formatMetric(node.condition, node.threshold)}, sample {node.sample})
          </Table.Td>
          <Table.Td miw={140}>
            <StatusBadge status={node.status} />
            {node.resolvedAt && (
              <Text size="xs" c="dimmed">
                <When at={node.resolvedAt} />
              </Text>
            )}
          </Table.Td>
          <Table.Td>{node.deploymentId ? (node.guardResult ?? 'being tripped') : '—'}</Table.Td>
          <Table.Td>
            {node.acknowledgedBy ? (
              <>
                <Text size="sm">
                  {node.acknowledgedBy}, <When at={node.acknowledgedAt} />
                </Text>
                {node.comment && (
                  <Text size="xs" c="dimmed">
                    {node.comment}
                  </Text>
                )}
              </>
            ) : (
              '—'
            )}
          </Table.Td>
          <Table.Td>
            {canEdit && node.status === 'OPEN' && (
              <Button
                size="xs"
                variant="light"
                aria-label={`Acknowledge ${node.alertName} opened ${new Date(node.openedAt).toLocaleString()}`}
                onClick={() => onAcknowledge(node)}
              >
                Acknowledge
              </Button>
            )}
          </Table.Td>
        </Table.Tr>
      ))}
    </TablePage>
  );
}

/** Records who is on an open event, with a comment for the others. */
function AcknowledgeDialog({
  event,
  onClose,
}: {
  event: AlertEventFieldsFragment | null;
  onClose(): void;
}) {
  const [comment, setComment] = useState('');
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [{ fetching }, acknowledge] = useMutation(AcknowledgeAlertEventMutation);
  useEffect(() => {
    setComment('');
    setFailure(null);
  }, [event]);
  if (!event) return null;
  const submit = async () => {
    const result = await acknowledge({
      input: { id: event.id, comment: comment.trim() || undefined },
    });
    if (result.error) setFailure(result.error);
    else onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Acknowledge “${event.alertName}”`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Text size="sm">
            {describeRule(event)}: measured {formatMetric(event.condition, event.value)}. It stays
            unresolved until two evaluations in a row no longer cross.
          </Text>
          {failure && <ProblemAlert error={failure} />}
          <Textarea
            label="Comment"
            description="What you are doing about it (1,000 characters at most)"
            autosize
            minRows={2}
            maxLength={1000}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching}>
              Acknowledge
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
