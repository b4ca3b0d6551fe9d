import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { ProblemAlert } from './problem-alert';

/**
 * A dialog that says what an action does before it is done: Cancel, or the action's button
 * (red: it destroys something). A failure shows in the dialog, which stays open.
 */
export function ConfirmDialog({
  opened,
  title,
  children,
  confirmLabel,
  busy,
  error,
  onCancel,
  onConfirm,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error?: CombinedError;
  onCancel(): void;
  onConfirm(): void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onCancel}
      title={title}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <Stack>
        {children}
        {error && <ProblemAlert error={error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red.9" loading={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
