import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { HLL_REGISTERS, HyperLogLog, hllUpdateOf } from './hyperloglog';

/** Checks the codec against a real Redis: same hash, same registers, same estimate. */
describe('HyperLogLog in Redis format', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `test-hll-${randomUUID().slice(0, 8)}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

  async function pfadd(key: string, values: string[]): Promise<void> {
    for (let i = 0; i < values.length; i += 5000)
      await redis.pfadd(key, ...values.slice(i, i + 5000));
  }

  it.each([
    ['empty', 0],
    ['a few (sparse)', 7],
    ['hundreds (sparse)', 800],
    ['thousands (dense)', 20_000],
  ])('decodes what PFADD built, %s, to the registers it builds itself', async (_, n) => {
    const values = [...ids(n, 'user'), 'é-ü-日本', 'x', 'exactly8', '123456789abcdef'];
    const key = `${prefix}:${randomUUID()}`;
    await pfadd(key, values);
    const sketch = new HyperLogLog();
    for (const value of values) sketch.addId(value);
    const stored = HyperLogLog.fromRedis((await redis.getBuffer(key))!);
    expect(Buffer.from(stored.registers()).equals(Buffer.from(sketch.registers()))).toBe(true);
    expect(sketch.count()).toBe(await redis.pfcount(key));
  });

  it.each([3, 900, 50_000])(
    'SETs %i ids as a sketch Redis counts and merges exactly like PFADD',
    async (n) => {
      const values = ids(n, randomUUID());
      const sketch = new HyperLogLog();
      for (const value of values) sketch.addId(value);
      const built = `${prefix}:${randomUUID()}`;
      const added = `${prefix}:${randomUUID()}`;
      await redis.set(built, sketch.toRedis());
      await pfadd(added, values);
      expect(await redis.pfcount(built)).toBe(await redis.pfcount(added));
      expect(sketch.count()).toBe(await redis.pfcount(added));

      const more = ids(500, randomUUID());
      const other = `${prefix}:${randomUUID()}`;
      await pfadd(other, more);
      await redis.pfmerge(built, other);
      const merged = new HyperLogLog();
      for (const value of more) merged.addId(value);
      merged.merge(sketch);
      expect(await redis.pfcount(built)).toBe(merged.count());
      expect(HyperLogLog.fromRedis(merged.toRedis()).count()).toBe(merged.count());
    },
  );

  it('estimates 100,000 distinct ids within 2%', () => {
    const sketch = new HyperLogLog();
    for (const id of ids(100_000, 'device')) sketch.addId(id);
    expect(Math.abs(sketch.count() - 100_000) / 100_000).toBeLessThan(0.02);
  });

  it('merging is idempotent and order-free', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (const id of ids(3000, 'a')) a.addId(id);
    for (const id of ids(10, 'b')) b.addId(id);
    const once = new HyperLogLog().merge(a).merge(b);
    const twice = new HyperLogLog().merge(b).merge(a).merge(b).merge(a);
    expect(twice.count()).toBe(once.count());
    expect(hllUpdateOf('x') >>> 6).toBeLessThan(HLL_REGISTERS);
  });

  it('merges a stored sketch straight from its bytes as it merges the sketch decoded', () => {
    const sparse = new HyperLogLog();
    for (const id of ids(40, 'sparse')) sparse.addId(id);
    const dense = new HyperLogLog();
    for (const id of ids(20_000, 'dense')) dense.addId(id);
    for (const [target, source] of [
      [ids(30, 'small'), sparse],
      [ids(30, 'small'), dense],
      [ids(5000, 'large'), sparse],
      [ids(5000, 'large'), dense],
    ] as const) {
      const fromBytes = new HyperLogLog();
      const decoded = new HyperLogLog();
      for (const id of target) {
        fromBytes.addId(id);
        decoded.addId(id);
      }
      fromBytes.mergeRedis(source.toRedis());
      decoded.merge(HyperLogLog.fromRedis(source.toRedis()));
      expect(fromBytes.registers()).toEqual(decoded.registers());
      expect(fromBytes.toRedis()).toEqual(decoded.toRedis());
    }
  });

  it('decodes every register value at every position of the dense encoding', () => {
    // Ranks go up to 51 (HLL_Q + 1); registers i, i + 1, i + 2, i + 3 share three bytes.
    const sketch = new HyperLogLog();
    for (let i = 0; i < HLL_REGISTERS; i++) sketch.add(i * 64 + ((i * 7 + (i >>> 6)) % 52));
    const registers = sketch.registers();
    expect(new Set(registers).size).toBe(52);
    expect(HyperLogLog.fromRedis(sketch.toRedis()).registers()).toEqual(registers);
    const merged = new HyperLogLog();
    for (let i = 0; i < HLL_REGISTERS; i += 2) merged.add(i * 64 + 30);
    merged.mergeRedis(sketch.toRedis());
    expect(merged.registers()).toEqual(
      registers.map((rank, i) => (i % 2 === 0 ? Math.max(rank, 30) : rank)),
    );
  });

  it('refuses strings that are not sketches', () => {
    expect(() => HyperLogLog.fromRedis(Buffer.from('hello world, not a sketch'))).toThrow(/HYLL/);
    const truncated = new HyperLogLog();
    truncated.addId('x');
    expect(() => HyperLogLog.fromRedis(truncated.toRedis().subarray(0, 17))).toThrow(/cover/);
    // A run past the 16,384 registers: the sketch's bytes, then one more register of value 1.
    const past = Buffer.concat([truncated.toRedis(), Buffer.from([0x80])]);
    expect(() => new HyperLogLog().mergeRedis(past)).toThrow(/past its registers/);
  });
});
