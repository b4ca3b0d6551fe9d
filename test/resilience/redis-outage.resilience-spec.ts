import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { QueueName } from '../../src/core/queue/queue-name';
import { OutboxRelay } from '../../src/modules/realtime/outbox-relay.service';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { hasRedisServer, OwnRedis } from '../support/own-redis';
import { errorCode, eventually, hasPostgres, startTestApp, TestApp } from '../support/test-app';
import { subscribe, Subscription, wsClient } from '../support/ws-client';
import { Client } from 'graphql-ws';

const describeOwnRedis =
  hasPostgres && hasRedisServer('Redis outage tests') ? describe : describe.skip;
if (!hasPostgres) console.warn('Redis outage tests skipped: set DATABASE_URL to run them');

/** Generous: an operation that needs only PostgreSQL answers in milliseconds, a hang never. */
const ANSWER_WITHIN_MS = 15_000;
/** Every recurring job a worker registers, sorted. */
const SCHEDULES = [
  'maintenance:aggregate-experiment-events',
  'maintenance:prune-experiment-events',
  'maintenance:prune-fetch-log',
  'maintenance:prune-notification-deliveries',
  'maintenance:prune-outbox',
  'maintenance:prune-revoked-api-keys',
  'maintenance:rollup-usage',
];

/** Fails (instead of hanging until the test's timeout) when `operation` does not settle. */
async function timed<T>(what: string, operation: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer while Redis was down`)),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    return await Promise.race([operation(), deadline]);
  } finally {
    clearTimeout(timer);
    timings.push(`${what}: ${(performance.now() - started).toFixed(1)} ms`);
  }
}
const timings: string[] = [];

async function createEnvironment(app: TestApp, key: string): Promise<void> {
  const response = await app.gql(
    `mutation ($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id } } }`,
    { input: { key, name: key } },
  );
  if (!response.data)
    throw new Error(`createEnvironment failed: ${JSON.stringify(response.errors)}`);
}

function evaluate(app: TestApp, environment: string, key: string, token?: string) {
  return app.gql<{ evaluate: { value: unknown }[] }>(
    `query ($environment: String!, $keys: [String!]) {
      evaluate(environment: $environment, context: {}, keys: $keys) { value } }`,
    { environment, keys: [key] },
    token,
  );
}

async function schedulers(redis: OwnRedis, prefix: string): Promise<string[]> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const queue = new Queue(QueueName.Maintenance, { connection, prefix });
  try {
    // Not getJobScheduler: it reads an id with a colon as a legacy key, found or not.
    const found = await queue.getJobSchedulers();
    return found.flatMap((scheduler) => (scheduler.every ? [scheduler.key] : [])).sort();
  } finally {
    await queue.close();
    await connection.quit();
  }
}

/**
 * Two instances on PostgreSQL and a Redis of the test's own: `reader` serves, `writer` makes
 * changes that reach `reader` only through Redis. The tests run in order: Redis is killed
 * after the set-up, started again (empty) before the last two.
 */
describeOwnRedis('while Redis is down', () => {
  const redis = new OwnRedis();
  const suffix = Math.random().toString(36).slice(2, 8);
  const evaluated = `outage-evaluated-${suffix}`;
  const subscribed = `outage-subscribed-${suffix}`;
  let reader: TestApp;
  let writer: TestApp;
  let client: Client;
  let updates: Subscription<{ revision: number; results: { value: unknown }[] }>;
  let evaluatedKey: string;
  let subscribedKey: string;
  let revoked: { id: string; token: string };

  beforeAll(async () => {
    await redis.start();
    writer = await startTestApp({ env: { REDIS_URL: redis.url, OUTBOX_SWEEP_MS: '200' } });
    reader = await startTestApp({
      shareWith: writer,
      env: { REDIS_URL: redis.url, OUTBOX_SWEEP_MS: '200' },
    });
    await createEnvironment(writer, evaluated);
    await createEnvironment(writer, subscribed);
    evaluatedKey = (await createConfig(writer, { environment: evaluated, value: 'served' })).key;
    subscribedKey = (await createConfig(writer, { environment: subscribed, value: 'v1' })).key;
    revoked = await createApiKey(writer, { roles: ['VIEWER'] });
    // Known to the reader before the outage, as a key in use would be.
    expect((await evaluate(reader, 'development', 'none', revoked.token)).data).toBeDefined();
    expect(await schedulers(redis, reader.env.REDIS_PREFIX)).toEqual(SCHEDULES);
    client = wsClient(reader);
    await redis.stop();
  });

  afterAll(async () => {
    if (timings.length > 0 && process.env.REPORT_TIMINGS) {
      process.stdout.write(`Redis down:\n  ${timings.join('\n  ')}\n`);
    }
    await redis.start();
    updates?.stop();
    await client?.dispose();
    await reader?.close();
    await writer?.close();
    await redis.stop();
  });

  it('answers the first evaluate of an environment not loaded yet', async () => {
    const response = await timed('first evaluate', () => evaluate(reader, evaluated, evaluatedKey));
    expect(response.data?.evaluate).toEqual([{ value: 'served' }]);
  });

  it('gives a new subscription to an environment not loaded yet its first message', async () => {
    updates = subscribe(
      client,
      `subscription ($environment: String!, $keys: [String!]) {
        evaluationsChanged(environment: $environment, context: {}, keys: $keys) {
          revision results { value } } }`,
      { environment: subscribed, keys: [subscribedKey] },
    );
    const [first] = await timed('first subscription message', () =>
      updates.waitFor(1, ANSWER_WITHIN_MS),
    );
    expect(first.results).toEqual([{ value: 'v1' }]);
  });

  it('revokes an API key, which is refused from then on', async () => {
    const response = await timed('revokeApiKey', () =>
      reader.gql(
        `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } } }`,
        { input: { id: revoked.id } },
      ),
    );
    expect(response.errors).toBeUndefined();
    expect(errorCode(await evaluate(reader, 'development', 'none', revoked.token))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('commits a config write, and the outbox relay lets go of the event it cannot publish', async () => {
    const response = await timed('updateConfig', () =>
      updateConfig(writer, {
        environment: subscribed,
        key: subscribedKey,
        expectedVersion: 1,
        value: 'v2',
      }),
    );
    expect(response.data?.updateConfig.config.value).toBe('v2');
    // The writer's outbox relay publishes the change. A publish that waited for Redis would
    // hold the event locked in the relay's open transaction (and a pooled connection) for the
    // whole outage, and this pass would not end; it must give up fast, the event left pending.
    await timed('outbox relay pass', () => writer.running.app.get(OutboxRelay).wake());
    // The pass the commit itself woke may still be giving up when ours returns: the event is
    // then locked a moment longer, so it is looked for until it is pending and unlocked.
    const pending = await eventually(
      async () => {
        const rows: unknown[] = await writer.running.app.get(DataSource).query(
          `SELECT o.id FROM outbox_event o JOIN environment e ON e.id = o.environment_id
           WHERE e.key = $1 AND o.published_at IS NULL FOR UPDATE OF o SKIP LOCKED`,
          [subscribed],
        );
        return rows.length > 0 && rows;
      },
      { timeoutMs: ANSWER_WITHIN_MS, what: 'the event pending and unlocked' },
    );
    expect(pending).toHaveLength(1);
  });

  it('registers the recurring schedules again when Redis comes back empty', async () => {
    await redis.start();
    const found = await eventually(
      async () => {
        const present = await schedulers(redis, reader.env.REDIS_PREFIX);
        return present.length === SCHEDULES.length && present;
      },
      { what: 'the maintenance schedules', timeoutMs: 30_000 },
    );
    expect(found).toEqual(SCHEDULES);
  });

  it('delivers to the subscription started during the outage what changed since', async () => {
    // The write committed during the outage, relayed (or re-read) once Redis is back...
    await updates.waitFor(2, 30_000);
    // ...and a change made on the other instance after, which only Redis carries.
    const response = await updateConfig(writer, {
      environment: subscribed,
      key: subscribedKey,
      expectedVersion: 2,
      value: 'v3',
    });
    expect(response.errors).toBeUndefined();
    const messages = await updates.waitFor(3, 30_000);
    expect(messages.map((message) => message.results[0].value)).toEqual(['v1', 'v2', 'v3']);
  });
});

async function subscribers(redis: OwnRedis, channel: string): Promise<number> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    const [, count] = (await connection.pubsub('NUMSUB', channel)) as [string, number];
    return Number(count);
  } finally {
    await connection.quit();
  }
}

function ofrepEvaluate(app: TestApp, key: string, token: string) {
  return fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
  });
}

/**
 * One instance started while its Redis is down (never started yet): it must come up and
 * serve and write what needs only PostgreSQL, and take up Redis once it answers.
 */
describeOwnRedis('starting while Redis is down', () => {
  const redis = new OwnRedis();
  let starting: Promise<TestApp>;
  let app: TestApp;
  let other: TestApp | undefined;
  let configKey: string;
  let sdk: { id: string; token: string };

  beforeAll(async () => {
    // A long cache: a revoked key is refused at once only through the pub/sub channel.
    starting = startTestApp({
      env: { REDIS_URL: redis.url, OUTBOX_SWEEP_MS: '200', AUTH_CACHE_TTL_MS: '3600000' },
    });
    app = await timed('start-up', () => starting);
  });

  afterAll(async () => {
    // A start that hung (the old behaviour) finishes once Redis answers, then closes.
    await redis.start();
    await other?.close();
    await starting?.then((started) => started.close()).catch(() => undefined);
    await redis.stop();
  });

  it('reports Redis down, and the database up, on /health/ready', async () => {
    const response = await fetch(`${app.baseUrl}/health/ready`);
    const body = (await response.json()) as Record<string, Record<string, { status: string }>>;
    expect(response.status).toBe(503);
    expect(body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'down' } });
  });

  it('commits writes, and serves PostgreSQL data through GraphQL and OFREP', async () => {
    const config = await timed('createConfig', () => createConfig(app, { value: 'v1' }));
    configKey = config.key;
    sdk = await timed('createApiKey', () =>
      createApiKey(app, { roles: ['SDK'], environment: 'development' }),
    );
    const updated = await timed('updateConfig', () =>
      updateConfig(app, { key: configKey, expectedVersion: 1, value: 'v2' }),
    );
    expect(updated.data?.updateConfig.config.value).toBe('v2');

    const graphql = await timed('evaluate', () => evaluate(app, 'development', configKey));
    expect(graphql.data?.evaluate).toEqual([{ value: 'v2' }]);
    const ofrep = await timed('OFREP evaluate', () => ofrepEvaluate(app, configKey, sdk.token));
    expect(ofrep.status).toBe(200);
    expect(await ofrep.json()).toMatchObject({ key: configKey, value: 'v2' });
  });

  it('registers the recurring schedules once Redis answers', async () => {
    await redis.start();
    const found = await eventually(
      async () => {
        const present = await schedulers(redis, app.env.REDIS_PREFIX);
        return present.length === SCHEDULES.length && present;
      },
      { what: 'the maintenance schedules', timeoutMs: 30_000 },
    );
    expect(found).toEqual(SCHEDULES);
    const ready = await eventually(
      async () => (await fetch(`${app.baseUrl}/health/ready`)).ok || undefined,
      { what: '/health/ready to pass' },
    );
    expect(ready).toBe(true);
  });

  it('subscribes to revocations and changes once Redis answers', async () => {
    // Another instance, on the same database and Redis, whose events reach `app` only by Redis.
    other = await startTestApp({ shareWith: app, env: { REDIS_URL: redis.url } });
    const revocations = `${app.env.REDIS_PREFIX}:api-keys.revoked`;
    await eventually(async () => (await subscribers(redis, revocations)) === 2, {
      what: 'both instances to subscribe to revocations',
      timeoutMs: 30_000,
    });
    const revoked = await other.gql(
      `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } } }`,
      { input: { id: sdk.id } },
    );
    expect(revoked.errors).toBeUndefined();
    const refused = await eventually(
      async () => (await ofrepEvaluate(app, configKey, sdk.token)).status === 401,
      { what: 'the revoked key to be refused', timeoutMs: 30_000 },
    );
    expect(refused).toBe(true);

    const updated = await updateConfig(other, { key: configKey, expectedVersion: 2, value: 'v3' });
    expect(updated.errors).toBeUndefined();
    const served = await eventually(
      async () => {
        const response = await evaluate(app, 'development', configKey);
        return response.data?.evaluate[0].value === 'v3' && response.data.evaluate;
      },
      { what: 'the change made on the other instance', timeoutMs: 30_000 },
    );
    expect(served).toEqual([{ value: 'v3' }]);
  });
});

/**
 * Shutdown with Redis down or just back: BullMQ's worker close waits for its blocking
 * connection to end, which a reconnecting ioredis connection never does (its pending
 * reconnection is cancelled), so app.close() hung for good.
 */
describeOwnRedis('shutting down while Redis is down', () => {
  const redis = new OwnRedis();

  afterAll(() => redis.stop());

  it.each([
    ['while Redis is down', false],
    ['right after Redis came back, its connections still reconnecting', true],
  ])('closes the app, workers included, %s', async (_, restart) => {
    await redis.start();
    const app = await startTestApp({ env: { REDIS_URL: redis.url } });
    await redis.stop();
    await eventually(async () => (await fetch(`${app.baseUrl}/health/ready`)).status === 503, {
      what: 'the app to see Redis down',
    });
    if (restart) await redis.start();
    // The old shutdown never ended, Redis back or not: timed() fails instead of hanging.
    await timed('shutdown', () => app.close());
  });
});
