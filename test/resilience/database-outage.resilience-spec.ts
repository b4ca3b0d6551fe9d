import { Client } from 'graphql-ws';
import { createApiKey, CreatedKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { ProxyMode, TcpProxy } from '../support/tcp-proxy';
import {
  describeWithRedis,
  errorCode,
  eventually,
  GraphQLResponse,
  hasPostgres,
  startTestApp,
  TestApp,
} from '../support/test-app';
import { connectionInit, subscribe, Subscription, wsClient } from '../support/ws-client';

const EVALUATE = `query ($context: JSON!, $keys: [String!]) {
  evaluate(environment: "development", context: $context, keys: $keys) { key value } }`;
const EVALUATIONS = `subscription ($context: JSON!, $keys: [String!]) {
  evaluationsChanged(environment: "development", context: $context, keys: $keys) {
    revision full results { key value } } }`;
const REVOKE = `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`;

interface Update {
  revision: number;
  full: boolean;
  results: { key: string; value: unknown }[];
}

/** Short cache TTLs and database deadlines, so an outage outlives them within a test. */
const FAULT_ENV = {
  AUTH_CACHE_TTL_MS: '300',
  AUTH_NEGATIVE_CACHE_TTL_MS: '60000',
  DB_STATEMENT_TIMEOUT_MS: '1500',
  DB_CONNECT_TIMEOUT_MS: '1000',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const describeWithPostgres = hasPostgres ? describe : describe.skip;

/** An app whose every database connection goes through a TCP proxy the test can break. */
async function startProxiedApp(
  proxy: TcpProxy,
  options: { shareWith?: TestApp } = {},
): Promise<TestApp> {
  return startTestApp({
    ...options,
    routeDatabase: (url) => proxy.url(url),
    env: FAULT_ENV,
  });
}

type Indicators = Record<string, { status: string; message?: string }>;

/** Terminus's report: `error` holds the dependencies that are down, `details` all of them. */
interface Readiness {
  status: string;
  error?: Indicators;
  details?: Indicators;
}

async function readiness(app: TestApp): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${app.baseUrl}/health/ready`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

/** Waits until the app itself sees the database down (or up again). */
async function untilDatabase(app: TestApp, state: 'up' | 'down'): Promise<void> {
  await eventually(async () => (await readiness(app)).body.details?.database?.status === state, {
    timeoutMs: 30_000,
    what: `database ${state}`,
  });
}

describeWithPostgres('a PostgreSQL outage', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  let sdk: CreatedKey;
  let keys: string[];
  let version = 1;
  const context = { user: { id: 'u1' } };

  const evaluate = (token: string) =>
    app.gql<{ evaluate: { key: string; value: unknown }[] }>(EVALUATE, { context, keys }, token);
  const ofrep = (token: string) =>
    fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags/${keys[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ context: { targetingKey: 'u1' } }),
    });
  const outage = async (mode: ProxyMode) => {
    await proxy.setMode(mode);
    await untilDatabase(app, 'down');
  };

  beforeAll(async () => {
    proxy = await TcpProxy.start();
    app = await startProxiedApp(proxy);
    sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    keys = [(await createConfig(app, { value: 'before' })).key];
  });

  afterEach(async () => {
    await proxy.setMode('forward');
    await untilDatabase(app, 'up');
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
  });

  it.each<ProxyMode>(['refuse', 'blackhole'])(
    'keeps evaluating over GraphQL and OFREP and keeps subscriptions open (%s)',
    async (mode) => {
      expect((await evaluate(sdk.token)).data?.evaluate).toEqual([
        { key: keys[0], value: 'before' },
      ]);
      expect((await ofrep(sdk.token)).status).toBe(200);
      const client: Client = wsClient(app, sdk.token);
      const updates: Subscription<Update> = subscribe<Update>(client, EVALUATIONS, {
        context,
        keys,
      });
      await updates.waitFor(1);

      await outage(mode);
      // Several cache lifetimes pass: each evaluation now finds its key expired.
      for (let round = 0; round < 5; round += 1) {
        await sleep(Number(FAULT_ENV.AUTH_CACHE_TTL_MS));
        const [graphql, rest] = await Promise.all([evaluate(sdk.token), ofrep(sdk.token)]);
        expect(graphql.errors).toBeUndefined();
        expect(graphql.data?.evaluate).toEqual([{ key: keys[0], value: 'before' }]);
        expect(rest.status).toBe(200);
        expect(await rest.json()).toMatchObject({ key: keys[0], value: 'before' });
      }
      // A new connection authenticates from memory too.
      const late = wsClient(app, sdk.token);
      const lateUpdates = subscribe<Update>(late, EVALUATIONS, { context, keys });
      await lateUpdates.waitFor(1);
      expect(updates.errors).toEqual([]);

      await proxy.setMode('forward');
      await untilDatabase(app, 'up');
      // The subscription opened before the outage is still live.
      const value = `after ${mode}`;
      expect(
        (await updateConfig(app, { key: keys[0], value, expectedVersion: version++ })).errors,
      ).toBeUndefined();
      const received = await updates.waitFor(2, 30_000);
      expect(received.at(-1)!.results).toEqual([{ key: keys[0], value }]);
      await updateConfig(app, { key: keys[0], value: 'before', expectedVersion: version++ });
      await client.dispose();
      await late.dispose();
    },
  );

  it.each<ProxyMode>(['refuse', 'blackhole'])(
    'fails a write fast with SERVICE_UNAVAILABLE (%s)',
    async (mode) => {
      await outage(mode);
      const started = Date.now();
      const response = await app.gql(
        `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { key } } }`,
        {
          input: {
            environment: 'development',
            key: `during-${mode}`,
            valueType: 'STRING',
            value: 'x',
            defaultValue: 'x',
          },
        },
      );
      const elapsed = Date.now() - started;
      expect(errorCode(response)).toBe('SERVICE_UNAVAILABLE');
      expect(response.errors?.[0].extensions).toMatchObject({ dependency: 'database' });
      console.log(`write during a database outage (${mode}) failed after ${elapsed} ms`);
    },
  );

  it('answers OFREP with 503 and Retry-After, GraphQL with SERVICE_UNAVAILABLE and websockets with 1013 when a key cannot be checked', async () => {
    const unchecked = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    await outage('refuse');
    const response = await ofrep(unchecked.token);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/));
    expect(errorCode((await evaluate(unchecked.token)) as GraphQLResponse)).toBe(
      'SERVICE_UNAVAILABLE',
    );
    // A websocket is told to come back later, not that its key is wrong.
    const closed = await connectionInit(app, `Bearer ${unchecked.token}`);
    expect(closed).toEqual({
      kind: 'closed',
      code: 1013,
      reason: expect.stringContaining('SERVICE_UNAVAILABLE'),
    });
  });

  it('still refuses a key revoked before the outage', async () => {
    const doomed = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    expect((await evaluate(doomed.token)).errors).toBeUndefined();
    expect((await app.gql(REVOKE, { input: { id: doomed.id } })).errors).toBeUndefined();
    await outage('refuse');
    await sleep(Number(FAULT_ENV.AUTH_CACHE_TTL_MS));
    expect(errorCode(await evaluate(doomed.token))).toBe('UNAUTHENTICATED');
    expect((await ofrep(doomed.token)).status).toBe(401);
  });

  it('says in /health/ready that the database is the dependency down', async () => {
    await outage('blackhole');
    const { status, body } = await readiness(app);
    expect(status).toBe(503);
    expect(body.error).toEqual({ database: expect.objectContaining({ status: 'down' }) });
    expect(body.details?.redis.status).toBe('up');
  });
});

describeWithRedis('a revocation during a PostgreSQL outage', () => {
  let proxy: TcpProxy;
  let direct: TestApp;
  let cutOff: TestApp;

  beforeAll(async () => {
    proxy = await TcpProxy.start();
    direct = await startTestApp();
    cutOff = await startProxiedApp(proxy, { shareWith: direct });
  });

  afterAll(async () => {
    await cutOff?.close();
    await direct?.close();
    await proxy?.close();
  });

  it('reaches an instance that cannot ask the database, through pub/sub', async () => {
    const key = (await createConfig(direct, { value: 'on' })).key;
    const sdk = await createApiKey(direct, { roles: ['SDK'], environment: 'development' });
    const evaluate = () =>
      cutOff.gql(EVALUATE, { context: {}, keys: [key] }, sdk.token) as Promise<GraphQLResponse>;
    await eventually(async () => (await evaluate()).errors === undefined, {
      what: 'the other instance to serve the new config',
    });

    await proxy.setMode('refuse');
    await untilDatabase(cutOff, 'down');
    await sleep(Number(FAULT_ENV.AUTH_CACHE_TTL_MS));
    expect((await evaluate()).errors).toBeUndefined();

    expect((await direct.gql(REVOKE, { input: { id: sdk.id } })).errors).toBeUndefined();
    await eventually(async () => errorCode(await evaluate()) === 'UNAUTHENTICATED', {
      what: 'the revocation to reach the cut-off instance',
    });
    await proxy.setMode('forward');
  });
});
