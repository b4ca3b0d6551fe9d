import { describe, expect, it } from 'vitest';
import { pageInEnvironment } from './environment-page';

describe('pageInEnvironment', () => {
  it('keeps the page, dropping its filters', () => {
    expect(pageInEnvironment('/envs/production/analytics', 'staging')).toBe(
      '/envs/staging/analytics',
    );
    expect(pageInEnvironment('/envs/production/fetch-log', 'staging')).toBe(
      '/envs/staging/fetch-log',
    );
    expect(pageInEnvironment('/console/envs/production/history', 'qa')).toBe('/envs/qa/history');
    expect(pageInEnvironment('/envs/production/stale-configs/', 'qa')).toBe(
      '/envs/qa/stale-configs',
    );
    expect(pageInEnvironment('/envs/production/experiments', 'qa')).toBe('/envs/qa/experiments');
    expect(pageInEnvironment('/envs/production/deployments', 'qa')).toBe('/envs/qa/deployments');
  });

  it("goes to the list from a config's page or an unknown one", () => {
    expect(pageInEnvironment('/envs/production/configs/checkout.colour', 'qa')).toBe(
      '/envs/qa/configs',
    );
    expect(pageInEnvironment('/envs/production/configs/new', 'qa')).toBe('/envs/qa/configs');
    expect(pageInEnvironment('/envs/production/nonsense', 'q a')).toBe('/envs/q%20a/configs');
  });

  it('keeps the notifications section, and goes to a list from one of its items', () => {
    expect(pageInEnvironment('/envs/production/notifications/email', 'qa')).toBe(
      '/envs/qa/notifications/email',
    );
    expect(pageInEnvironment('/envs/production/notifications/deliveries', 'qa')).toBe(
      '/envs/qa/notifications/deliveries',
    );
    expect(
      pageInEnvironment('/console/envs/production/notifications/webhooks/0b6c2f4e', 'qa'),
    ).toBe('/envs/qa/notifications/webhooks');
    expect(pageInEnvironment('/envs/production/experiments/button-colour/edit', 'qa')).toBe(
      '/envs/qa/experiments',
    );
    expect(pageInEnvironment('/envs/production/notifications', 'qa')).toBe(
      '/envs/qa/notifications',
    );
  });
});
