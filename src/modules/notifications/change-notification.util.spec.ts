import { ConfigChangedEvent } from '../configs/config-change-events';
import { changeNotification } from './change-notification.util';
import { NotificationEventType } from './notification-event-type';

const at = new Date('2026-01-01T00:00:00Z');
const change = (overrides: Partial<ConfigChangedEvent> = {}): ConfigChangedEvent => ({
  environmentId: 'env-1',
  revision: 7,
  configId: 'cfg-1',
  key: 'checkout',
  action: 'update',
  version: 3,
  state: null,
  ...overrides,
});

describe('changeNotification', () => {
  it('makes a config change config.changed, with an id per environment revision', () => {
    const event = changeNotification(change(), 'production', at);
    expect(event).toEqual(
      expect.objectContaining({
        id: 'change.env-1.7',
        type: NotificationEventType.CONFIG_CHANGED,
        summary: 'checkout: update (version 3) in production',
        link: '/console/configs/production/checkout',
      }),
    );
    expect(event.data).toEqual(
      expect.objectContaining({ key: 'checkout', action: 'update', version: 3, revision: 7 }),
    );
  });

  it('makes an experiment transition experiment.status_changed', () => {
    const event = changeNotification(
      change({
        action: 'experiment_started',
        experiment: { id: 'exp-1', key: 'colour', status: 'running', running: null },
      }),
      'production',
      at,
    );
    expect(event.type).toBe(NotificationEventType.EXPERIMENT_STATUS_CHANGED);
    expect(event.data).toEqual(
      expect.objectContaining({ experimentKey: 'colour', status: 'running' }),
    );
  });

  it('makes a deployment action deployment.step', () => {
    const event = changeNotification(change({ action: 'deployment_step' }), 'production', at);
    expect(event.type).toBe(NotificationEventType.DEPLOYMENT_STEP);
  });
});
