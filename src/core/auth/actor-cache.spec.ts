import { Actor } from './actor';
import { ActorCache } from './actor-cache';
import { Role } from './role';

const actor: Actor = {
  kind: 'api_key',
  id: 'k1',
  name: 'sdk',
  roles: [Role.SDK],
  environmentId: 'e1',
};
let clock = 0;
const options = {
  ttlMs: 1000,
  negativeTtlMs: 5000,
  retryMs: 100,
  maxEntries: 3,
  clock: () => clock,
};

/** A key store the test controls: answers, fails, or holds each look-up until released. */
class FakeKeys {
  lookups = 0;
  keys = new Map<string, Actor>();
  down = false;
  private held: (() => void)[] = [];
  holding = false;

  lookup = async (hash: string): Promise<Actor | null> => {
    this.lookups += 1;
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    return this.keys.get(hash) ?? null;
  };

  release(): void {
    this.holding = false;
    this.held.splice(0).forEach((resume) => resume());
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ActorCache', () => {
  let keys: FakeKeys;
  let cache: ActorCache;

  beforeEach(() => {
    clock = 0;
    keys = new FakeKeys();
    keys.keys.set('h1', actor);
    cache = new ActorCache(keys.lookup, options);
  });

  it('shares one look-up among concurrent misses for a token', async () => {
    keys.holding = true;
    const all = Promise.all(Array.from({ length: 20 }, () => cache.resolve('h1', 0)));
    keys.release();
    expect(await all).toEqual(Array(20).fill(actor));
    expect(keys.lookups).toBe(1);
    expect(cache.peek('h1', 10)).toBe(actor);
  });

  it('serves the last verified actor while the store is down, re-checking once per retry period', async () => {
    await cache.resolve('h1', 0);
    keys.down = true;
    expect(cache.peek('h1', 5000)).toBe(actor);
    expect(cache.peek('h1', 5001)).toBe(actor);
    await settle();
    expect(keys.lookups).toBe(2);
    expect(cache.peek('h1', 5200)).toBe(actor);
    await settle();
    expect(keys.lookups).toBe(3);
  });

  it('drops a key a refresh finds revoked', async () => {
    await cache.resolve('h1', 0);
    keys.keys.delete('h1');
    clock = 2000;
    expect(cache.peek('h1', 2000)).toBe(actor);
    await settle();
    expect(cache.peek('h1', 2001)).toBeUndefined();
    expect(await cache.resolve('h1', 2002)).toBeNull();
  });

  it('refuses a revoked key without a look-up, store or no store', async () => {
    await cache.resolve('h1', 0);
    cache.revoke('h1', 10);
    keys.down = true;
    expect(cache.peek('h1', 20)).toBeUndefined();
    expect(await cache.resolve('h1', 20)).toBeNull();
    expect(keys.lookups).toBe(1);
  });

  it('lets a revocation win over a look-up that was under way', async () => {
    keys.holding = true;
    const pending = cache.resolve('h1', 0);
    cache.revoke('h1', 0);
    keys.release();
    expect(await pending).toBeNull();
    expect(cache.peek('h1', 1)).toBeUndefined();
  });

  it('remembers an unknown token for the negative TTL', async () => {
    expect(await cache.resolve('nope', 0)).toBeNull();
    expect(await cache.resolve('nope', 4999)).toBeNull();
    expect(keys.lookups).toBe(1);
    clock = 5000;
    await cache.resolve('nope', 5000);
    expect(keys.lookups).toBe(2);
  });

  it('passes a failed look-up on and caches nothing', async () => {
    keys.down = true;
    await expect(cache.resolve('h1', 0)).rejects.toThrow('ECONNREFUSED');
    keys.down = false;
    expect(await cache.resolve('h1', 1)).toBe(actor);
  });

  it('keeps verified keys when unknown tokens flood in', async () => {
    await cache.resolve('h1', 0);
    for (let i = 0; i < 10; i += 1) await cache.resolve(`random-${i}`, 0);
    expect(cache.peek('h1', 1)).toBe(actor);
  });
});
