import { registerEnumType } from '@nestjs/graphql';

/** What a webhook endpoint or email recipient subscribes to; the value is the payload's `type`. */
export enum NotificationEventType {
  CONFIG_CHANGED = 'config.changed',
  EXPERIMENT_STATUS_CHANGED = 'experiment.status_changed',
  DEPLOYMENT_STEP = 'deployment.step',
  ALERT_TRIGGERED = 'alert.triggered',
  APPROVAL_REQUESTED = 'approval.requested',
  APPROVAL_DECIDED = 'approval.decided',
  WEBHOOK_DISABLED = 'webhook.disabled',
  /** Sent by sendTestWebhook only; nothing subscribes to it. */
  TEST = 'webhook.test',
}

registerEnumType(NotificationEventType, {
  name: 'NotificationEventType',
  description: 'A kind of notification; the webhook payload carries its value as `type`.',
  valuesMap: {
    CONFIG_CHANGED: { description: '`config.changed`: a config was created, changed or removed.' },
    EXPERIMENT_STATUS_CHANGED: {
      description: '`experiment.status_changed`: an experiment started, paused or stopped.',
    },
    DEPLOYMENT_STEP: { description: '`deployment.step`: a deployment moved on or rolled back.' },
    ALERT_TRIGGERED: { description: '`alert.triggered`: an alert rule fired.' },
    APPROVAL_REQUESTED: {
      description:
        '`approval.requested`: a change request waits for reviews at a level (its approvers named).',
    },
    APPROVAL_DECIDED: {
      description:
        '`approval.decided`: a change request was approved or rejected at a level, or was applied, scheduled, found stale or failed.',
    },
    WEBHOOK_DISABLED: {
      description: '`webhook.disabled`: an endpoint failing for too long was disabled.',
    },
    TEST: { description: '`webhook.test`: sent by sendTestWebhook; cannot be subscribed to.' },
  },
});

/** The event types a channel may subscribe to. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly NotificationEventType[] = Object.values(
  NotificationEventType,
).filter((type) => type !== NotificationEventType.TEST);

/**
 * An event to notify about: what NotificationsService.notify takes from any domain.
 * `id` makes notify idempotent: the same id never writes a second delivery per channel.
 */
export interface NotificationEvent {
  id: string;
  type: NotificationEventType;
  environmentId: string;
  occurredAt: Date;
  /** One line for people: the email subject, and `data.summary` in the webhook payload. */
  summary: string;
  /** Path under PUBLIC_URL of the console page about it, e.g. `/console/configs/x`. */
  link?: string;
  data: Record<string, unknown>;
}

/** The webhook body (Standard Webhooks' suggested shape), stored with each delivery. */
export interface NotificationPayload {
  type: NotificationEventType;
  timestamp: string;
  data: Record<string, unknown> & { summary: string; environment: string; link?: string };
}

/**
 * NotificationsService.notify as a token, for the delivery side (which NotificationsService
 * depends on) to send its own notices without a circular import.
 */
export const NOTIFIER = 'NOTIFIER';

export interface Notifier {
  notify(event: NotificationEvent): Promise<string[]>;
}
