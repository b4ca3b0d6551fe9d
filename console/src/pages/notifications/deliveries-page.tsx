import { Anchor, Group, Select, Text } from '@mantine/core';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { NotificationDeliveryStatus } from '../../api/gql/graphql';
import { routes } from '../../routes';
import { DeliveryLog } from './delivery-log';
import { NotificationsFrame } from './notifications-frame';
import { STATUS_LABELS, type Delivery } from './notifications';
import { useEmailRecipients, useWebhookEndpoints, type DeliveryFilter } from './use-notifications';

const STATUSES = Object.keys(STATUS_LABELS) as NotificationDeliveryStatus[];

/** The environment's delivery log, filtered by where deliveries went and by status. */
export function DeliveriesPage() {
  const { env = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { endpoints } = useWebhookEndpoints(env);
  const { recipients } = useEmailRecipients(env);
  const endpointId = params.get('endpoint') ?? undefined;
  const recipientId = params.get('recipient') ?? undefined;
  const statusParam = params.get('status') as NotificationDeliveryStatus | null;
  const status = statusParam && STATUSES.includes(statusParam) ? statusParam : undefined;
  const filter: DeliveryFilter = useMemo(
    () => ({ endpointId, recipientId, status }),
    [endpointId, recipientId, status],
  );
  const targets = [
    ...endpoints.map((e) => ({ value: `endpoint:${e.id}`, label: `Webhook: ${e.url}` })),
    ...recipients.map((r) => ({ value: `recipient:${r.id}`, label: `Email: ${r.address}` })),
  ];
  const target = endpointId
    ? `endpoint:${endpointId}`
    : recipientId
      ? `recipient:${recipientId}`
      : null;
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };
  const targetOf = (delivery: Delivery) => {
    if (delivery.endpointId) {
      const endpoint = endpoints.find((e) => e.id === delivery.endpointId);
      return (
        <Anchor
          component={Link}
          to={routes.webhookEndpoint(env, delivery.endpointId)}
          size="sm"
          style={{ overflowWrap: 'anywhere' }}
        >
          {endpoint?.url ?? 'webhook endpoint'}
        </Anchor>
      );
    }
    const recipient = recipients.find((r) => r.id === delivery.recipientId);
    return (
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {recipient ? recipient.address : 'email recipient'}
      </Text>
    );
  };
  return (
    <NotificationsFrame>
      <Group align="flex-end" gap="sm">
        <Select
          label="Sent to"
          placeholder="Every endpoint and recipient"
          clearable
          w={360}
          data={targets}
          value={target}
          onChange={(value) => {
            const [kind, id] = value ? value.split(':') : [];
            update({
              endpoint: kind === 'endpoint' ? id : null,
              recipient: kind === 'recipient' ? id : null,
            });
          }}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          w={180}
          data={STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
          value={status ?? null}
          onChange={(value) => update({ status: value })}
        />
      </Group>
      <DeliveryLog
        environment={env}
        filter={filter}
        targetOf={targetOf}
        empty={
          endpointId || recipientId || status
            ? 'No delivery matches these filters.'
            : "Nothing has been sent yet: deliveries appear here once an endpoint or recipient is subscribed to an event that happens (or a webhook endpoint's test event)."
        }
      />
    </NotificationsFrame>
  );
}
