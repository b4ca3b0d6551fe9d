import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { CONFIG_DEFAULTS } from '../../src/engine/config-state';
import { compileConfig } from '../../src/engine/evaluation/compile-config';
import { EvaluationResult } from '../../src/engine/evaluation/result';
import { RollupUsageJob } from '../../src/modules/usage/jobs/rollup-usage.job';
import { HyperLogLog } from '../../src/modules/usage/hyperloglog';
import { ENVIRONMENT_WIDE, UniqueCounter } from '../../src/modules/usage/unique-counter';
import { DAY_MS, HOUR_MS, UsageChannel } from '../../src/modules/usage/usage-metric.util';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
import { UsageSketchRepository } from '../../src/modules/usage/usage-sketch.repository';
import { UsageSketches } from '../../src/modules/usage/usage-sketches.service';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig } from '../factories/config.factory';
import { OwnRedis } from '../support/own-redis';
import { hasPostgres, hasRedis, startTestApp, TestApp } from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const EVALUATE = `query ($keys: [String!], $context: JSON!) {
  evaluate(environment: "development", context: $context, keys: $keys) { key } }`;

/**
 * An hour ten days ago: past what the apps' own scheduled rollups store (the last hours), and
 * within the hourly retention they prune with.
 */
const HOUR = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 10 * DAY_MS;
/** When the rollup job persists an hour: well after it ends, late flushes included. */
const GRACE_MS = 45 * 60_000;
const AFTER_HOUR = HOUR + HOUR_MS + GRACE_MS;

/** The app's recorder and sketches on a clock the test moves. */
function clocked(app: TestApp, start = HOUR + 60_000) {
  let now = start;
  const recorder = app.running.app.get(UsageRecorder);
  const sketches = app.running.app.get(UsageSketches);
  recorder.now = () => now;
  sketches.now = () => now;
  return {
    recorder,
    counter: app.running.app.get(UniqueCounter),
    set: (at: number) => (now = at),
  };
}

async function environmentId(app: TestApp): Promise<string> {
  const [{ id }] = await app.running.app
    .get(DataSource)
    .query(`SELECT id FROM environment WHERE key = 'development'`);
  return id;
}

async function persist(app: TestApp, now: number): Promise<void> {
  const queue = app.running.app.get(JobQueue);
  await queue.add(RollupUsageJob, { now });
  await queue.drain();
}

/** What serving a config gives, as the engine compiles it. */
function resultOf(key: string): EvaluationResult {
  const state = {
    ...CONFIG_DEFAULTS,
    key,
    valueType: 'boolean' as const,
    value: true,
    defaultValue: false,
  };
  return compileConfig({ key, version: 1, state }).evaluate({});
}

/** Records one request per id, with its user and device ids (in process: no HTTP). */
function serve(recorder: UsageRecorder, env: string, keys: string[], ids: number[], tag = '') {
  const results = keys.map(resultOf);
  for (const i of ids) {
    recorder.record(env, UsageChannel.GraphQL, results, {
      user: { id: `user-${tag}${i}` },
      device: { id: `device-${tag}${i}` },
    });
  }
}

/** What one sketch of these users estimates: a union counted once answers exactly this. */
function estimateOf(ids: number[], tag = ''): number {
  const sketch = new HyperLogLog();
  for (const i of ids) sketch.addId(`user-${tag}${i}`);
  return sketch.count();
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('unique users and devices', () => {
  let app: TestApp;
  let env: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { USAGE_FLUSH_MS: '600000', USAGE_ROLLUP_MS: '3600000' } });
    env = await environmentId(app);
  });
  afterAll(() => app.close());

  it('counts the subjects of every channel per config and for the environment', async () => {
    const { recorder, counter } = clocked(app, Date.now());
    const [a, b] = [await createConfig(app), await createConfig(app)];
    const sdk = (await createApiKey(app, { roles: ['SDK'], environment: 'development' })).token;
    const evaluate = (context: unknown, keys = [a.key, b.key]) =>
      app.gql(EVALUATE, { keys, context }, sdk);
    await evaluate({ user: { id: 'u1' }, device: { id: 'd1' } });
    await evaluate({ user: { id: 'u1' }, device: { id: 'd2' } });
    await evaluate({ user: { id: 'u2' } }, [a.key]);
    await evaluate({ app: { version: '1.0' } }); // no subject
    const ofrep = await fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags/${b.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sdk}` },
      body: JSON.stringify({ context: { targetingKey: 'u3' } }),
    });
    expect(ofrep.status).toBe(200);
    const client = wsClient(app, sdk);
    try {
      const updates = subscribe(
        client,
        `subscription ($keys: [String!]) { evaluationsChanged(environment: "development", context: {device: {id: "d3"}}, keys: $keys) { full } }`,
        { keys: [a.key] },
      );
      await updates.waitFor(1);
      updates.stop();
    } finally {
      await client.dispose();
    }
    await recorder.flush();
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const counts = await counter.distinct(
      env,
      [a.key, b.key, ENVIRONMENT_WIDE, 'never-served'],
      new Date(hour - HOUR_MS),
      new Date(hour + HOUR_MS),
    );
    expect(Object.fromEntries(counts)).toEqual({
      [a.key]: { users: 2, devices: 3 },
      [b.key]: { users: 2, devices: 2 },
      [ENVIRONMENT_WIDE]: { users: 3, devices: 3 },
      'never-served': { users: 0, devices: 0 },
    });
  });

  it('estimates 100,000 distinct ids within 2%, open and once persisted in PostgreSQL', async () => {
    const { recorder, counter, set } = clocked(app);
    serve(recorder, env, ['big'], range(0, 100_000), 'big-');
    await recorder.flush();
    const within2Percent = async () => {
      const { users, devices } = (
        await counter.distinct(env, ['big'], new Date(HOUR), new Date(HOUR + HOUR_MS))
      ).get('big')!;
      expect(Math.abs(users - 100_000) / 100_000).toBeLessThan(0.02);
      expect(Math.abs(devices - 100_000) / 100_000).toBeLessThan(0.02);
      return users;
    };
    const open = await within2Percent();
    set(AFTER_HOUR);
    await persist(app, AFTER_HOUR);
    const stored: { granularity: string }[] = await app.running.app
      .get(DataSource)
      .query(`SELECT granularity FROM config_usage_sketch WHERE config_key = 'big' ORDER BY 1`);
    expect(stored.map((row) => row.granularity)).toEqual(['day', 'hour']);
    expect(await within2Percent()).toBe(open);
  });

  it('stores an hour again when ids reach it after it was stored', async () => {
    const late = HOUR + 2 * HOUR_MS;
    const { recorder, set } = clocked(app, late + 1000);
    serve(recorder, env, ['late'], range(0, 20));
    await recorder.flush();
    set(late + HOUR_MS + GRACE_MS);
    await persist(app, late + HOUR_MS + GRACE_MS);
    set(late + HOUR_MS - 1000); // a request served in the hour, flushed after it was stored
    serve(recorder, env, ['late'], range(15, 30));
    await recorder.flush();
    set(late + HOUR_MS + 2 * GRACE_MS);
    await persist(app, late + HOUR_MS + 2 * GRACE_MS);
    const rows: { granularity: string; users: Uint8Array }[] = await app.running.app
      .get(DataSource)
      .query(
        `SELECT granularity, users FROM config_usage_sketch WHERE config_key = 'late' ORDER BY 1`,
      );
    expect(rows.map((row) => [row.granularity, HyperLogLog.fromRedis(row.users).count()])).toEqual([
      ['day', estimateOf(range(0, 30))],
      ['hour', estimateOf(range(0, 30))],
    ]);
  });

  it('reads whole days from day sketches and the edges from hour sketches', async () => {
    const day = HOUR - (HOUR % DAY_MS) + 3 * DAY_MS;
    const { recorder, counter, set } = clocked(app);
    const hourOf = async (start: number, ids: number[]) => {
      set(start + 1000);
      serve(recorder, env, ['span'], ids);
      await recorder.flush();
      set(start + HOUR_MS + GRACE_MS);
      await persist(app, start + HOUR_MS + GRACE_MS);
    };
    await hourOf(day - HOUR_MS, range(0, 10)); // the hour before the day
    await hourOf(day + 5 * HOUR_MS, range(5, 20)); // inside the day
    await hourOf(day + DAY_MS, range(15, 30)); // the hour after it
    const users = async (from: number, to: number) =>
      (await counter.distinct(env, ['span'], new Date(from), new Date(to))).get('span')!.users;
    expect(await users(day - HOUR_MS, day + DAY_MS + HOUR_MS)).toBe(estimateOf(range(0, 30)));
    expect(await users(day, day + DAY_MS)).toBe(estimateOf(range(5, 20)));
    expect(await users(day + 5 * HOUR_MS, day + 6 * HOUR_MS)).toBe(estimateOf(range(5, 20)));
    expect(await users(day + 6 * HOUR_MS, day + DAY_MS)).toBe(0);
    // Pruned with the counters' retention.
    set(day + 401 * DAY_MS);
    await persist(app, day + 401 * DAY_MS);
    expect(await users(day - HOUR_MS, day + DAY_MS + HOUR_MS)).toBe(0);
  });
});

(hasPostgres ? it : it.skip)('SIGTERM (app.close()) persists the open hour', async () => {
  const keeper = await startTestApp();
  try {
    // The embedded mode's sketch store (in process), whatever the keeper uses.
    const app = await startTestApp({
      shareWith: keeper,
      env: { USAGE_FLUSH_MS: '600000', REDIS_URL: undefined },
    });
    const env = await environmentId(app);
    const { recorder } = clocked(app);
    serve(recorder, env, ['closing'], range(0, 7));
    await app.close();
    const { counter } = clocked(keeper, HOUR + HOUR_MS + 1);
    const counts = await counter.distinct(env, ['closing'], new Date(HOUR), new Date(AFTER_HOUR));
    expect(counts.get('closing')?.users).toBe(estimateOf(range(0, 7)));
  } finally {
    await keeper.close();
  }
});

(hasPostgres && hasRedis ? it : it.skip)(
  'two api processes sharing Redis and PostgreSQL count an id once',
  async () => {
    const first = await startTestApp({ env: { USAGE_FLUSH_MS: '600000' } });
    try {
      const second = await startTestApp({ shareWith: first, env: { USAGE_FLUSH_MS: '600000' } });
      try {
        const env = await environmentId(first);
        const one = clocked(first);
        const two = clocked(second);
        serve(one.recorder, env, ['shared'], range(0, 600));
        serve(two.recorder, env, ['shared'], range(400, 1000));
        await Promise.all([one.recorder.flush(), two.recorder.flush()]);
        const open = await one.counter.distinct(
          env,
          ['shared'],
          new Date(HOUR),
          new Date(HOUR + HOUR_MS),
        );
        const union = estimateOf(range(0, 1000));
        expect(open.get('shared')?.users).toBe(union);
        // Both persisting at once lose nothing and count nothing twice.
        await Promise.all([persist(first, AFTER_HOUR), persist(second, AFTER_HOUR)]);
        one.set(AFTER_HOUR);
        const stored = await one.counter.distinct(
          env,
          ['shared'],
          new Date(HOUR),
          new Date(HOUR + HOUR_MS),
        );
        expect(stored.get('shared')?.users).toBe(union);

        // Two processes merging different sketches into the same rows at once lose neither.
        const sketchOf = (ids: number[]) => {
          const users = new HyperLogLog();
          for (const i of ids) users.addId(`user-${i}`);
          return { environmentId: env, configKey: 'merged', hour: HOUR, users, devices: users };
        };
        // The rows exist first: each merge reads, then writes them (under its row lock). The
        // three sketches are disjoint, so whichever is lost (either merge's, or the stored one
        // both should have merged with) shows, in the hour row and in the day row.
        await first.running.app.get(UsageSketchRepository).persist([sketchOf(range(700, 710))]);
        await Promise.all([
          first.running.app.get(UsageSketchRepository).persist([sketchOf(range(0, 300))]),
          second.running.app.get(UsageSketchRepository).persist([sketchOf(range(300, 700))]),
        ]);
        const day = HOUR - (HOUR % DAY_MS);
        for (const [from, to] of [
          [HOUR, HOUR + HOUR_MS],
          [day, day + DAY_MS],
        ]) {
          const merged = await one.counter.distinct(env, ['merged'], new Date(from), new Date(to));
          expect(merged.get('merged')?.users).toBe(estimateOf(range(0, 710)));
        }
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  },
);

(hasPostgres && hasRedis ? it : it.skip)(
  'a Redis restart loses at most the open hour: closed hours are in PostgreSQL',
  async () => {
    const redis = new OwnRedis();
    await redis.start();
    try {
      const app = await startTestApp({
        env: { REDIS_URL: redis.url, USAGE_FLUSH_MS: '600000', USAGE_ROLLUP_MS: '3600000' },
      });
      try {
        const env = await environmentId(app);
        const { recorder, counter, set } = clocked(app);
        serve(recorder, env, ['restart'], range(0, 40)); // the hour that closes
        await recorder.flush();
        set(AFTER_HOUR);
        serve(recorder, env, ['restart'], range(100, 110)); // the open hour
        await recorder.flush();
        await persist(app, AFTER_HOUR);
        const users = async () =>
          (
            await counter.distinct(env, ['restart'], new Date(HOUR), new Date(HOUR + 2 * HOUR_MS))
          ).get('restart')!.users;
        expect(await users()).toBe(estimateOf([...range(0, 40), ...range(100, 110)]));
        await redis.stop();
        await redis.start();
        expect(await users()).toBe(estimateOf(range(0, 40)));
        // A flush while Redis is down keeps its sketches and writes them with the next one.
        await redis.stop();
        serve(recorder, env, ['restart'], range(200, 205));
        await recorder.flush();
        await redis.start();
        await recorder.flush();
        expect(await users()).toBe(estimateOf([...range(0, 40), ...range(200, 205)]));
      } finally {
        await app.close();
      }
    } finally {
      await redis.stop();
    }
  },
);

it('records no unique users or devices with USAGE_METRICS=off', async () => {
  const app = await startTestApp({ env: { USAGE_METRICS: 'off', USAGE_FLUSH_MS: '600000' } });
  try {
    const config = await createConfig(app);
    const env = await environmentId(app);
    expect(
      await app.gql(EVALUATE, { keys: [config.key], context: { user: { id: 'u1' } } }),
    ).not.toHaveProperty('errors');
    const { recorder, counter } = clocked(app, Date.now());
    await recorder.flush();
    await persist(app, Date.now() + DAY_MS);
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const counts = await counter.distinct(
      env,
      [config.key, ENVIRONMENT_WIDE],
      new Date(hour - HOUR_MS),
      new Date(hour + HOUR_MS),
    );
    expect(Object.fromEntries(counts)).toEqual({
      [config.key]: { users: 0, devices: 0 },
      [ENVIRONMENT_WIDE]: { users: 0, devices: 0 },
    });
    const db = app.running.app.get(DataSource);
    expect(await db.query('SELECT count(*)::int AS n FROM config_usage_sketch')).toEqual([
      { n: 0 },
    ]);
  } finally {
    await app.close();
  }
});
