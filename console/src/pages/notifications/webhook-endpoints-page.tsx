import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation } from 'urql';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { EndpointStatus } from './badges';
import { EndpointForm, type EndpointDraft } from './endpoint-form';
import { NotificationsFrame } from './notifications-frame';
import { eventTypesText } from './notifications';
import { CreateWebhookEndpointMutation } from './queries';
import { SecretNotice } from './secret-notice';
import { useWebhookEndpoints } from './use-notifications';

const NEW_ENDPOINT: EndpointDraft = { url: '', description: '', eventTypes: ['CONFIG_CHANGED'] };

function CreateEndpoint({ environment }: { environment: string }) {
  const [created, create] = useMutation(CreateWebhookEndpointMutation);
  const [opened, setOpened] = useState(false);
  const [shown, setShown] = useState<{ id: string; url: string; secret: string } | null>(null);
  const submit = async (draft: EndpointDraft) => {
    setShown(null);
    const result = await create({
      input: {
        environment,
        url: draft.url.trim(),
        eventTypes: draft.eventTypes,
        ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
      },
    });
    if (!result.data) return false;
    const { secret, webhookEndpoint } = result.data.createWebhookEndpoint;
    setShown({ id: webhookEndpoint.id, url: webhookEndpoint.url, secret });
    setOpened(false);
    return true;
  };
  return (
    <Stack gap="sm">
      {shown && (
        <SecretNotice
          secret={shown.secret}
          title={`Endpoint created: its signing secret`}
          onDismiss={() => setShown(null)}
        >
          <Text size="sm">
            <Anchor
              component={Link}
              to={routes.webhookEndpoint(environment, shown.id)}
              c="inherit"
              underline="always"
            >
              {shown.url}
            </Anchor>{' '}
            gets this environment&apos;s events from now on. Send it a test event from its page.
          </Text>
        </SecretNotice>
      )}
      {opened ? (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            New webhook endpoint
          </Title>
          <EndpointForm
            label="New webhook endpoint"
            initial={NEW_ENDPOINT}
            submitLabel="Create endpoint"
            saving={created.fetching}
            error={created.error}
            onSubmit={submit}
            onCancel={() => setOpened(false)}
          />
        </Paper>
      ) : (
        <Button w="fit-content" onClick={() => setOpened(true)}>
          New webhook endpoint
        </Button>
      )}
    </Stack>
  );
}

/** The environment's webhook endpoints, and a form to add one. */
export function WebhookEndpointsPage() {
  const { env = '' } = useParams();
  const { endpoints, loaded, error, refetch } = useWebhookEndpoints(env);
  return (
    <NotificationsFrame>
      <CreateEndpoint environment={env} />
      {error && <ProblemAlert error={error} onRetry={refetch} />}
      {!loaded && !error ? (
        <PageSkeleton rows={3} />
      ) : endpoints.length === 0 && !error ? (
        <Alert color="gray" title="No webhook endpoints" role="status">
          Add one to have this environment&apos;s changes POSTed, signed, to a URL of yours.
        </Alert>
      ) : (
        <ScrollTable label="Webhook endpoints" minWidth={800}>
          <Table striped aria-label="Webhook endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>URL</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Event types</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Failing since</Table.Th>
                <Table.Th>Deliveries</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {endpoints.map((endpoint) => (
                <Table.Tr key={endpoint.id}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Anchor component={Link} to={routes.webhookEndpoint(env, endpoint.id)}>
                      {endpoint.url}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{endpoint.description || '—'}</Table.Td>
                  <Table.Td>{eventTypesText(endpoint.eventTypes)}</Table.Td>
                  <Table.Td>
                    <EndpointStatus {...endpoint} />
                  </Table.Td>
                  <Table.Td>
                    {endpoint.failingSince ? new Date(endpoint.failingSince).toLocaleString() : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Anchor
                        component={Link}
                        size="sm"
                        to={routes.notificationDeliveries(env, { endpoint: endpoint.id })}
                        aria-label={`Deliveries to ${endpoint.url}`}
                      >
                        Log
                      </Anchor>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </NotificationsFrame>
  );
}
