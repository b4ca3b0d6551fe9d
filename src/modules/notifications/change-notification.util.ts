import type { ConfigChangedEvent } from '../configs/config-change-events';
import { NotificationEvent, NotificationEventType } from './notification-event-type';

/**
 * The notification of a committed change, as the outbox relays it: an experiment transition
 * is `experiment.status_changed`, a deployment's history action `deployment.step`, anything
 * else `config.changed`. Its id is the environment revision the change was given, so relaying
 * the same change twice notifies once.
 */
export function changeNotification(
  change: ConfigChangedEvent,
  environmentKey: string,
  occurredAt: Date,
): NotificationEvent {
  const base = {
    id: `change.${change.environmentId}.${change.revision}`,
    environmentId: change.environmentId,
    occurredAt,
    link: `/console/configs/${encodeURIComponent(environmentKey)}/${encodeURIComponent(change.key)}`,
  };
  const common = {
    configId: change.configId,
    key: change.key,
    action: change.action,
    version: change.version,
    revision: change.revision,
  };
  if (change.experiment) {
    const { id, key, status } = change.experiment;
    return {
      ...base,
      type: NotificationEventType.EXPERIMENT_STATUS_CHANGED,
      summary: `Experiment ${key} on ${change.key} is ${status} in ${environmentKey}`,
      data: { ...common, experimentId: id, experimentKey: key, status },
    };
  }
  if (/^deployment/i.test(change.action)) {
    return {
      ...base,
      type: NotificationEventType.DEPLOYMENT_STEP,
      summary: `${change.key}: ${change.action} in ${environmentKey}`,
      data: { ...common, state: change.state },
    };
  }
  return {
    ...base,
    type: NotificationEventType.CONFIG_CHANGED,
    summary: `${change.key}: ${change.action} (version ${change.version}) in ${environmentKey}`,
    data: { ...common, state: change.state },
  };
}
