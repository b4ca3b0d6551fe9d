import { Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { CreateEnvironmentMutation, UpdateEnvironmentMutation } from '../../api/operations';
import { useSession } from '../../api/session-context';
import { useEnvironments } from '../../api/use-environments';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';

function RenameForm({ envKey, name, onDone }: { envKey: string; name: string; onDone(): void }) {
  const [value, setValue] = useState(name);
  const [result, update] = useMutation(UpdateEnvironmentMutation);
  return (
    <Group gap="xs" wrap="nowrap">
      <TextInput
        aria-label={`New name for ${envKey}`}
        size="xs"
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
      />
      <Button
        size="compact-sm"
        loading={result.fetching}
        onClick={async () => {
          const answer = await update({ input: { key: envKey, name: value } });
          if (!answer.error) onDone();
        }}
      >
        Save name
      </Button>
      <Button size="compact-sm" variant="default" onClick={onDone}>
        Cancel
      </Button>
      {result.error && <ProblemAlert error={result.error} />}
    </Group>
  );
}

export function EnvironmentsPage() {
  const { isAdmin } = useSession();
  const { environments, fetching, error, refetch } = useEnvironments();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<string | null>(null);
  const [created, create] = useMutation(CreateEnvironmentMutation);
  return (
    <Stack maw={900}>
      <Title order={1} size="h2">
        Environments
      </Title>
      {isAdmin && (
        <Group align="flex-end">
          <TextInput
            label="Key"
            description="Lowercase letters, digits and dashes"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
          />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button
            loading={created.fetching}
            disabled={!key || !name}
            onClick={async () => {
              const answer = await create({ input: { key, name } });
              if (!answer.error) {
                setKey('');
                setName('');
                refetch();
              }
            }}
          >
            Create environment
          </Button>
        </Group>
      )}
      {created.error && <ProblemAlert error={created.error} />}
      {error && <ProblemAlert error={error} onRetry={refetch} />}
      {fetching ? (
        <PageSkeleton rows={3} />
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Revision</Table.Th>
              {isAdmin && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {environments.map((env) => (
              <Table.Tr key={env.id}>
                <Table.Td>
                  {renaming === env.key ? (
                    <RenameForm
                      envKey={env.key}
                      name={env.name}
                      onDone={() => {
                        setRenaming(null);
                        refetch();
                      }}
                    />
                  ) : (
                    <Link to={routes.configs(env.key)}>{env.name}</Link>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {env.key}
                  </Text>
                </Table.Td>
                <Table.Td>{env.revision}</Table.Td>
                {isAdmin && (
                  <Table.Td>
                    {renaming !== env.key && (
                      <Button
                        size="compact-xs"
                        variant="default"
                        onClick={() => setRenaming(env.key)}
                        aria-label={`Rename ${env.name}`}
                      >
                        Rename
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
