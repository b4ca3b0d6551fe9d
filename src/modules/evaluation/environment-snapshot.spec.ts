import { CONFIG_DEFAULTS, ConfigState } from '../../engine/config-state';
import { DeploymentStatus } from '../../engine/deployment-state';
import { ConfigChangedEvent } from '../configs/config-change-events';
import { EnvironmentSnapshot } from './evaluation-snapshots.service';

function event(revision: number, key: string, value: string | null): ConfigChangedEvent {
  const state: ConfigState | null =
    value === null
      ? null
      : { ...CONFIG_DEFAULTS, key, valueType: 'string', value, defaultValue: 'off' };
  return {
    environmentId: 'env',
    revision,
    configId: `id-${key}`,
    key,
    action: value === null ? 'delete' : 'update',
    version: revision,
    state,
  };
}

const valueOf = (snapshot: EnvironmentSnapshot, key: string) =>
  snapshot.get(key)?.evaluate({}).value;

describe('EnvironmentSnapshot', () => {
  it('applies changes, drops repeated and older ones, and deletes', () => {
    const snapshot = new EnvironmentSnapshot('env', 10);
    expect(snapshot.apply(event(11, 'a', 'one'))).toBe(true);
    expect(snapshot.apply(event(11, 'a', 'one'))).toBe(false);
    expect(snapshot.apply(event(12, 'a', 'two'))).toBe(true);
    expect(snapshot.apply(event(10, 'a', 'stale'))).toBe(false);
    expect(valueOf(snapshot, 'a')).toBe('two');
    expect(snapshot.apply(event(13, 'a', null))).toBe(true);
    expect(snapshot.get('a')).toBeUndefined();
    expect(snapshot.revision).toBe(13);
  });

  it('keeps the newest state of a key when changes arrive out of order', () => {
    const snapshot = new EnvironmentSnapshot('env', 0);
    snapshot.apply(event(2, 'a', 'newer'));
    snapshot.apply(event(1, 'a', 'older'));
    expect(valueOf(snapshot, 'a')).toBe('newer');
    expect(snapshot.revision).toBe(2);
  });

  it('notices a missing revision, and forgets it once it arrives', () => {
    const snapshot = new EnvironmentSnapshot('env', 5);
    snapshot.apply(event(6, 'a', 'x'), 1000);
    expect(snapshot.gapSince).toBeUndefined();
    snapshot.apply(event(8, 'b', 'y'), 2000);
    snapshot.apply(event(9, 'c', 'z'), 3000);
    expect(snapshot.gapSince).toBe(2000);
    expect(snapshot.revision).toBe(6);
    snapshot.apply(event(7, 'd', 'w'), 4000);
    expect(snapshot.gapSince).toBeUndefined();
    expect(snapshot.revision).toBe(9);
  });

  describe('deployments', () => {
    const subjects = Array.from({ length: 1000 }, (_, i) => ({ user: { id: `u${i}` } }));
    const candidateShare = (snapshot: EnvironmentSnapshot) =>
      subjects.filter((context) => snapshot.evaluate('a', context).value === 'candidate').length;

    function step(
      revision: number,
      status: DeploymentStatus,
      percentage: number,
      state = 'stable',
    ): ConfigChangedEvent {
      const base = event(revision, 'a', state);
      const candidate = { ...base.state!, value: 'candidate' };
      const active = ['pending', 'in_progress', 'paused'].includes(status);
      return {
        ...base,
        action: 'deployment_step',
        version: 1,
        deployment: {
          id: 'dep-1',
          status,
          currentStep: 0,
          percentage,
          nextStepAt: null,
          active: active ? { id: 'dep-1', percentage, candidate } : null,
        },
      };
    }

    it('serves the candidate to the step percentage and follows each step', () => {
      const snapshot = new EnvironmentSnapshot('env', 0);
      snapshot.apply({ ...event(1, 'a', 'stable'), version: 1 });
      expect(candidateShare(snapshot)).toBe(0);
      expect(snapshot.apply(step(2, 'in_progress', 10))).toBe(true);
      const atTen = candidateShare(snapshot);
      expect(atTen).toBeGreaterThan(50);
      expect(atTen).toBeLessThan(150);
      snapshot.apply(step(3, 'in_progress', 50));
      expect(candidateShare(snapshot)).toBeGreaterThan(atTen);
      expect(snapshot.deploymentOf('a')).toMatchObject({ id: 'dep-1', percentage: 50 });
    });

    it('drops a stale step that arrives after a later rollback', () => {
      const snapshot = new EnvironmentSnapshot('env', 0);
      snapshot.apply({ ...event(1, 'a', 'stable'), version: 1 });
      snapshot.apply(step(2, 'in_progress', 10));
      snapshot.apply(step(4, 'rolled_back', 10));
      expect(snapshot.apply(step(3, 'in_progress', 50))).toBe(false);
      expect(snapshot.deploymentOf('a')).toBeUndefined();
      expect(candidateShare(snapshot)).toBe(0);
    });

    it('detaches the deployment when the completion makes the candidate the state', () => {
      const snapshot = new EnvironmentSnapshot('env', 0);
      snapshot.apply({ ...event(1, 'a', 'stable'), version: 1 });
      snapshot.apply(step(2, 'in_progress', 10));
      const completion = { ...step(3, 'completed', 100, 'candidate'), version: 2 };
      expect(snapshot.apply(completion)).toBe(true);
      expect(snapshot.deploymentOf('a')).toBeUndefined();
      expect(candidateShare(snapshot)).toBe(subjects.length);
      expect(snapshot.get('a')!.version).toBe(2);
    });
  });
});
