import { HyperLogLog, hllUpdateOf } from './hyperloglog';
import {
  HourSketches,
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

describe('sketches shared by the keys served together', () => {
  function servedTogether() {
    const served = new ServedSubjects();
    for (let i = 0; i < 400; i += 1) {
      const walk = new SubjectWalk(served, hllUpdateOf(`u${i}`), hllUpdateOf(`d${i}`));
      for (const key of ['a', 'b', 'c']) walk.add(key);
      walk.done();
    }
    const extra = new SubjectWalk(served, hllUpdateOf('only-c'), NO_UPDATE);
    extra.add('c');
    extra.done();
    return served.sketches('*');
  }

  it('gives keys served only together one pair of sketches, and a key served otherwise its own', () => {
    const keys = servedTogether();
    expect(keys.get('a')).toBe(keys.get('b'));
    expect(keys.get('c')).not.toBe(keys.get('a'));
    expect(keys.get('a')!.users.count()).toBe(400);
    expect(keys.get('c')!.users.count()).toBe(401);
  });

  it('never merges into a shared sketch: adding to one key leaves the others as they were', () => {
    const keys = servedTogether();
    const window = new HourSketches();
    for (const [configKey, pair] of keys) window.keysOf(0, 'env').set(configKey, pair);
    const kept = new HourSketches();
    kept.addAll(window.entries());
    const late = new HyperLogLog();
    for (let i = 0; i < 100; i += 1) late.addId(`late-${i}`);
    kept.addAll([
      { hour: 0, environmentId: 'env', configKey: 'a', users: late, devices: new HyperLogLog() },
    ]);
    const counts = (sketches: HourSketches) =>
      Object.fromEntries([...sketches.entries()].map((s) => [s.configKey, s.users.count()]));
    // The estimates of sketches built id by id: 400 users of a and b, 100 late ones of a.
    const estimate = (ids: string[]) => {
      const sketch = new HyperLogLog();
      for (const id of ids) sketch.addId(id);
      return sketch.count();
    };
    const users = Array.from({ length: 400 }, (_, i) => `u${i}`);
    const lateUsers = Array.from({ length: 100 }, (_, i) => `late-${i}`);
    expect(counts(kept)).toMatchObject({
      a: estimate([...users, ...lateUsers]),
      b: estimate(users),
    });
    expect(counts(window)).toMatchObject({ a: estimate(users), b: estimate(users) });
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
    const merged = await mergeByKey(
      new Map(),
      stored,
      (row) => row.key,
      (pair, row) => pair.users.mergeRedis(row.bytes),
    );
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(9);
    expect([...merged.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
    const total = [...merged.values()].reduce((sum, pair) => sum + pair.users.count(), 0);
    // Each id once, in one key's sketch: the estimates add up to about all of them.
    expect(Math.abs(total - stored.length)).toBeLessThan(stored.length * 0.03);
  });
});
