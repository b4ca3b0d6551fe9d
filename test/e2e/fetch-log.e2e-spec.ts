import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { FetchLogRecorder, FetchLogRow } from '../../src/modules/fetch-log/fetch-log-recorder';
import { FetchLogSettings } from '../../src/modules/fetch-log/fetch-log-settings';
import { FetchLogService } from '../../src/modules/fetch-log/fetch-log.service';
import { PruneFetchLogJob } from '../../src/modules/fetch-log/jobs/prune-fetch-log.job';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import {
  errorCode,
  eventually,
  GraphQLResponse,
  hasPostgres,
  hasRedis,
  startTestApp,
  TestApp,
} from '../support/test-app';

/** The safety-net reload of sample rates never fires during this file: only events carry them. */
const NO_RELOAD_TIMER = { FETCH_LOG_RATES_RELOAD_MS: '3600000' };

const RECORD_FIELDS = `id configKey userId deviceId appVersion valueHash reason errorCode ruleId
  variant configVersion revision channel fetchedAt`;
const FETCH_LOG = `query ($environment: String!, $filter: ConfigFetchLogFilter, $first: Int, $after: String) {
  configFetchLog(environment: $environment, filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${RECORD_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const EVALUATE = `query ($environment: String, $context: JSON!, $keys: [String!]) {
  evaluate(environment: $environment, context: $context, keys: $keys) { key value reason } }`;
const UPDATE_ENVIRONMENT = `mutation ($input: UpdateEnvironmentInput!) {
  updateEnvironment(input: $input) { environment { key fetchLogSampleRate fetchLogRetentionDays } } }`;
const EXPLAIN_SERVED = `query ($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {
  explainServed(environment: $environment, key: $key, context: $context, at: $at) { fetchLogRecords } }`;

/** A record as the API returns it. */
type FetchRecord = Omit<FetchLogRow, 'environmentId' | 'fetchedAt'> & {
  id: string;
  fetchedAt: string;
};
type FetchLogPage = {
  configFetchLog: {
    edges: { cursor: string; node: FetchRecord }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

const sha256 = (json: string) => createHash('sha256').update(json).digest('hex');
let subjects = 0;
const uniqueId = (prefix: string) =>
  `${prefix}-${++subjects}-${Math.random().toString(36).slice(2)}`;

describe('fetch log', () => {
  let app: TestApp;
  let sdkToken: string;

  const fetchLog = (variables: Record<string, unknown>, token?: string | null) =>
    app.gql<FetchLogPage>(FETCH_LOG, { environment: 'development', ...variables }, token);
  const records = async (filter: Record<string, unknown>, environment = 'development') => {
    const response = await fetchLog({ environment, filter, first: 100 });
    expect(response.errors).toBeUndefined();
    return response.data!.configFetchLog.edges.map((edge) => edge.node);
  };
  const flush = () => app.running.app.get(FetchLogRecorder).flush();
  const setRate = async (environment: string, fetchLogSampleRate: number) => {
    const response = await app.gql(UPDATE_ENVIRONMENT, {
      input: { key: environment, fetchLogSampleRate },
    });
    expect(response.errors).toBeUndefined();
    await app.running.app.get(FetchLogSettings).refresh();
  };
  const evaluate = async (context: unknown, keys?: string[], environment = 'development') => {
    const response = await app.gql(EVALUATE, { environment, context, keys });
    expect(response.errors).toBeUndefined();
  };
  const ofrep = (path: string, body: unknown) =>
    fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sdkToken}` },
      body: JSON.stringify(body),
    });
  const db = () => app.running.app.get(DataSource);
  const insertRecord = (userId: string, key: string, age: string) =>
    db().query(
      `INSERT INTO config_fetch_log (environment_id, config_key, user_id, reason, config_version,
         revision, channel, fetched_at)
       SELECT id, $2, $1, 'DEFAULT', 1, 1, 'GRAPHQL', now() - $3::interval
       FROM environment WHERE key = 'development'`,
      [userId, key, age],
    );

  beforeAll(async () => {
    app = await startTestApp({ env: NO_RELOAD_TIMER });
    sdkToken = (await createApiKey(app, { roles: ['SDK'], environment: 'development' })).token;
    await setRate('development', 1);
    await setRate('production', 0);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('defaults to a 1% sample rate and 7 days of retention', async () => {
    const response = await app.gql<{ environments: Record<string, unknown>[] }>(
      '{ environments { key fetchLogSampleRate fetchLogRetentionDays } }',
    );
    const staging = await app.gql<{ createEnvironment: { environment: Record<string, unknown> } }>(
      `mutation { createEnvironment(input: {key: "fetch-log-defaults", name: "Defaults"}) {
         environment { fetchLogSampleRate fetchLogRetentionDays } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(staging.data!.createEnvironment.environment).toEqual({
      fetchLogSampleRate: 0.01,
      fetchLogRetentionDays: 7,
    });
  });

  it('records every config of a sampled GraphQL evaluate with the subject and the result', async () => {
    const key = uniqueKey('fetch.banner');
    const config = await createConfig(app, {
      key,
      value: 'blue',
      defaultValue: 'grey',
      targetingRules: [
        {
          id: 'beta',
          condition: { attribute: 'user.beta', operator: 'equals', value: true },
          value: 'purple',
        },
      ],
    });
    const missing = uniqueKey('fetch.missing');
    const userId = uniqueId('user');
    const context = {
      user: { id: userId, beta: true },
      device: { id: 'dev-1' },
      app: { version: '4.2.0' },
    };
    await evaluate(context, [key, missing]);
    expect(await records({ userId })).toEqual([]);
    await flush();

    const found = await records({ userId });
    const byKey = new Map(found.map((r) => [r.configKey, r]));
    expect(found).toHaveLength(2);
    expect(byKey.get(key)).toMatchObject({
      userId,
      deviceId: 'dev-1',
      appVersion: '4.2.0',
      valueHash: sha256('"purple"'),
      reason: 'TARGETING_MATCH',
      errorCode: null,
      ruleId: 'beta',
      variant: null,
      configVersion: config.version,
      revision: expect.any(Number),
      channel: 'GRAPHQL',
    });
    expect(byKey.get(missing)).toMatchObject({
      valueHash: null,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      configVersion: 0,
    });
  });

  it('records OFREP single and bulk evaluations, the targeting key as the user id', async () => {
    const key = uniqueKey('fetch.ofrep');
    await createConfig(app, { key, value: 'on', defaultValue: 'off' });
    const userId = uniqueId('ofrep');
    expect((await ofrep(`/${key}`, { context: { targetingKey: userId } })).status).toBe(200);
    expect((await ofrep('', { context: { targetingKey: userId } })).status).toBe(200);
    await flush();

    const configCount = Number(
      (
        await db().query(
          `SELECT count(*) AS n FROM business_config c JOIN environment e ON e.id = c.environment_id
           WHERE e.key = 'development'`,
        )
      )[0].n,
    );
    const found = await records({ userId });
    expect(found.every((r) => r.channel === 'OFREP')).toBe(true);
    // The single flag, then every config of the environment.
    expect(found).toHaveLength(1 + configCount);
    expect(found.filter((r) => r.configKey === key)).toHaveLength(2);
    expect(found.find((r) => r.configKey === key)).toMatchObject({
      valueHash: sha256('"on"'),
      reason: 'FALLTHROUGH',
    });
  });

  it('records nothing in an environment whose sample rate is 0', async () => {
    const key = uniqueKey('fetch.off');
    await createConfig(app, { environment: 'production', key });
    const userId = uniqueId('off');
    for (let i = 0; i < 20; i++) await evaluate({ user: { id: userId } }, [key], 'production');
    await flush();
    expect(await records({ userId }, 'production')).toEqual([]);
    const [{ n }] = await db().query(
      'SELECT count(*)::int AS n FROM config_fetch_log WHERE user_id = $1',
      [userId],
    );
    expect(n).toBe(0);
  });

  it('applies a changed sample rate in every process, without a reload timer', async () => {
    // With Redis, another process on the same data; embedded, the one process.
    const other = hasRedis ? await startTestApp({ shareWith: app, env: NO_RELOAD_TIMER }) : app;
    try {
      const key = uniqueKey('fetch.event');
      await createConfig(app, { environment: 'production', key });
      const userId = uniqueId('event');
      const response = await app.gql(UPDATE_ENVIRONMENT, {
        input: { key: 'production', fetchLogSampleRate: 1 },
      });
      expect(response.errors).toBeUndefined();
      await eventually(
        async () => {
          const evaluated = await other.gql(EVALUATE, {
            environment: 'production',
            context: { user: { id: userId } },
            keys: [key],
          });
          expect(evaluated.errors).toBeUndefined();
          await other.running.app.get(FetchLogRecorder).flush();
          return (await records({ userId }, 'production')).length > 0;
        },
        // Far inside the old 10 s poll, far beyond a publish and one query.
        { timeoutMs: 5000, what: 'the other process to sample production at rate 1' },
      );
    } finally {
      await setRate('production', 0);
      if (other !== app) await other.close();
    }
  });

  it('filters by key, user, device and time, and pages newest first without repeats', async () => {
    const key = uniqueKey('fetch.paged');
    const other = uniqueKey('fetch.other');
    await createConfig(app, { key });
    await createConfig(app, { key: other });
    const userId = uniqueId('paged');
    const start = new Date();
    for (let i = 0; i < 5; i++) {
      await evaluate({ user: { id: userId }, device: { id: `device-${i}` } }, [key, other]);
      await flush();
    }

    expect(await records({ userId })).toHaveLength(10);
    expect(await records({ userId, deviceId: 'device-3' })).toHaveLength(2);
    expect(
      await records({ userId, key, from: new Date(Date.now() + 60_000).toISOString() }),
    ).toEqual([]);
    expect(
      await records({
        userId,
        key,
        from: start.toISOString(),
        to: new Date(Date.now() + 1000).toISOString(),
      }),
    ).toHaveLength(5);

    const seen: FetchRecord[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response: GraphQLResponse<FetchLogPage> = await fetchLog({
        filter: { userId, key },
        first: 2,
        after,
      });
      expect(response.errors).toBeUndefined();
      const { edges, pageInfo } = response.data!.configFetchLog;
      seen.push(...edges.map((edge) => edge.node));
      expect(pageInfo.hasNextPage).toBe(page < 2);
      after = pageInfo.endCursor;
    }
    expect(seen.map((r) => r.deviceId)).toEqual([4, 3, 2, 1, 0].map((i) => `device-${i}`));
    expect(new Set(seen.map((r) => r.id)).size).toBe(5);
  });

  it('refuses bad filters, page sizes, cursors and settings with BAD_USER_INPUT naming the field', async () => {
    const inverted = await fetchLog({
      filter: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    });
    expect(errorCode(inverted)).toBe('BAD_USER_INPUT');
    expect(inverted.errors![0].extensions!.validationErrors).toEqual([
      expect.objectContaining({ path: 'filter.to', rule: 'afterFrom' }),
    ]);
    const equal = await fetchLog({
      filter: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    });
    expect(errorCode(equal)).toBe('BAD_USER_INPUT');
    expect(errorCode(await fetchLog({ first: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await fetchLog({ first: 101 }))).toBe('BAD_USER_INPUT');
    const cursor = await fetchLog({ after: 'nonsense' });
    expect(errorCode(cursor)).toBe('BAD_USER_INPUT');
    const notATime = await fetchLog({
      after: Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url'),
    });
    expect(errorCode(notATime)).toBe('BAD_USER_INPUT');
    const notAnId = await fetchLog({
      after: Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'x'])).toString('base64url'),
    });
    expect(errorCode(notAnId)).toBe('BAD_USER_INPUT');
    const ancient = await fetchLog({ filter: { from: '-005000-01-01T00:00:00Z' } });
    expect(ancient.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      validationErrors: [expect.objectContaining({ path: 'filter.from', rule: 'dateRange' })],
    });
    expect(errorCode(await fetchLog({ filter: { userId: 'x'.repeat(257) } }))).toBe(
      'BAD_USER_INPUT',
    );
    for (const input of [
      { fetchLogSampleRate: 1.5 },
      { fetchLogSampleRate: -0.1 },
      { fetchLogRetentionDays: 0 },
    ]) {
      const response = await app.gql(UPDATE_ENVIRONMENT, {
        input: { key: 'development', ...input },
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    }
  });

  it('lets viewers and up read, a scoped key only in its environment', async () => {
    const viewer = await createApiKey(app, { roles: ['VIEWER'] });
    const scoped = await createApiKey(app, { roles: ['EDITOR'], environment: 'production' });
    expect((await fetchLog({}, viewer.token)).errors).toBeUndefined();
    expect((await fetchLog({ environment: 'production' }, scoped.token)).errors).toBeUndefined();
    expect(errorCode(await fetchLog({}, scoped.token))).toBe('FORBIDDEN');
    expect(errorCode(await fetchLog({}, sdkToken))).toBe('FORBIDDEN');
    expect(errorCode(await fetchLog({}, null))).toBe('UNAUTHENTICATED');
    const setByViewer = await app.gql(
      UPDATE_ENVIRONMENT,
      { input: { key: 'development', fetchLogSampleRate: 0 } },
      viewer.token,
    );
    expect(errorCode(setByViewer)).toBe('FORBIDDEN');
  });

  it("gives explainServed the subject's records of the key within an hour of the time", async () => {
    const key = uniqueKey('fetch.explained');
    await createConfig(app, { key, value: 'on' });
    const userId = uniqueId('explained');
    await evaluate({ user: { id: userId } }, [key]);
    await evaluate({ device: { id: `${userId}-device` } }, [key]);
    await evaluate({ user: { id: uniqueId('someone-else') } }, [key]);
    await flush();
    await insertRecord(userId, key, '3 hours');

    const explain = (context: unknown) =>
      app.gql<{ explainServed: { fetchLogRecords: FetchRecord[] | null } }>(EXPLAIN_SERVED, {
        environment: 'development',
        key,
        context,
        at: new Date().toISOString(),
      });
    const byUser = await explain({ user: { id: userId } });
    expect(byUser.errors).toBeUndefined();
    expect(byUser.data!.explainServed.fetchLogRecords).toEqual([
      expect.objectContaining({
        configKey: key,
        userId,
        reason: 'FALLTHROUGH',
        channel: 'GRAPHQL',
      }),
    ]);
    const byEither = await explain({ user: { id: userId }, device: { id: `${userId}-device` } });
    expect(byEither.data!.explainServed.fetchLogRecords).toHaveLength(2);
    const nobody = await explain({ user: { id: uniqueId('never') } });
    expect(nobody.data!.explainServed.fetchLogRecords).toEqual([]);
  });

  it("reads one key's records by an index of the key, not by scanning the environment's", async () => {
    // The config page's "Fetch log of this config" filters by key alone: by the time index,
    // a rare key meant reading every record of the environment (a week at 1% of 200 req/s
    // is over a million) to find a page of it.
    const common = uniqueKey('fetch.common');
    const rare = uniqueKey('fetch.rare');
    await db().query(
      `INSERT INTO config_fetch_log (environment_id, config_key, reason, config_version,
         revision, channel, fetched_at)
       SELECT e.id, CASE WHEN i % 1000 = 0 THEN $2 ELSE $1 END, 'DEFAULT', 1, 1, 'GRAPHQL',
              now() - i * interval '1 second'
       FROM environment e, generate_series(1, 5000) AS i WHERE e.key = 'development'`,
      [common, rare],
    );
    await db().query('ANALYZE config_fetch_log');
    const plan: { 'QUERY PLAN': string }[] = await db().query(
      `EXPLAIN SELECT * FROM config_fetch_log f
       WHERE f.environment_id = (SELECT id FROM environment WHERE key = 'development')
         AND f.config_key = $1
       ORDER BY f.fetched_at DESC, f.id DESC LIMIT 51`,
      [rare],
    );
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('ix_config_fetch_log_key');
    expect((await records({ key: rare })).map((r) => r.configKey)).toEqual(Array(5).fill(rare));
  });

  it("prunes records older than the environment's retention in batches, keeping newer ones", async () => {
    const key = uniqueKey('fetch.pruned');
    const userId = uniqueId('pruned');
    for (let i = 0; i < 5; i++) await insertRecord(userId, key, '8 days');
    await insertRecord(userId, key, '6 days');
    const outcome = await app.running.app.get(FetchLogService).prune(2);
    expect(outcome.deleted).toBeGreaterThanOrEqual(5);
    // 2 + 2 + 1 in development; at least one statement per other environment.
    expect(outcome.batches).toBeGreaterThanOrEqual(3 + 2);
    expect(await records({ userId })).toHaveLength(1);

    const response = await app.gql(UPDATE_ENVIRONMENT, {
      input: { key: 'development', fetchLogRetentionDays: 5 },
    });
    expect(response.errors).toBeUndefined();
    await app.running.app.get(JobQueue).add(PruneFetchLogJob, { batchSize: 2 });
    await eventually(async () => (await records({ userId })).length === 0, {
      what: 'the 6-day-old record to be pruned once retention is 5 days',
    });
  });

  (hasPostgres ? it : it.skip)(
    'writes the buffered records when a process shuts down',
    async () => {
      const other = await startTestApp({ shareWith: app });
      const userId = uniqueId('shutdown');
      const response = await other.gql(EVALUATE, {
        environment: 'development',
        context: { user: { id: userId } },
      });
      expect(response.errors).toBeUndefined();
      await other.close();
      expect((await records({ userId })).length).toBeGreaterThan(0);
    },
  );
});
