import { describe, expect, it } from 'vitest';
import { describeProblem } from './errors';

const gql = (message: string, extensions: Record<string, unknown>) => ({
  networkError: undefined,
  graphQLErrors: [{ message, extensions }] as never,
});

describe('describeProblem', () => {
  it('tells the user to check the server when the network fails', () => {
    const p = describeProblem({ networkError: new Error('fetch failed'), graphQLErrors: [] });
    expect(p.code).toBe('NETWORK_ERROR');
    expect(p.message).toMatch(/Cannot reach the server/);
  });

  it('lists validation errors with their paths kept for the fields', () => {
    const p = describeProblem(
      gql('Invalid input', {
        code: 'BAD_USER_INPUT',
        validationErrors: [{ path: 'value', rule: 'maxValue', message: 'must be ≤ 10' }],
      }),
    );
    expect(p.validationErrors).toEqual([
      { path: 'value', rule: 'maxValue', message: 'must be ≤ 10' },
    ]);
    expect(p.message).toBe('One field needs fixing: must be ≤ 10');
  });

  it('says how to recover from a conflict and keeps the current version', () => {
    const p = describeProblem(gql('Version 3 is stale', { code: 'CONFLICT', currentVersion: 4 }));
    expect(p.currentVersion).toBe(4);
    expect(p.message).toMatch(/reapply your edit/);
  });

  it('names the deployment that holds the config, without advice to reapply', () => {
    const p = describeProblem(
      gql('Config "a" has an active deployment d-1 (paused); complete or roll it back', {
        code: 'CONFLICT',
        key: 'a',
        deploymentId: 'd-1',
      }),
    );
    expect(p.heldBy).toEqual({ deploymentId: 'd-1' });
    expect(p.currentVersion).toBeUndefined();
    expect(p.message).toBe(
      'Config "a" has an active deployment d-1 (paused); complete or roll it back.',
    );
  });

  it('names the running experiment that holds the config', () => {
    const p = describeProblem(
      gql('Config "a" has a running experiment "e"', { code: 'CONFLICT', experimentKey: 'e' }),
    );
    expect(p.heldBy).toEqual({ experimentKey: 'e' });
  });

  it('says a deployment or experiment moved on when a transition is refused', () => {
    const p = describeProblem(
      gql('Cannot advance deployment d-1 of "a": it is paused', {
        code: 'CONFLICT',
        id: 'd-1',
        status: 'paused',
      }),
    );
    expect(p.heldBy).toBeUndefined();
    expect(p.message).toMatch(/^Cannot advance .*paused\. It changed meanwhile/);
  });

  it('hides internal details behind advice to retry', () => {
    const p = describeProblem(gql('Internal server error', { code: 'INTERNAL_SERVER_ERROR' }));
    expect(p.message).toMatch(/Try again/);
  });

  it('advises waiting when the service is unavailable', () => {
    const p = describeProblem(gql('Database unavailable', { code: 'SERVICE_UNAVAILABLE' }));
    expect(p.message).toMatch(/Try again in a few seconds/);
  });
});
