import { DataSource } from 'typeorm';
import { InProcessPubSub } from '../../core/pubsub/in-process-pub-sub';
import { CONFIG_DEFAULTS } from '../../engine/config-state';
import { ConfigChangedEvent, ConfigChangeEvents } from '../configs/config-change-events';
import { EnvironmentSnapshot, EvaluationSnapshots } from './evaluation-snapshots.service';

/** A database with an empty environment at revision 0 and these stored assignments. */
const database = (stored: { subject: string; variant_key: string }[] = []) =>
  ({
    query: async (sql: string) =>
      sql.includes('experiment_assignment') ? stored : [{ revision: '0' }],
    transaction: async (_level: string, work: (manager: unknown) => Promise<unknown>) =>
      work({
        query: async (sql: string) => (sql.includes('experiment') ? [] : [{ revision: '0' }]),
        findBy: async () => [],
      }),
  }) as unknown as DataSource;

const running = {
  id: 'exp-1',
  key: 'exp',
  assignment: 'random' as const,
  trafficPercentage: 100,
  variants: [
    { key: 'a', name: 'A', value: 'x', weight: 50, control: true },
    { key: 'b', name: 'B', value: 'y', weight: 50, control: false },
  ],
  targeting: null,
};

function transition(revision: number, on: boolean): ConfigChangedEvent {
  return {
    environmentId: 'env',
    revision,
    configId: 'config-1',
    key: 'button',
    action: on ? 'experiment_started' : 'experiment_stopped',
    version: 1,
    state: {
      ...CONFIG_DEFAULTS,
      key: 'button',
      valueType: 'string',
      value: 'x',
      defaultValue: 'x',
    },
    experiment: {
      id: 'exp-1',
      key: 'exp',
      status: on ? 'running' : 'paused',
      running: on ? running : null,
    },
  };
}

/** Lets the snapshots' asynchronous change handling run to its end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('EvaluationSnapshots: random assignment caches', () => {
  it('keeps caching new assignments after a stale stop arrives again (the relay repeats events)', async () => {
    const events = new ConfigChangeEvents();
    const snapshots = new EvaluationSnapshots(database(), events, new InProcessPubSub());
    snapshots.onModuleInit();
    try {
      const snapshot = await snapshots.get('env');
      events.emit(transition(1, true));
      events.emit(transition(2, false));
      events.emit(transition(3, true));
      await settle();
      events.emit(transition(2, false)); // the relay's copy of the pause, after the resume
      await settle();
      await snapshots.recordAssignment({ experimentId: 'exp-1', subject: 'u9', variantKey: 'b' });
      expect(snapshot.experimentOf('button')?.assignments?.get('u9')).toBe('b');
    } finally {
      await snapshots.onModuleDestroy();
    }
  });

  it('reads the stored assignments when a random experiment starts, and drops them when it stops', async () => {
    const events = new ConfigChangeEvents();
    const stored = [{ subject: 'u1', variant_key: 'a' }];
    const snapshots = new EvaluationSnapshots(database(stored), events, new InProcessPubSub());
    snapshots.onModuleInit();
    try {
      const snapshot = await snapshots.get('env');
      events.emit(transition(1, true));
      await settle();
      const cache = snapshot.experimentOf('button')?.assignments;
      expect(cache?.get('u1')).toBe('a');
      events.emit(transition(2, false));
      await settle();
      expect(snapshot.experimentOf('button')).toBeUndefined();
      await snapshots.recordAssignment({ experimentId: 'exp-1', subject: 'u2', variantKey: 'b' });
      expect(cache?.has('u2')).toBe(false);
    } finally {
      await snapshots.onModuleDestroy();
    }
  });
});

describe('EnvironmentSnapshot: running experiments', () => {
  const edit = (revision: number, value: string | null): ConfigChangedEvent => ({
    ...transition(revision, true),
    action: 'update',
    version: revision,
    state: value === null ? null : { ...transition(revision, true).state!, value },
    experiment: undefined,
  });
  const valueOf = (snapshot: EnvironmentSnapshot) => snapshot.get('button')?.evaluate({}).value;

  it("keeps the experiment attached when a start arrives after a later edit, and the edit's state", () => {
    const snapshot = new EnvironmentSnapshot('env', 0);
    snapshot.apply(edit(1, 'one'));
    snapshot.apply(edit(3, 'edited'));
    expect(snapshot.apply(transition(2, true))).toBe(true);
    expect(snapshot.experimentOf('button')?.key).toBe('exp');
    expect(valueOf(snapshot)).toBe('edited');
    // An older stop does not detach a newer start; a newer one does.
    snapshot.apply(transition(4, true));
    expect(snapshot.apply(transition(2, false))).toBe(false);
    expect(snapshot.experimentOf('button')).toBeDefined();
    snapshot.apply(transition(5, false));
    expect(snapshot.experimentOf('button')).toBeUndefined();
  });

  it('attaches a random experiment with the shared assignment cache, kept by reference', () => {
    const cache = new Map([['u1', 'b']]);
    const snapshot = new EnvironmentSnapshot('env', 0, new Map([['exp-1', cache]]));
    snapshot.apply(transition(1, true));
    cache.set('u2', 'a');
    expect(snapshot.experimentOf('button')?.assignments?.get('u2')).toBe('a');
    snapshot.apply(edit(2, null));
    expect(snapshot.experimentOf('button')).toBeUndefined();
  });
});
