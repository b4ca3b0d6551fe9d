import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  Radio,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation } from 'urql';
import type { WebhookEndpointFieldsFragment } from '../../api/gql/graphql';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { EndpointStatus } from './badges';
import { DeliveryLog } from './delivery-log';
import { EndpointForm, type EndpointDraft } from './endpoint-form';
import { NotificationsFrame } from './notifications-frame';
import {
  changedFields,
  DEFAULT_OVERLAP_SECONDS,
  deliveryOutcome,
  OVERLAP_CHOICES,
  type Delivery,
} from './notifications';
import {
  DeleteWebhookEndpointMutation,
  RotateWebhookSecretMutation,
  SendTestWebhookMutation,
  UpdateWebhookEndpointMutation,
} from './queries';
import { SecretNotice } from './secret-notice';
import { useDeliveries, useWebhookEndpoints } from './use-notifications';

type Endpoint = WebhookEndpointFieldsFragment;

/** A deletion returns only an id: these lists hold what went with the endpoint. */
const DELETED = { additionalTypenames: ['WebhookEndpoint', 'NotificationDelivery'] };

/** "Send test event" and what became of the test delivery, followed as the log updates. */
function SendTest({ environment, endpoint }: { environment: string; endpoint: Endpoint }) {
  const [sent, send] = useMutation(SendTestWebhookMutation);
  const [test, setTest] = useState<Delivery | null>(null);
  // The same first page as the endpoint's log below: one query, refreshed while pending.
  const { deliveries } = useDeliveries(environment, { endpointId: endpoint.id }, null);
  const current = test && (deliveries.find((d) => d.id === test.id) ?? test);
  const outcome = current && deliveryOutcome(current);
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Button
          onClick={async () => {
            setTest(null);
            const result = await send({ input: { id: endpoint.id } });
            if (result.data) setTest(result.data.sendTestWebhook.delivery);
          }}
          loading={sent.fetching}
          disabled={!endpoint.enabled}
        >
          Send test event
        </Button>
        {!endpoint.enabled && (
          <Text size="sm" c="dimmed">
            Enable the endpoint to send it a test event.
          </Text>
        )}
      </Group>
      {sent.error && <ProblemAlert error={sent.error} />}
      {outcome && (
        <Alert
          role="status"
          color={!outcome.settled ? 'blue' : outcome.ok ? 'teal' : 'red'}
          title={
            !outcome.settled
              ? 'Test event sent'
              : outcome.ok
                ? 'Test event delivered'
                : 'Test event not delivered'
          }
        >
          <Text size="sm">
            {outcome.message} Its <Code>webhook-id</Code> is <Code>{current.id}</Code>.
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

function RotateSecret({ endpoint }: { endpoint: Endpoint }) {
  const [opened, setOpened] = useState(false);
  const [overlap, setOverlap] = useState(String(DEFAULT_OVERLAP_SECONDS));
  const [rotated, rotate] = useMutation(RotateWebhookSecretMutation);
  const [secret, setSecret] = useState<{ value: string; previousUntil: string | null } | null>(
    null,
  );
  return (
    <>
      <Button variant="default" onClick={() => setOpened(true)}>
        Rotate secret
      </Button>
      {secret && (
        <SecretNotice
          secret={secret.value}
          title="New signing secret"
          onDismiss={() => setSecret(null)}
        >
          <Text size="sm">
            {secret.previousUntil
              ? `Until ${new Date(secret.previousUntil).toLocaleString()}, every delivery carries two signatures: one made with this secret and one with the previous one. Switch your receiver to this secret before then.`
              : 'The previous secret no longer signs: deliveries carry only the signature made with this one.'}
          </Text>
        </SecretNotice>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={opened}
        onClose={() => setOpened(false)}
        title="Rotate the signing secret?"
      >
        <Stack>
          <Text size="sm">
            A new secret signs every delivery from now on; it is shown once, after this. So that
            your receiver does not refuse deliveries while you switch it over, the current secret
            can keep signing for a while: during that overlap each request carries both signatures
            in its <Code>webhook-signature</Code> header, and a receiver holding either secret
            accepts it.
          </Text>
          <Radio.Group label="Overlap" value={overlap} onChange={setOverlap}>
            <Stack gap={6} mt={6}>
              {OVERLAP_CHOICES.map((choice) => (
                <Radio key={choice.seconds} value={String(choice.seconds)} label={choice.label} />
              ))}
            </Stack>
          </Radio.Group>
          {rotated.error && <ProblemAlert error={rotated.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button
              loading={rotated.fetching}
              onClick={async () => {
                const result = await rotate({
                  input: { id: endpoint.id, overlapSeconds: Number(overlap) },
                });
                if (!result.data) return;
                const { secret: value, webhookEndpoint } = result.data.rotateWebhookSecret;
                setSecret({ value, previousUntil: webhookEndpoint.previousSecretExpiresAt });
                setOpened(false);
              }}
            >
              Rotate secret
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function DeleteEndpoint({ environment, endpoint }: { environment: string; endpoint: Endpoint }) {
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const [deleted, remove] = useMutation(DeleteWebhookEndpointMutation);
  return (
    <>
      <Button color="red.9" variant="outline" onClick={() => setOpened(true)}>
        Delete
      </Button>
      <ConfirmDialog
        opened={opened}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        busy={deleted.fetching}
        error={deleted.error}
        onCancel={() => setOpened(false)}
        onConfirm={async () => {
          const result = await remove({ input: { id: endpoint.id } }, DELETED);
          if (!result.error) navigate(routes.webhookEndpoints(environment));
        }}
      >
        <Text size="sm">
          <Code>{endpoint.url}</Code> gets no more notifications, pending deliveries to it are
          dropped and its delivery log is deleted. This cannot be undone.
        </Text>
      </ConfirmDialog>
    </>
  );
}

function EndpointDetails({ environment, endpoint }: { environment: string; endpoint: Endpoint }) {
  const [toggled, toggle] = useMutation(UpdateWebhookEndpointMutation);
  const [updated, update] = useMutation(UpdateWebhookEndpointMutation);
  const stored: EndpointDraft = {
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
  };
  const overlapping =
    endpoint.previousSecretExpiresAt && Date.parse(endpoint.previousSecretExpiresAt) > Date.now();
  return (
    <Stack>
      <div>
        <Anchor component={Link} to={routes.webhookEndpoints(environment)} size="sm">
          ← Webhook endpoints
        </Anchor>
        <Title order={2} size="h3" style={{ overflowWrap: 'anywhere' }}>
          {endpoint.url}
        </Title>
        {endpoint.description && <Text c="dimmed">{endpoint.description}</Text>}
      </div>
      <Group gap="md">
        <EndpointStatus {...endpoint} />
        <Switch
          label="Enabled"
          checked={endpoint.enabled}
          disabled={toggled.fetching}
          onChange={(e) =>
            void toggle({ input: { id: endpoint.id, enabled: e.currentTarget.checked } })
          }
        />
      </Group>
      {toggled.error && <ProblemAlert error={toggled.error} />}
      {endpoint.disabledReason && (
        <Alert color="red" title="Disabled after failing">
          {endpoint.disabledReason}. Enabling it again starts afresh: deliveries are attempted again
          from the next event.
        </Alert>
      )}
      {overlapping && (
        <Text size="sm">
          Deliveries also carry a signature made with the previous secret until{' '}
          {new Date(endpoint.previousSecretExpiresAt!).toLocaleString()}.
        </Text>
      )}
      <SendTest environment={environment} endpoint={endpoint} />
      <Group gap="xs" align="flex-start">
        <RotateSecret endpoint={endpoint} />
        <DeleteEndpoint environment={environment} endpoint={endpoint} />
      </Group>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          Settings
        </Title>
        <EndpointForm
          // A saved change (here or elsewhere) restarts the form from the stored fields; a
          // toggle or a rotation leaves an edit in progress alone.
          key={JSON.stringify(stored)}
          label="Endpoint settings"
          initial={stored}
          submitLabel="Save changes"
          saving={updated.fetching}
          error={updated.error}
          onSubmit={async (draft) => {
            const changes = changedFields(stored, { ...draft, url: draft.url.trim() });
            if (Object.keys(changes).length === 0) return true;
            const result = await update({ input: { id: endpoint.id, ...changes } });
            return !result.error;
          }}
        />
      </Paper>
      <Title order={3} size="h4">
        Delivery log
      </Title>
      <DeliveryLog
        environment={environment}
        filter={{ endpointId: endpoint.id }}
        empty="Nothing has been sent to this endpoint yet. Send it a test event."
      />
    </Stack>
  );
}

/** One webhook endpoint: test it, edit it, turn it on or off, rotate its secret, its log. */
export function WebhookEndpointPage() {
  const { env = '', id = '' } = useParams();
  const { endpoints, loaded, error, refetch } = useWebhookEndpoints(env);
  const endpoint = endpoints.find((e) => e.id === id);
  return (
    <NotificationsFrame>
      {error && <ProblemAlert error={error} onRetry={refetch} />}
      {!loaded && !error ? (
        <PageSkeleton rows={6} />
      ) : endpoint ? (
        <EndpointDetails environment={env} endpoint={endpoint} />
      ) : (
        !error && (
          <Alert color="gray" title="No such webhook endpoint" role="status">
            This environment has no webhook endpoint with that id; it may have been deleted.{' '}
            <Anchor component={Link} to={routes.webhookEndpoints(env)}>
              Back to the endpoints
            </Anchor>
          </Alert>
        )
      )}
    </NotificationsFrame>
  );
}
