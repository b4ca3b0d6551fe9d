import { Checkbox, Group, Stack, Text } from '@mantine/core';
import type { NotificationEventType } from '../../api/gql/graphql';
import { EVENT_TYPES, SUBSCRIBABLE_EVENT_TYPES } from './notifications';

/** The event types a webhook endpoint or email recipient subscribes to. */
export function EventTypesField({
  value,
  onChange,
  error,
}: {
  value: NotificationEventType[];
  onChange(value: NotificationEventType[]): void;
  error?: string;
}) {
  return (
    <Checkbox.Group
      label="Event types"
      description="What to be notified about (at least one)"
      required
      value={value}
      onChange={(next) => onChange(next as NotificationEventType[])}
      error={error}
    >
      <Stack gap={6} mt={6}>
        {SUBSCRIBABLE_EVENT_TYPES.map((type) => (
          <Checkbox
            key={type}
            value={type}
            label={
              <Group gap={6} wrap="nowrap">
                <span>{EVENT_TYPES[type].label}</span>
                <Text span size="xs" c="dimmed" ff="monospace">
                  {EVENT_TYPES[type].payloadType}
                </Text>
              </Group>
            }
          />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
