import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation } from 'urql';
import { describeProblem } from '../../api/errors';
import type { EmailRecipientFieldsFragment, NotificationEventType } from '../../api/gql/graphql';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { EventTypesField } from './event-types-field';
import { NotificationsFrame } from './notifications-frame';
import { eventTypesText, placeFieldErrors } from './notifications';
import {
  CreateEmailRecipientMutation,
  DeleteEmailRecipientMutation,
  UpdateEmailRecipientMutation,
} from './queries';
import { useEmailRecipients } from './use-notifications';

type Recipient = EmailRecipientFieldsFragment;

const FIELDS = ['name', 'address', 'eventTypes'];
/** A deletion returns only an id: these lists hold what went with the recipient. */
const DELETED = { additionalTypenames: ['EmailRecipient', 'NotificationDelivery'] };

function AddRecipient({ environment }: { environment: string }) {
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [eventTypes, setEventTypes] = useState<NotificationEventType[]>(['CONFIG_CHANGED']);
  const [created, create] = useMutation(CreateEmailRecipientMutation);
  const [added, setAdded] = useState<string | null>(null);
  const problem = created.error ? describeProblem(created.error) : null;
  const placed = placeFieldErrors(problem?.validationErrors ?? [], FIELDS);
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        Add a recipient
      </Title>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setAdded(null);
          const result = await create({
            input: {
              environment,
              address: address.trim(),
              eventTypes,
              ...(name.trim() ? { name: name.trim() } : {}),
            },
          });
          if (!result.data) return;
          setAdded(result.data.createEmailRecipient.emailRecipient.address);
          setName('');
          setAddress('');
        }}
      >
        <Stack gap="sm">
          {created.error && !problem?.validationErrors.length && (
            <ProblemAlert error={created.error} />
          )}
          {placed.other.length > 0 && (
            <Alert color="red" title="Not added" role="alert">
              {placed.other.join('; ')}
            </Alert>
          )}
          {added && (
            <Alert
              color="teal"
              role="status"
              withCloseButton
              closeButtonLabel="Dismiss"
              onClose={() => setAdded(null)}
            >
              {added} gets this environment&apos;s notifications from now on.
            </Alert>
          )}
          <Group align="flex-start" grow>
            <TextInput
              label="Name"
              description="Shown in the To: line (optional)"
              value={name}
              error={placed.fields.name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <TextInput
              label="Email address"
              description="Stored in lower case"
              required
              inputMode="email"
              value={address}
              error={placed.fields.address}
              onChange={(e) => setAddress(e.currentTarget.value)}
            />
          </Group>
          <EventTypesField
            value={eventTypes}
            onChange={setEventTypes}
            error={placed.fields.eventTypes}
          />
          <Button type="submit" w="fit-content" loading={created.fetching}>
            Add recipient
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function RecipientRow({
  environment,
  recipient,
  onDelete,
}: {
  environment: string;
  recipient: Recipient;
  onDelete(recipient: Recipient): void;
}) {
  const [toggled, toggle] = useMutation(UpdateEmailRecipientMutation);
  return (
    <Table.Tr>
      <Table.Td>{recipient.name || '—'}</Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{recipient.address}</Table.Td>
      <Table.Td>{eventTypesText(recipient.eventTypes)}</Table.Td>
      <Table.Td>
        <Switch
          aria-label={`Enabled: ${recipient.address}`}
          label={recipient.enabled ? 'on' : 'off'}
          checked={recipient.enabled}
          disabled={toggled.fetching}
          onChange={(e) =>
            void toggle({ input: { id: recipient.id, enabled: e.currentTarget.checked } })
          }
        />
        {toggled.error && (
          <Text size="xs" c="red.8" role="alert">
            {describeProblem(toggled.error).message}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Anchor
            component={Link}
            size="sm"
            to={routes.notificationDeliveries(environment, { recipient: recipient.id })}
            aria-label={`Deliveries to ${recipient.address}`}
          >
            Log
          </Anchor>
          <Button
            size="compact-xs"
            color="red.9"
            variant="outline"
            aria-label={`Delete ${recipient.address}`}
            onClick={() => onDelete(recipient)}
          >
            Delete
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** The environment's email recipients: add, turn on or off, delete. */
export function EmailRecipientsPage() {
  const { env = '' } = useParams();
  const { recipients, loaded, error, refetch } = useEmailRecipients(env);
  const [deleting, setDeleting] = useState<Recipient | null>(null);
  const [deleted, remove] = useMutation(DeleteEmailRecipientMutation);
  return (
    <NotificationsFrame>
      <Text size="sm" c="dimmed">
        Each event is one email per recipient, with a plain-text and an HTML part. The server sends
        them through <Code>SMTP_URL</Code>; without it, email deliveries fail with “Email is not
        configured” in the delivery log.
      </Text>
      <AddRecipient environment={env} />
      {error && <ProblemAlert error={error} onRetry={refetch} />}
      {!loaded && !error ? (
        <PageSkeleton rows={3} />
      ) : recipients.length === 0 && !error ? (
        <Alert color="gray" title="No email recipients" role="status">
          Add an address above to have this environment&apos;s events emailed to it.
        </Alert>
      ) : (
        <ScrollTable label="Email recipients" minWidth={700}>
          <Table striped aria-label="Email recipients">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Event types</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recipients.map((recipient) => (
                <RecipientRow
                  key={recipient.id}
                  environment={env}
                  recipient={recipient}
                  onDelete={setDeleting}
                />
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.address ?? ''}?`}
        confirmLabel="Delete recipient"
        busy={deleted.fetching}
        error={deleted.error}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          const result = await remove({ input: { id: deleting!.id } }, DELETED);
          if (!result.error) setDeleting(null);
        }}
      >
        <Text size="sm">
          The address gets no more emails, pending ones to it are dropped and its delivery log is
          deleted. This cannot be undone.
        </Text>
      </ConfirmDialog>
    </NotificationsFrame>
  );
}
