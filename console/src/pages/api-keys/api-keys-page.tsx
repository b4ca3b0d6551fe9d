import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import type { ApiKeysQuery as ApiKeysResult, Role } from '../../api/gql/graphql';
import {
  ApiKeysQuery,
  CreateApiKeyMutation,
  RevokeApiKeyMutation,
  SetApiKeyOwnerMutation,
} from '../../api/operations';
import { useSession } from '../../api/session-context';
import { useEnvironments } from '../../api/use-environments';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';

type ApiKey = ApiKeysResult['apiKeys']['edges'][number]['node'];
const ROLES: Role[] = ['ADMIN', 'EDITOR', 'APPROVER', 'VIEWER', 'SDK'];
const when = (at?: string | null) => (at ? new Date(at).toLocaleString() : 'never');

function CreateKeyForm() {
  const { environments } = useEnvironments();
  const { me } = useSession();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(['VIEWER']);
  const [environment, setEnvironment] = useState<string | null>(me.environment?.key ?? null);
  const [created, create] = useMutation(CreateApiKeyMutation);
  const [token, setToken] = useState<string | null>(null);
  const submit = async () => {
    const result = await create({
      input: { name, roles: roles as Role[], ...(environment ? { environment } : {}) },
    });
    if (result.data) {
      setToken(result.data.createApiKey.token);
      setName('');
    }
  };
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        Create a key
      </Title>
      <Group align="flex-end">
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <MultiSelect
          label="Roles"
          data={ROLES.map((r) => ({ value: r, label: r.toLowerCase() }))}
          value={roles}
          onChange={setRoles}
          miw={200}
        />
        <Select
          label="Environment"
          placeholder="All environments"
          clearable={!me.environment}
          data={environments.map((e) => ({ value: e.key, label: e.name }))}
          value={environment}
          onChange={setEnvironment}
        />
        <Button
          onClick={submit}
          loading={created.fetching}
          disabled={!name.trim() || roles.length === 0}
        >
          Create key
        </Button>
      </Group>
      {created.error && <ProblemAlert error={created.error} />}
      {token && (
        <Alert
          color="orange"
          title="Copy this token now: it is shown only once"
          role="alert"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setToken(null)}
        >
          <Stack gap="xs">
            <Code block aria-label="New API token">
              {token}
            </Code>
            <CopyButton value={token}>
              {({ copied, copy }) => (
                <Button size="xs" onClick={copy} w="fit-content">
                  {copied ? 'Copied' : 'Copy token'}
                </Button>
              )}
            </CopyButton>
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}

/** Keys asked for per request (the API's largest page). */
const PAGE_SIZE = 100;

/**
 * One page of keys, newest first, and after it the next page when asked for: each page starts
 * after the current last key of the one before, so a key created meanwhile (it goes first)
 * pushes the others down a page instead of hiding one between two pages.
 */
function KeyPage({
  after,
  pages,
  onMore,
  onRevoke,
  onOwner,
}: {
  after: string | null;
  /** How many pages to show from this one on (this one included). */
  pages: number;
  onMore(): void;
  onRevoke(key: ApiKey): void;
  onOwner(key: ApiKey): void;
}) {
  const { isAdmin, me } = useSession();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ApiKeysQuery,
    variables: { first: PAGE_SIZE, after },
  });
  const columns = isAdmin ? 8 : 7;
  const connection = data?.apiKeys;
  const status = (content: ReactNode) => (
    <Table.Tbody>
      <Table.Tr>
        <Table.Td colSpan={columns}>{content}</Table.Td>
      </Table.Tr>
    </Table.Tbody>
  );
  if (!connection) {
    if (error) {
      return status(
        <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />,
      );
    }
    return status(fetching ? <PageSkeleton rows={after ? 2 : 6} /> : null);
  }
  const more = connection.pageInfo.hasNextPage;
  return (
    <>
      <Table.Tbody>
        {connection.edges.map(({ node: key }) => (
          <Table.Tr key={key.id}>
            <Table.Td>{key.name}</Table.Td>
            <Table.Td>{key.owner ? `${key.owner.name} <${key.owner.email}>` : '—'}</Table.Td>
            <Table.Td>
              <Code>{key.tokenPrefix}</Code>
            </Table.Td>
            <Table.Td>{key.roles.map((r) => r.toLowerCase()).join(', ')}</Table.Td>
            <Table.Td>{key.environment?.key ?? 'all'}</Table.Td>
            <Table.Td>{when(key.lastUsedAt)}</Table.Td>
            <Table.Td>
              {key.revokedAt ? (
                <Badge color="red.9">revoked</Badge>
              ) : (
                <Badge color="teal.9">active</Badge>
              )}
            </Table.Td>
            {isAdmin && (
              <Table.Td>
                <Button
                  size="compact-xs"
                  variant="default"
                  mr={4}
                  onClick={() => onOwner(key)}
                  aria-label={`Set the owner of ${key.name}`}
                >
                  Owner
                </Button>
                {!key.revokedAt && key.id !== me.id && (
                  <Button
                    size="compact-xs"
                    color="red.9"
                    variant="outline"
                    onClick={() => onRevoke(key)}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </Button>
                )}
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
      {more && pages > 1 && (
        <KeyPage
          after={connection.pageInfo.endCursor ?? null}
          pages={pages - 1}
          onMore={onMore}
          onRevoke={onRevoke}
          onOwner={onOwner}
        />
      )}
      {more &&
        pages === 1 &&
        status(
          <Button variant="default" size="xs" onClick={onMore}>
            Load more keys
          </Button>,
        )}
    </>
  );
}

export function ApiKeysPage() {
  const { isAdmin } = useSession();
  const [pages, setPages] = useState(1);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revoked, revoke] = useMutation(RevokeApiKeyMutation);
  const [owning, setOwning] = useState<ApiKey | null>(null);
  const loadMore = useCallback(() => setPages((n) => n + 1), []);
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        API keys
      </Title>
      {!isAdmin && (
        <Alert color="gray" title="Read only">
          Only admin keys create and revoke keys.
        </Alert>
      )}
      {/* Creating or revoking a key refetches the listed pages (urql's cache drops every
          result that holds an ApiKey after a mutation returns one). */}
      {isAdmin && <CreateKeyForm />}
      <Table.ScrollContainer minWidth={700}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Prefix</Table.Th>
              <Table.Th>Roles</Table.Th>
              <Table.Th>Environment</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Status</Table.Th>
              {isAdmin && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <KeyPage
            after={null}
            pages={pages}
            onMore={loadMore}
            onRevoke={setRevoking}
            onOwner={setOwning}
          />
        </Table>
      </Table.ScrollContainer>
      {owning && <OwnerDialog apiKey={owning} onClose={() => setOwning(null)} />}
      <Modal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.name ?? ''}?`}
      >
        <Stack>
          <Text size="sm">
            Requests with this key are refused from now on. This cannot be undone.
          </Text>
          {revoked.error && <ProblemAlert error={revoked.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button
              color="red.9"
              loading={revoked.fetching}
              onClick={async () => {
                const result = await revoke({ input: { id: revoking!.id } });
                if (!result.error) setRevoking(null);
              }}
            >
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/**
 * Who a key belongs to: separation of duties and approval emails go by the owner (two keys with
 * one owner email are one person).
 */
function OwnerDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose(): void }) {
  const [name, setName] = useState(apiKey.owner?.name ?? '');
  const [email, setEmail] = useState(apiKey.owner?.email ?? '');
  const [saved, save] = useMutation(SetApiKeyOwnerMutation);
  const submit = async (owner: { name: string; email: string } | null) => {
    const result = await save({ input: { id: apiKey.id, owner } });
    if (!result.error) onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Owner of ${apiKey.name}`}>
      <Stack>
        <Text size="sm">
          Two keys with the same owner email are one person: they never review each other&apos;s
          change requests, and approval emails go to this address.
        </Text>
        <TextInput
          label="Owner name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <TextInput
          label="Owner email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        {saved.error && <ProblemAlert error={saved.error} />}
        <Group justify="space-between">
          <Button variant="subtle" onClick={() => void submit(null)} disabled={!apiKey.owner}>
            Remove the owner
          </Button>
          <Group>
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              loading={saved.fetching}
              disabled={!name.trim() || !email.trim()}
              onClick={() => void submit({ name: name.trim(), email: email.trim() })}
            >
              Save owner
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
