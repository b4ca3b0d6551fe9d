import { Alert } from '@mantine/core';

/** What an action just did, said politely to screen readers, until dismissed. */
export function DoneNotice({ message, onDismiss }: { message: string; onDismiss(): void }) {
  return (
    <Alert
      color="teal"
      role="status"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
    >
      {message}
    </Alert>
  );
}
