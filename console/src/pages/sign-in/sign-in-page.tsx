import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';

export function SignInPage({
  onSubmit,
  error,
}: {
  onSubmit(token: string): Promise<void>;
  error: string | null;
}) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await onSubmit(token.trim());
    setBusy(false);
  };
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper component="form" onSubmit={submit} withBorder p="xl" w="100%" maw={420} radius="md">
        <Stack>
          <Title order={1} size="h2">
            Business Config
          </Title>
          <Text c="dimmed" size="sm">
            Sign in with an API key. It stays in this browser tab only and is forgotten when the tab
            closes.
          </Text>
          {error && (
            <Alert color="red" role="alert" title="Sign-in failed">
              {error}
            </Alert>
          )}
          <PasswordInput
            label="API key"
            required
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
          />
          <Button type="submit" loading={busy} disabled={token.trim() === ''}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
