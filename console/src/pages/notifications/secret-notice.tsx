import { Alert, Button, Code, CopyButton, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A signing secret shown this once (the API never returns it again), with a copy button. */
export function SecretNotice({
  secret,
  title,
  children,
  onDismiss,
}: {
  secret: string;
  title: string;
  children?: ReactNode;
  onDismiss(): void;
}) {
  return (
    <Alert
      color="orange"
      title={title}
      role="alert"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
    >
      <Stack gap="xs">
        <Text size="sm">
          Copy it now: it is shown only this once. Your receiver verifies each request with it
          (Standard Webhooks: an HMAC-SHA256 signature in the <Code>webhook-signature</Code>{' '}
          header).
        </Text>
        {children}
        <Code block aria-label="Signing secret">
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button size="xs" onClick={copy} w="fit-content">
              {copied ? 'Copied' : 'Copy secret'}
            </Button>
          )}
        </CopyButton>
      </Stack>
    </Alert>
  );
}
