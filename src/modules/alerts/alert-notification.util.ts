import { NotificationEvent, NotificationEventType } from '../notifications/notification-event-type';
import { describeCrossing } from './alert-metric.util';
import type { ConfigAlert } from './config-alert.entity';

/** What the notification of an opened event says about its rule. */
export type FiredAlert = Pick<
  ConfigAlert,
  | 'id'
  | 'environmentId'
  | 'configKey'
  | 'name'
  | 'condition'
  | 'operator'
  | 'threshold'
  | 'windowMinutes'
  | 'severity'
> & { environmentKey: string };

/** The console page of an environment's alerts, with the event selected. */
export function alertLink(environmentKey: string, eventId: string): string {
  return `/console/envs/${encodeURIComponent(environmentKey)}/alerts?event=${encodeURIComponent(eventId)}`;
}

/** One line: `High errors: error rate 25% above 10% over 5 min on checkout.enabled in production`. */
export function alertSummary(alert: FiredAlert, value: number): string {
  const where = alert.configKey === null ? '' : ` on ${alert.configKey}`;
  return `${alert.name}: ${describeCrossing(alert, value)}${where} in ${alert.environmentKey}`;
}

/**
 * The `alert.triggered` notification of an opened event. Its id is the event's, so notifying
 * it again (a retried evaluation) delivers nothing twice.
 */
export function alertNotification(
  alert: FiredAlert,
  event: {
    id: string;
    value: number;
    sample: number;
    openedAt: Date;
    deployment: { id: string; onGuardTrip: string } | null;
  },
): NotificationEvent {
  return {
    id: `alert.${event.id}`,
    type: NotificationEventType.ALERT_TRIGGERED,
    environmentId: alert.environmentId,
    occurredAt: event.openedAt,
    summary: alertSummary(alert, event.value),
    link: alertLink(alert.environmentKey, event.id),
    data: {
      eventId: event.id,
      alertId: alert.id,
      alertName: alert.name,
      key: alert.configKey,
      severity: alert.severity,
      condition: alert.condition,
      operator: alert.operator,
      value: event.value,
      threshold: alert.threshold,
      windowMinutes: alert.windowMinutes,
      sample: event.sample,
      ...(event.deployment && {
        deploymentId: event.deployment.id,
        deploymentAction: event.deployment.onGuardTrip,
      }),
    },
  };
}
