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
  });

  it("goes to the list from a config's page or an unknown one", () => {
    expect(pageInEnvironment('/envs/production/configs/checkout.colour', 'qa')).toBe(
      '/envs/qa/configs',
    );
    expect(pageInEnvironment('/envs/production/configs/new', 'qa')).toBe('/envs/qa/configs');
    expect(pageInEnvironment('/envs/production/nonsense', 'q a')).toBe('/envs/q%20a/configs');
  });
});
