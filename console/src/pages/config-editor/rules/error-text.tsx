import { Text } from '@mantine/core';

/** A validation message for a group or a whole condition, where no input carries it. */
export function ErrorText({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Text size="xs" c="red.8">
      {message}
    </Text>
  );
}
