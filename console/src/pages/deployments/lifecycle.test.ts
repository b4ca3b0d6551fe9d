import { describe, expect, it } from 'vitest';
import {
  ACTIONS_BY_STATUS,
  actionConsequence,
  blockedSaveMessage,
  endedNotice,
  isActive,
  newerDeployment,
} from './lifecycle';

const deployment = {
  configKey: 'checkout.color',
  currentStep: 1,
  steps: [{ percentage: 10 }, { percentage: 20 }, { percentage: 30 }, { percentage: 100 }],
};

describe('deployment lifecycle', () => {
  it('offers the transitions the server allows from each status', () => {
    expect(ACTIONS_BY_STATUS.IN_PROGRESS).toEqual(['pause', 'advance', 'rollback']);
    expect(ACTIONS_BY_STATUS.PAUSED).toEqual(['resume', 'rollback']);
    expect(ACTIONS_BY_STATUS.COMPLETED).toEqual([]);
    expect(ACTIONS_BY_STATUS.ROLLED_BACK).toEqual([]);
    expect(
      ['PENDING', 'IN_PROGRESS', 'PAUSED', 'COMPLETED'].map((s) => isActive(s as never)),
    ).toEqual([true, true, true, false]);
  });

  it('says what advancing does: the next percentage, or the completion on the last step', () => {
    expect(actionConsequence('advance', deployment)).toMatch(/^The next step is taken now: 30%/);
    expect(actionConsequence('advance', { ...deployment, currentStep: 2 })).toMatch(
      /^The last step is taken now: .*checkout\.color's new version/,
    );
    expect(actionConsequence('rollback', deployment)).toMatch(/stable state again, at once/);
  });

  it('names the deployment that blocks a save, as the API does', () => {
    expect(blockedSaveMessage({ id: 'd-1', strategy: 'LINEAR', status: 'PAUSED' })).toMatch(
      /^Deployment d-1 \(linear, paused\) is rolling out .* CONFLICT naming it\.$/,
    );
  });

  it('says how a deployment ended, whoever ended it', () => {
    const ended = { fromVersion: 4, rolledBackBy: null, reason: null };
    expect(endedNotice({ ...ended, status: 'COMPLETED' })).toBe(
      'Deployment completed: everyone is served the change, now version 5.',
    );
    expect(
      endedNotice({
        ...ended,
        status: 'ROLLED_BACK',
        rolledBackBy: 'deployment-guard',
        reason: 'Guard tripped: errors',
      }),
    ).toBe(
      'Rolled back by deployment-guard: everyone is served the stable state again. Reason: “Guard tripped: errors”.',
    );
    expect(endedNotice({ ...ended, status: 'PAUSED' })).toBeNull();
  });

  it('keeps the later reading of the latest deployment: a newer start, or a later update', () => {
    const first = { id: 'a', createdAt: '2026-03-01T10:00:00Z', updatedAt: '2026-03-01T10:00:00Z' };
    const stepped = { ...first, updatedAt: '2026-03-01T10:05:00Z' };
    const second = {
      id: 'b',
      createdAt: '2026-03-01T11:00:00Z',
      updatedAt: '2026-03-01T11:00:00Z',
    };
    expect(newerDeployment(first, stepped)).toBe(stepped);
    expect(newerDeployment(stepped, first)).toBe(stepped);
    expect(newerDeployment(second, stepped)).toBe(second);
    expect(newerDeployment(stepped, second)).toBe(second);
    expect(newerDeployment(null, first)).toBe(first);
    expect(newerDeployment(first, null)).toBe(first);
    expect(newerDeployment(null, null)).toBeNull();
  });
});
