import { HyperLogLog, hllUpdateOf } from './hyperloglog';
import {
  MAX_GROUPS,
  MAX_KEY_NODES,
  mergeByKey,
  MERGES_PER_TURN,
  NO_UPDATE,
  ServedSubjects,
  SubjectWalk,
} from './usage-sketch.util';

/** Serves each request its keys and returns the users counted per key. */
function serve(requests: { keys: string[]; user: string }[]) {
  const served = new ServedSubjects();
  for (const { keys, user } of requests) {
    const walk = new SubjectWalk(served, hllUpdateOf(user), NO_UPDATE);
    for (const key of keys) walk.add(key);
    walk.done();
  }
  return new Map([...served.sketches('*')].map(([key, pair]) => [key, pair.users.count()]));
}

/** The same counted one sketch per key, without grouping. */
function expected(requests: { keys: string[]; user: string }[]) {
  const sketches = new Map<string, HyperLogLog>();
  const add = (key: string, user: string) => {
    if (!sketches.has(key)) sketches.set(key, new HyperLogLog());
    sketches.get(key)!.addId(user);
  };
  for (const { keys, user } of requests) {
    add('*', user);
    for (const key of keys) add(key, user);
  }
  return new Map([...sketches].map(([key, sketch]) => [key, sketch.count()]));
}

describe('ServedSubjects', () => {
  it('groups requests by the keys they were served and counts each key as if one by one', () => {
    const requests = [
      ...Array.from({ length: 300 }, (_, i) => ({ keys: ['a', 'b', 'c'], user: `u${i}` })),
      ...Array.from({ length: 200 }, (_, i) => ({ keys: ['a', 'b'], user: `u${i + 250}` })),
      ...Array.from({ length: 50 }, (_, i) => ({ keys: ['c', 'a'], user: `v${i}` })),
      { keys: [], user: 'nothing-served' },
    ];
    expect(serve(requests)).toEqual(expected(requests));
  });

  it('counts the same past its bounds on groups and tree nodes', () => {
    const manyGroups = Array.from({ length: MAX_GROUPS + 20 }, (_, i) => ({
      keys: ['shared', `own-${i}`],
      user: `u${i % 700}`,
    }));
    expect(serve(manyGroups)).toEqual(expected(manyGroups));
    const long = Array.from({ length: MAX_KEY_NODES + 10 }, (_, i) => `k${i}`);
    const manyNodes = [
      { keys: long, user: 'a' },
      { keys: ['k0', 'k1', 'tail'], user: 'b' },
      { keys: long, user: 'c' },
    ];
    const counts = serve(manyNodes);
    expect(counts).toEqual(expected(manyNodes));
    expect(counts.get(`k${MAX_KEY_NODES + 5}`)).toBe(2);
  });
});

describe('mergeByKey', () => {
  it("merges each key's sketches, giving the event loop a turn between slices", async () => {
    // A dense sketch costs 0.1-0.2 ms to decode and merge: a year of day sketches for 100
    // keys is seconds of work, which must not be one synchronous stretch.
    const stored = Array.from({ length: 10 * MERGES_PER_TURN }, (_, i) => {
      const sketch = new HyperLogLog();
      sketch.addId(`user-${i}`);
      return { key: `k${i % 3}`, bytes: sketch.toRedis() };
    });
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const merged = await mergeByKey(new Map(), stored, (row) => ({
      configKey: row.key,
      users: HyperLogLog.fromRedis(row.bytes),
      devices: new HyperLogLog(),
    }));
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(9);
    expect([...merged.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
    const total = [...merged.values()].reduce((sum, pair) => sum + pair.users.count(), 0);
    // Each id once, in one key's sketch: the estimates add up to about all of them.
    expect(Math.abs(total - stored.length)).toBeLessThan(stored.length * 0.03);
  });
});
