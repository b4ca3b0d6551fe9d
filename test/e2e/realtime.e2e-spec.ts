import { DataSource } from 'typeorm';
import { PubSub } from '../../src/core/pubsub/pub-sub';
import { changesChannel, ConfigChangedEvent } from '../../src/modules/configs/config-change-events';
import { GAP_TIMEOUT_MS } from '../../src/modules/evaluation/evaluation-snapshots.service';
import { OutboxRelay } from '../../src/modules/realtime/outbox-relay.service';
import { createConfig, updateConfig } from '../factories/config.factory';
import { eventually, hasPostgres, hasRedis, startTestApp, TestApp } from '../support/test-app';
import { Client } from 'graphql-ws';
import { hasRedisServer, OwnRedis } from '../support/own-redis';
import { subscribe, wsClient } from '../support/ws-client';

const EVALUATE = `query ($keys: [String!]) {
  evaluate(environment: "development", context: {}, keys: $keys) { value version } }`;

async function served(app: TestApp, key: string): Promise<{ value: unknown; version: number }> {
  const response = await app.gql<{ evaluate: { value: unknown; version: number }[] }>(EVALUATE, {
    keys: [key],
  });
  return response.data!.evaluate[0];
}

async function environmentId(app: TestApp): Promise<string> {
  const [row] = await app.running.app
    .get(DataSource)
    .query(`SELECT id FROM environment WHERE key = 'development'`);
  return row.id;
}

/** Records every change event published for an environment, through the app's own PubSub. */
async function listen(app: TestApp, environment: string) {
  const received: ConfigChangedEvent[] = [];
  const unsubscribe = await app.running.app
    .get(PubSub)
    .subscribe(changesChannel(environment), (message) =>
      received.push(message as ConfigChangedEvent),
    );
  return { received, unsubscribe };
}

describe('outbox relay', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { OUTBOX_SWEEP_MS: '200' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('publishes each committed change on its environment channel and marks it published', async () => {
    const environment = await environmentId(app);
    const { received, unsubscribe } = await listen(app, environment);
    const config = await createConfig(app, { value: 'v1' });
    await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'v2' });
    const events = await eventually(
      async () => received.filter((e) => e.key === config.key).length === 2 && received,
      { what: 'two change events' },
    );
    const mine = events.filter((e) => e.key === config.key);
    expect(mine.map((e) => [e.action, e.version, (e.state as { value: unknown }).value])).toEqual([
      ['create', 1, 'v1'],
      ['update', 2, 'v2'],
    ]);
    expect(mine[1].revision).toBe(mine[0].revision + 1);
    const db = app.running.app.get(DataSource);
    await eventually(
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM outbox_event WHERE payload->>'configId' = $1 AND published_at IS NULL`,
            [config.id],
          )
        )[0].n === 0,
      { what: 'rows marked published' },
    );
    await unsubscribe();
  });

  it('relays rows that no commit woke it for (an instance died before publishing)', async () => {
    const config = await createConfig(app, { value: 'before' });
    expect((await served(app, config.key)).value).toBe('before');
    const db = app.running.app.get(DataSource);
    const environment = await environmentId(app);
    // What a crashed instance leaves behind: the change committed, its outbox row unpublished.
    const [[{ revision }]] = await db.query(
      `UPDATE environment SET revision = revision + 1 WHERE id = $1 RETURNING revision::int`,
      [environment],
    );
    await db.query(`UPDATE business_config SET value = '"after"', version = 2 WHERE id = $1`, [
      config.id,
    ]);
    const state = { ...(await stateOf(app, config.key)), value: 'after' };
    await db.query(
      `INSERT INTO outbox_event (environment_id, revision, type, payload) VALUES ($1, $2, 'config.changed', $3)`,
      [
        environment,
        revision,
        JSON.stringify({
          configId: config.id,
          key: config.key,
          action: 'update',
          version: 2,
          state,
        }),
      ],
    );
    await eventually(async () => (await served(app, config.key)).value === 'after', {
      what: 'the swept event to be served',
    });
  });

  it('reloads an environment when a revision stays missing', async () => {
    const config = await createConfig(app, { value: 'old' });
    expect((await served(app, config.key)).value).toBe('old');
    const db = app.running.app.get(DataSource);
    const environment = await environmentId(app);
    // A change whose event is lost: in the database, but never published.
    const [[{ revision }]] = await db.query(
      `UPDATE environment SET revision = revision + 1 WHERE id = $1 RETURNING revision::int`,
      [environment],
    );
    await db.query(`UPDATE business_config SET value = '"new"', version = 2 WHERE id = $1`, [
      config.id,
    ]);
    // The next change arrives: the instance now knows it missed one.
    await app.running.app.get(PubSub).publish(changesChannel(environment), {
      environmentId: environment,
      revision: revision + 1,
      configId: config.id,
      key: 'some.other.key',
      action: 'delete',
      version: 1,
      state: null,
    } satisfies ConfigChangedEvent);
    await eventually(async () => (await served(app, config.key)).value === 'new', {
      what: 'the reload after the gap',
      timeoutMs: GAP_TIMEOUT_MS * 5,
    });
  });
});

async function stateOf(app: TestApp, key: string): Promise<Record<string, unknown>> {
  const response = await app.gql<{ config: Record<string, unknown> }>(
    `query ($key: String!) { config(environment: "development", key: $key) {
      key description valueType value defaultValue targetingRules rolloutPercentage stickiness
      minValue maxValue minLength maxLength pattern allowedValues validationSchema
      deploymentStrategy deploymentConfig archivedAt } }`,
    { key },
  );
  const { archivedAt, valueType, deploymentStrategy, ...rest } = response.data!.config;
  return {
    ...rest,
    valueType: String(valueType).toLowerCase(),
    deploymentStrategy: String(deploymentStrategy).toLowerCase(),
    archived: archivedAt !== null,
  };
}

const describeInstances = hasPostgres && hasRedis ? describe : describe.skip;
if (!hasPostgres || !hasRedis) {
  console.warn('Two-instance relay tests skipped: set DATABASE_URL and REDIS_URL to run them');
}

describeInstances('two api instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ shareWith: a });
  });

  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('serves on one instance a change made through the other', async () => {
    const config = await createConfig(a, { value: 'one' });
    await eventually(async () => (await served(b, config.key))?.value === 'one', {
      what: 'the create on b',
    });
    await updateConfig(a, { key: config.key, expectedVersion: 1, value: 'two' });
    await eventually(async () => (await served(b, config.key)).value === 'two', {
      what: 'the update on b',
    });
  });

  it('never publishes a row twice when both relay at once', async () => {
    const environment = await environmentId(a);
    const { received, unsubscribe } = await listen(a, environment);
    const db = a.running.app.get(DataSource);
    const [[{ revision }]] = await db.query(
      `UPDATE environment SET revision = revision + 250 WHERE id = $1 RETURNING revision::int`,
      [environment],
    );
    const first = revision - 249;
    await db.query(
      `INSERT INTO outbox_event (environment_id, revision, type, payload)
       SELECT $1, r, 'config.changed', jsonb_build_object('configId', gen_random_uuid(), 'key', 'relay.' || r, 'action', 'delete', 'version', 1, 'state', null)
       FROM generate_series($2::int, $3::int) AS r`,
      [environment, first, revision],
    );
    await Promise.all([
      a.running.app.get(OutboxRelay).wake(),
      b.running.app.get(OutboxRelay).wake(),
    ]);
    // Both relays are done; a marker published after them arrives after anything they sent.
    await a.running.app.get(PubSub).publish(changesChannel(environment), { key: 'marker' });
    await eventually(async () => received.some((e) => e.key === 'marker'), { what: 'the marker' });
    const relayed = received.filter((e) => e.key.startsWith('relay.'));
    const revisions = relayed.map((e) => e.revision);
    expect(new Set(revisions).size).toBe(250);
    expect(revisions.length).toBe(250);
    await unsubscribe();
  });
});

/** evaluationsChanged for one key, as `{results: [{value}]}` messages. */
function watchValue(client: Client, key: string) {
  return subscribe<{ results: { value: unknown }[] }>(
    client,
    `subscription ($keys: [String!]) {
      evaluationsChanged(environment: "development", context: {}, keys: $keys) { results { value } } }`,
    { keys: [key] },
  );
}

const describeOwnRedis =
  hasPostgres && hasRedis && hasRedisServer('Redis restart test') ? describe : describe.skip;

describeOwnRedis('Redis stopped and started again', () => {
  const redis = new OwnRedis(20_000 + Math.floor(Math.random() * 10_000));
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    await redis.start();
    a = await startTestApp({ env: { REDIS_URL: redis.url, OUTBOX_SWEEP_MS: '200' } });
    b = await startTestApp({ shareWith: a, env: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    await b.close();
    await a.close();
    await redis.stop();
  });

  it('subscribers resume and no change is lost', async () => {
    const config = await createConfig(a, { value: 'v1' });
    const client = wsClient(b);
    try {
      const updates = watchValue(client, config.key);
      await updates.waitFor(1);
      await redis.stop();
      // Committed while Redis is down: the relay cannot publish it yet.
      await updateConfig(a, { key: config.key, expectedVersion: 1, value: 'v2' });
      await redis.start();
      const [, missed] = await updates.waitFor(2, 30_000);
      expect(missed.results).toEqual([{ value: 'v2' }]);
      // Delivered once: the next message is the next change, not v2 again.
      await updateConfig(a, { key: config.key, expectedVersion: 2, value: 'v3' });
      const messages = await updates.waitFor(3, 30_000);
      expect(messages.map((m) => m.results[0].value)).toEqual(['v1', 'v2', 'v3']);
    } finally {
      await client.dispose();
    }
  });

  it('an instance that reconnects reloads what it missed, even with nothing left to relay', async () => {
    const own = new OwnRedis(redis.port + 1);
    await own.start();
    // No relay anywhere: a change made while Redis is down is never published, so only the
    // reload on reconnect can bring it to b's subscriber.
    const quiet = { REDIS_URL: own.url, OUTBOX_RELAY: 'false' };
    const writer = await startTestApp({ env: quiet });
    const reader = await startTestApp({ shareWith: writer, env: quiet });
    const client = wsClient(reader);
    try {
      const config = await createConfig(writer, { value: 'v1' });
      const updates = watchValue(client, config.key);
      await updates.waitFor(1);
      await own.stop();
      await updateConfig(writer, { key: config.key, expectedVersion: 1, value: 'v2' });
      await own.start();
      const [, reloaded] = await updates.waitFor(2, 30_000);
      expect(reloaded.results).toEqual([{ value: 'v2' }]);
    } finally {
      await client.dispose();
      await reader.close();
      await writer.close();
      await own.stop();
    }
  });
});
