import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { QueueName } from '../../src/core/queue/queue-name';
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
const SCHEDULES = ['maintenance:prune-outbox', 'maintenance:prune-revoked-api-keys'];

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

  it('commits a config write', async () => {
    const response = await timed('updateConfig', () =>
      updateConfig(writer, {
        environment: subscribed,
        key: subscribedKey,
        expectedVersion: 1,
        value: 'v2',
      }),
    );
    expect(response.data?.updateConfig.config.value).toBe('v2');
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
