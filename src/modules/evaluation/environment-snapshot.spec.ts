import { CONFIG_DEFAULTS, ConfigState } from '../../engine/config-state';
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
});
