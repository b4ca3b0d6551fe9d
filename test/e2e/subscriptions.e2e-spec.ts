import { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { DataSource } from 'typeorm';
import { EvaluationSnapshots } from '../../src/modules/evaluation/evaluation-snapshots.service';
import { eventually, hasPostgres, hasRedis, startTestApp, TestApp } from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const CONFIG_CHANGED = `subscription ($keys: [String!]) {
  configChanged(environment: "development", keys: $keys) {
    key action version revision config { value version } } }`;
const EVALUATIONS = `subscription ($context: JSON!, $keys: [String!], $since: Int) {
  evaluationsChanged(environment: "development", context: $context, keys: $keys, sinceRevision: $since) {
    revision full results { key value reason } } }`;

interface Update {
  revision: number;
  full: boolean;
  results: { key: string; value: unknown; reason: string }[];
}

let developmentId: string | undefined;

/** Subscriptions the app holds on the development environment. */
function watching(app: TestApp): number {
  return app.running.app.get(EvaluationSnapshots).watching(developmentId!);
}

describe('subscriptions over graphql-ws', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp();
    client = wsClient(app);
    const [row] = await app.running.app
      .get(DataSource)
      .query(`SELECT id FROM environment WHERE key = 'development'`);
    developmentId = row.id;
  });

  afterAll(async () => {
    await client.dispose();
    await app.close();
  });

  it('applies the HTTP limits to subscriptions too, with the HTTP error codes', async () => {
    const strict = await startTestApp({
      env: { GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COST: '20' },
    });
    const strictClient = wsClient(strict);
    try {
      const deep = subscribe(strictClient, CONFIG_CHANGED, {});
      await expect(deep.waitFor(1)).rejects.toThrow(/[Dd]epth/);
      const unknown = subscribe(strictClient, 'subscription { noSuchField }', {});
      await expect(unknown.waitFor(1)).rejects.toThrow(/GRAPHQL_VALIDATION_FAILED/);
      const costly = subscribe(
        strictClient,
        `subscription { configChanged(environment: "development") { ${'key '.repeat(30)}} }`,
      );
      await expect(costly.waitFor(1)).rejects.toThrow(
        /^subscription failed: \[\[\{"message":"[^"]*Cost limit of 20[^"]*","extensions":\{"code":"GRAPHQL_VALIDATION_FAILED"\}\}\]\]$/,
      );
    } finally {
      await strictClient.dispose();
      await strict.close();
    }
  });

  it('answers a syntax error or a document over the token limit with an error for that operation only', async () => {
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'production' });
    const socket = new WebSocket(
      `${app.baseUrl.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const received = (type: string, id?: string) =>
      eventually(async () => messages.find((m) => m.type === type && m.id === id), {
        what: `a ${type} message${id ? ` for ${id}` : ''}`,
      });
    await new Promise((resolve) => socket.once('open', resolve));
    const send = (message: object) => socket.send(JSON.stringify(message));
    try {
      send({ type: 'connection_init', payload: { authorization: `Bearer ${sdk.token}` } });
      await received('connection_ack');
      send({ id: '1', type: 'subscribe', payload: { query: 'subscription {' } });
      const syntax = await received('error', '1');
      expect(syntax.payload).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Syntax Error/),
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        }),
      ]);
      const long = `subscription { evaluationsChanged(context: {}) { ${'full '.repeat(6000)}} }`;
      send({ id: '2', type: 'subscribe', payload: { query: long } });
      const tokens = await received('error', '2');
      expect(tokens.payload).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/more \w+ 5000 tokens/),
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        }),
      ]);
      // Two operations and no operationName: which one to run cannot be told.
      const two =
        'subscription a { evaluationsChanged(context: {}) { full } } query b { me { id } }';
      send({ id: '4', type: 'subscribe', payload: { query: two } });
      const unnamed = await received('error', '4');
      expect(unnamed.payload).toEqual([
        expect.objectContaining({ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }),
      ]);
      const query = 'subscription { evaluationsChanged(context: {}) { full } }';
      send({ id: '3', type: 'subscribe', payload: { query } });
      const next = await received('next', '3');
      expect(next.payload).toEqual({ data: { evaluationsChanged: { full: true } } });
      expect(socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      socket.close();
      await closed;
    }
  });

  it('closes a connection that never sends connection_init (4408)', async () => {
    const socket = new WebSocket(
      `${app.baseUrl.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const code = await new Promise<number>((resolve) => socket.once('close', resolve));
    expect(code).toBe(4408);
  });

  it('caps connections per instance and subscriptions per connection', async () => {
    const small = await startTestApp({
      env: { WS_MAX_CONNECTIONS: '1', WS_MAX_SUBSCRIPTIONS: '1' },
    });
    const first = wsClient(small);
    const second = wsClient(small);
    try {
      const held = subscribe<Update>(first, EVALUATIONS, { context: {} });
      await held.waitFor(1);
      const extra = subscribe<Update>(first, EVALUATIONS, { context: {} });
      await expect(extra.waitFor(1)).rejects.toThrow(/RATE_LIMITED/);
      const closed = new Promise<number>((resolve) =>
        second.on('closed', (event) => resolve((event as { code: number }).code)),
      );
      subscribe<Update>(second, EVALUATIONS, { context: {} });
      expect(await closed).toBe(1013);
    } finally {
      await first.dispose();
      await second.dispose();
      await small.close();
    }
  });

  it('configChanged delivers each change of the listed keys', async () => {
    const watchers = watching(app);
    const config = await createConfig(app, { value: 'v1' });
    const other = await createConfig(app);
    const changes = subscribe<Record<string, unknown>>(client, CONFIG_CHANGED, {
      keys: [config.key],
    });
    // configChanged sends nothing first: wait until the server holds the subscription.
    await eventually(async () => watching(app) > watchers, { what: 'the subscription' });
    await updateConfig(app, { key: other.key, expectedVersion: 1, value: 'ignored' });
    await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'v2' });
    const [change] = await changes.waitFor(1);
    expect(change).toMatchObject({
      key: config.key,
      action: 'UPDATE',
      version: 2,
      config: { value: 'v2', version: 2 },
    });
    expect(changes.received).toHaveLength(1);
    changes.stop();
  });

  it('evaluationsChanged sends the full set, then only results that change for the context', async () => {
    const banner = await createConfig(app, { value: 'a' });
    const pro = await createConfig(app, {
      value: 'off',
      targetingRules: [
        {
          id: 'pro',
          condition: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
          value: 'pro',
        },
      ],
    });
    const keys = [banner.key, pro.key];
    const updates = subscribe<Update>(client, EVALUATIONS, {
      context: { user: { id: 'u1', plan: 'free' } },
      keys,
    });
    const [first] = await updates.waitFor(1);
    expect(first.full).toBe(true);
    expect(first.results.map((r) => [r.key, r.value])).toEqual([
      [banner.key, 'a'],
      [pro.key, 'off'],
    ]);
    // Changes this context does not see: the pro rule's value (it is on the free plan).
    await updateConfig(app, {
      key: pro.key,
      expectedVersion: 1,
      targetingRules: [
        {
          id: 'pro',
          condition: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
          value: 'pro-2',
        },
      ],
    });
    await updateConfig(app, { key: banner.key, expectedVersion: 1, value: 'b' });
    const [, second] = await updates.waitFor(2);
    expect(second).toMatchObject({ full: false, results: [{ key: banner.key, value: 'b' }] });
    expect(second.revision).toBeGreaterThan(first.revision);
    updates.stop();
  });

  it('starts with the full set and ends on the latest value when changes race the start', async () => {
    for (let round = 0; round < 5; round += 1) {
      const config = await createConfig(app, { value: 'v1' });
      const updates = subscribe<Update>(client, EVALUATIONS, {
        context: { user: { id: `race-${round}` } },
        keys: [config.key],
      });
      // Not waiting for the first message: the change lands before, during or after it.
      await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'v2' });
      const latest = () => updates.received.at(-1)?.results.at(-1)?.value;
      await eventually(async () => latest() === 'v2', { what: 'the latest value' });
      expect(updates.received[0].full).toBe(true);
      updates.stop();
    }
  });

  it('a reconnect with sinceRevision gets exactly what it missed, each once', async () => {
    const a = await createConfig(app, { value: 'a1' });
    const b = await createConfig(app, { value: 'b1' });
    const c = await createConfig(app, { value: 'c1' });
    const context = { user: { id: 'u2' } };
    const keys = [a.key, b.key, c.key];
    const before = subscribe<Update>(client, EVALUATIONS, { context, keys });
    const [{ revision }] = await before.waitFor(1);
    before.stop();

    await updateConfig(app, { key: a.key, expectedVersion: 1, value: 'a2' });
    await updateConfig(app, { key: a.key, expectedVersion: 2, value: 'a3' });
    await updateConfig(app, { key: b.key, expectedVersion: 1, description: 'same value' });
    await updateConfig(app, { key: c.key, expectedVersion: 1, value: 'c2' });

    const after = subscribe<Update>(client, EVALUATIONS, { context, keys, since: revision });
    const [missed] = await after.waitFor(1);
    expect(missed.full).toBe(false);
    expect(missed.results.map((r) => [r.key, r.value])).toEqual([
      [a.key, 'a3'],
      [c.key, 'c2'],
    ]);
    after.stop();

    const future = subscribe<Update>(client, EVALUATIONS, { context, keys, since: 1_000_000 });
    const [fresh] = await future.waitFor(1);
    expect(fresh).toMatchObject({ full: true });
    expect(fresh.results).toHaveLength(3);
    future.stop();
  });

  it('keeps sdk keys in their environment', async () => {
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'production' });
    const sdkClient = wsClient(app, sdk.token);
    const refused = subscribe<Update>(sdkClient, EVALUATIONS, { context: {} });
    await expect(refused.waitFor(1)).rejects.toThrow(/FORBIDDEN/);
    await sdkClient.dispose();
  });
});

const describeInstances = hasPostgres && hasRedis ? describe : describe.skip;

describeInstances('subscriptions across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let client: Client;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ shareWith: a });
    client = wsClient(b);
  });

  afterAll(async () => {
    await client.dispose();
    await b.close();
    await a.close();
  });

  it('a change made through one instance reaches a subscriber on the other', async () => {
    const config = await createConfig(a, { value: 'one' });
    const updates = subscribe<Update>(client, EVALUATIONS, {
      context: { user: { id: 'x' } },
      keys: [config.key],
    });
    await updates.waitFor(1);
    await updateConfig(a, { key: config.key, expectedVersion: 1, value: 'two' });
    const [, change] = await updates.waitFor(2);
    expect(change.results).toEqual([{ key: config.key, value: 'two', reason: 'FALLTHROUGH' }]);
    updates.stop();
  });
});
