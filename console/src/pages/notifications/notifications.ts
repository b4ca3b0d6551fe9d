import type { FieldError } from '../../api/errors';
import type {
  NotificationDeliveryFieldsFragment,
  NotificationDeliveryStatus,
  NotificationEventType,
} from '../../api/gql/graphql';
import { errorsByField } from '../config-editor/draft';

export type Delivery = NotificationDeliveryFieldsFragment;

/** What each event type means, as a person picking subscriptions reads it. */
export const EVENT_TYPES: Record<NotificationEventType, { label: string; payloadType: string }> = {
  CONFIG_CHANGED: { label: 'Config changed', payloadType: 'config.changed' },
  EXPERIMENT_STATUS_CHANGED: {
    label: 'Experiment status changed',
    payloadType: 'experiment.status_changed',
  },
  DEPLOYMENT_STEP: { label: 'Deployment step', payloadType: 'deployment.step' },
  ALERT_TRIGGERED: { label: 'Alert triggered', payloadType: 'alert.triggered' },
  APPROVAL_REQUESTED: { label: 'Approval requested', payloadType: 'approval.requested' },
  APPROVAL_DECIDED: { label: 'Approval decided', payloadType: 'approval.decided' },
  WEBHOOK_DISABLED: { label: 'Webhook endpoint disabled', payloadType: 'webhook.disabled' },
  TEST: { label: 'Test event', payloadType: 'webhook.test' },
};

/** The event types a channel can subscribe to (the test event is sent on request only). */
export const SUBSCRIBABLE_EVENT_TYPES = (
  Object.keys(EVENT_TYPES) as NotificationEventType[]
).filter((type) => type !== 'TEST');

/** A channel's event types, as short text for a table cell. */
export function eventTypesText(types: readonly NotificationEventType[]): string {
  return types.map((type) => EVENT_TYPES[type].label).join(', ');
}

export const STATUS_LABELS: Record<NotificationDeliveryStatus, string> = {
  PENDING: 'pending',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
};

/** How long the previous secret keeps signing after a rotation; the API's default is a day. */
export const OVERLAP_CHOICES = [
  { seconds: 0, label: 'No overlap: the current secret stops signing now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '7 days (the longest)' },
] as const;
export const DEFAULT_OVERLAP_SECONDS = 86_400;

/** The latest response of a delivery: `HTTP 200 in 12 ms`, the error, or nothing yet. */
export function lastResponse(delivery: Delivery): string {
  const took = delivery.latencyMs !== null ? ` in ${delivery.latencyMs} ms` : '';
  if (delivery.responseCode !== null) return `HTTP ${delivery.responseCode}${took}`;
  if (delivery.lastError) return `${delivery.lastError}${took}`;
  if (delivery.status === 'SUCCEEDED') return `sent${took}`;
  return '';
}

export interface Outcome {
  /** Still on its way: the attempt has not been made or not recorded yet. */
  settled: boolean;
  ok: boolean;
  message: string;
}

/** What became of a delivery, in a sentence (the test event's outcome, a row's summary). */
export function deliveryOutcome(delivery: Delivery, now = new Date()): Outcome {
  const response = lastResponse(delivery);
  const tries = `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`;
  if (delivery.status === 'SUCCEEDED') {
    return { settled: true, ok: true, message: `Delivered (${response}) after ${tries}.` };
  }
  if (delivery.status === 'FAILED') {
    return {
      settled: true,
      ok: false,
      message: `Failed after ${tries}, no more retries: ${response || 'no answer'}.`,
    };
  }
  if (delivery.attempts === 0) {
    return { settled: false, ok: false, message: 'Sending…' };
  }
  const next = delivery.nextAttemptAt ? new Date(delivery.nextAttemptAt) : null;
  const when =
    next && next.getTime() > now.getTime()
      ? `next attempt at ${next.toLocaleTimeString()}`
      : 'next attempt now';
  return {
    settled: true,
    ok: false,
    message: `Not delivered yet: ${response || 'no answer'} (${tries}; ${when}).`,
  };
}

/** Poll quickly while an attempt is due within this long, slowly while one is due later. */
const SOON_MS = 60_000;
export const FAST_POLL_MS = 2000;
export const SLOW_POLL_MS = 30_000;

/**
 * How long until the delivery log should ask again, or null when nothing in it can change
 * by itself (no delivery pending).
 */
export function pollDelay(deliveries: readonly Delivery[], now = new Date()): number | null {
  const pending = deliveries.filter((d) => d.status === 'PENDING');
  if (pending.length === 0) return null;
  const soon = pending.some(
    (d) => d.nextAttemptAt === null || Date.parse(d.nextAttemptAt) - now.getTime() <= SOON_MS,
  );
  return soon ? FAST_POLL_MS : SLOW_POLL_MS;
}

export interface PlacedErrors {
  /** Message per form field (`url`, `eventTypes`, `address`…). */
  fields: Record<string, string>;
  /** Messages of fields the form does not show (e.g. the environment's channel limit). */
  other: string[];
}

/** The server's validationErrors at the form's fields; the rest for a summary. */
export function placeFieldErrors(
  errors: readonly FieldError[],
  formFields: readonly string[],
): PlacedErrors {
  const placed: PlacedErrors = { fields: {}, other: [] };
  for (const [field, messages] of Object.entries(errorsByField(errors))) {
    if (formFields.includes(field)) placed.fields[field] = messages.join('; ');
    else placed.other.push(...messages);
  }
  return placed;
}

/** The fields of an edit that differ from the stored ones (an update sends only those). */
export function changedFields<T extends Record<string, unknown>>(stored: T, edited: T): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(edited) as (keyof T)[]) {
    if (JSON.stringify(stored[key]) !== JSON.stringify(edited[key])) changed[key] = edited[key];
  }
  return changed;
}
