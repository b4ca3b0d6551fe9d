import { Alert, Button, Code, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useMutation } from 'urql';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { DeliveryStatusBadge } from './badges';
import { EVENT_TYPES, type Delivery } from './notifications';
import { RedeliverNotificationMutation } from './queries';
import { useDeliveries, type DeliveryFilter } from './use-notifications';

const at = (iso: string | null) =>
  iso ? <time dateTime={iso}>{new Date(iso).toLocaleString()}</time> : '—';

/** The rows of a delivery log; `targetOf` adds a column naming where each went. */
export function DeliveryLogTable({
  deliveries,
  targetOf,
  redelivering,
  onRedeliver,
  onShowPayload,
}: {
  deliveries: readonly Delivery[];
  targetOf?: (delivery: Delivery) => ReactNode;
  redelivering: string | null;
  onRedeliver(delivery: Delivery): void;
  onShowPayload(delivery: Delivery): void;
}) {
  return (
    <ScrollTable label="Deliveries" minWidth={targetOf ? 1150 : 1000}>
      <Table striped aria-label="Deliveries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            <Table.Th>Event</Table.Th>
            {targetOf && <Table.Th>Sent to</Table.Th>}
            <Table.Th>Status</Table.Th>
            <Table.Th>Response code</Table.Th>
            <Table.Th>Latency</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Next attempt</Table.Th>
            <Table.Th>Last error</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.map((delivery) => (
            <Table.Tr key={delivery.id}>
              <Table.Td>{at(delivery.createdAt)}</Table.Td>
              <Table.Td>
                <Text size="sm">{EVENT_TYPES[delivery.eventType].label}</Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {delivery.eventId}
                </Text>
              </Table.Td>
              {targetOf && <Table.Td>{targetOf(delivery)}</Table.Td>}
              <Table.Td>
                <DeliveryStatusBadge status={delivery.status} />
              </Table.Td>
              <Table.Td>{delivery.responseCode ?? '—'}</Table.Td>
              <Table.Td>{delivery.latencyMs !== null ? `${delivery.latencyMs} ms` : '—'}</Table.Td>
              <Table.Td>{delivery.attempts}</Table.Td>
              <Table.Td>
                {delivery.status === 'PENDING' ? at(delivery.nextAttemptAt) : '—'}
              </Table.Td>
              <Table.Td maw={280}>
                <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                  {delivery.lastError ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button
                    size="compact-xs"
                    variant="default"
                    loading={redelivering === delivery.id}
                    onClick={() => onRedeliver(delivery)}
                  >
                    Redeliver
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => onShowPayload(delivery)}
                  >
                    Payload
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/**
 * The delivery log of an environment, or of one endpoint or recipient: newest first, a page
 * at a time, following pending deliveries by itself, with redelivery and each payload.
 */
export function DeliveryLog({
  environment,
  filter,
  targetOf,
  empty,
}: {
  environment: string;
  filter: DeliveryFilter;
  targetOf?: (delivery: Delivery) => ReactNode;
  empty: string;
}) {
  // The cursors of the pages before the one shown: "Newer" pops, "Older" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([]);
  const after = cursors.length > 0 ? cursors[cursors.length - 1] : null;
  const { deliveries, loaded, pageInfo, error, refetch } = useDeliveries(
    environment,
    filter,
    after,
  );
  const [redelivered, redeliver] = useMutation(RedeliverNotificationMutation);
  const [redelivering, setRedelivering] = useState<string | null>(null);
  const [payloadOf, setPayloadOf] = useState<Delivery | null>(null);
  const filterKey = JSON.stringify(filter);
  const [shownFilter, setShownFilter] = useState(filterKey);
  if (shownFilter !== filterKey) {
    // Another filter starts from its newest page.
    setShownFilter(filterKey);
    setCursors([]);
  }
  const onRedeliver = async (delivery: Delivery) => {
    setRedelivering(delivery.id);
    await redeliver({ input: { id: delivery.id } });
    setRedelivering(null);
  };
  return (
    <Stack gap="sm">
      {redelivered.error && <ProblemAlert error={redelivered.error} />}
      {error && <ProblemAlert error={error} onRetry={refetch} />}
      {!loaded && !error ? (
        <PageSkeleton rows={4} />
      ) : deliveries.length === 0 && !error ? (
        <Alert color="gray" title="No deliveries" role="status">
          {empty}
        </Alert>
      ) : (
        <DeliveryLogTable
          deliveries={deliveries}
          targetOf={targetOf}
          redelivering={redelivering}
          onRedeliver={(delivery) => void onRedeliver(delivery)}
          onShowPayload={setPayloadOf}
        />
      )}
      <Group gap="xs">
        {cursors.length > 0 && (
          <Button variant="default" size="xs" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer deliveries
          </Button>
        )}
        {pageInfo?.hasNextPage && (
          <Button
            variant="default"
            size="xs"
            onClick={() => setCursors((c) => [...c, pageInfo.endCursor ?? null])}
          >
            Older deliveries
          </Button>
        )}
        <Button variant="subtle" size="xs" onClick={refetch}>
          Refresh
        </Button>
        <Text size="xs" c="dimmed">
          Pending deliveries update by themselves.
        </Text>
      </Group>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={payloadOf !== null}
        onClose={() => setPayloadOf(null)}
        title="Payload sent"
        size="lg"
      >
        {payloadOf && (
          <Stack gap="xs">
            <Text size="sm">
              The request body, signed with <Code>webhook-id: {payloadOf.id}</Code> (the same on
              every attempt and redelivery, for receivers to deduplicate by).
            </Text>
            <Code block>{JSON.stringify(payloadOf.payload, null, 2)}</Code>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
