import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { CombinedError } from 'urql';
import { describeProblem } from '../../api/errors';
import type { NotificationEventType } from '../../api/gql/graphql';
import { ProblemAlert } from '../../components/problem-alert';
import { EventTypesField } from './event-types-field';
import { placeFieldErrors } from './notifications';

export interface EndpointDraft {
  url: string;
  description: string;
  eventTypes: NotificationEventType[];
}

const FIELDS = ['url', 'description', 'eventTypes'];

/**
 * A webhook endpoint's URL, description and event types, for creating one or editing it. The
 * server checks the URL (https, not a private address); its messages appear at their field.
 */
export function EndpointForm({
  label,
  initial,
  submitLabel,
  saving,
  error,
  onSubmit,
  onCancel,
}: {
  /** The form's accessible name. */
  label: string;
  initial: EndpointDraft;
  submitLabel: string;
  saving: boolean;
  error: CombinedError | undefined;
  /** Resolves true when saved: the form then starts again from `initial`. */
  onSubmit(draft: EndpointDraft): Promise<boolean>;
  onCancel?(): void;
}) {
  const [draft, setDraft] = useState(initial);
  const problem = error ? describeProblem(error) : null;
  const placed = placeFieldErrors(problem?.validationErrors ?? [], FIELDS);
  const set = <K extends keyof EndpointDraft>(field: K, value: EndpointDraft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));
  return (
    <form
      aria-label={label}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit(draft).then((saved) => {
          if (saved) setDraft(initial);
        });
      }}
    >
      <Stack gap="sm">
        {error && !problem?.validationErrors.length && <ProblemAlert error={error} />}
        {placed.other.length > 0 && (
          <Alert color="red" title="Not saved" role="alert">
            {placed.other.join('; ')}
          </Alert>
        )}
        <TextInput
          label="URL"
          description="https:// — where the signed POST requests go"
          required
          inputMode="url"
          value={draft.url}
          error={placed.fields.url}
          onChange={(e) => set('url', e.currentTarget.value)}
        />
        <TextInput
          label="Description"
          description="What receives it (optional)"
          value={draft.description}
          error={placed.fields.description}
          onChange={(e) => set('description', e.currentTarget.value)}
        />
        <EventTypesField
          value={draft.eventTypes}
          onChange={(eventTypes) => set('eventTypes', eventTypes)}
          error={placed.fields.eventTypes}
        />
        <Group gap="xs">
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
