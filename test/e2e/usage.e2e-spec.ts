import { execFileSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { RollupUsageJob } from '../../src/modules/usage/jobs/rollup-usage.job';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
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
import { startServiceProcess, stopServiceProcesses } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { countsOf, flushedCountsOf as flushedCounts, UsageCounts } from '../support/usage-counts';
import { subscribe, wsClient } from '../support/ws-client';

const EVALUATE = `query ($keys: [String!], $context: JSON!) {
  evaluate(environment: "development", context: $context, keys: $keys) { key reason } }`;
const REPORT = `mutation ($input: ReportUsageInput!) {
  reportUsage(input: $input) { batchId accepted rejected { index key errorCode } } }`;

function entry(key: string, overrides: Record<string, unknown> = {}) {
  const end = Date.now() - 1000;
  return {
    key,
    evaluations: 10,
    cacheHits: 7,
    cacheMisses: 3,
    errors: [{ code: 'TYPE_MISMATCH', count: 2 }],
    periodStart: new Date(end - 60_000).toISOString(),
    periodEnd: new Date(end).toISOString(),
    ...overrides,
  };
}

let batchSequence = 0;
function report(entries: unknown[], overrides: Record<string, unknown> = {}) {
  batchSequence += 1;
  return {
    batchId: `batch-${Date.now()}-${batchSequence}`,
    sdk: { name: 'test-sdk', version: '1.0.0' },
    entries,
    ...overrides,
  };
}

describe('usage metrics', () => {
  let app: TestApp;
  let db: DataSource;
  let sdkToken: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: { USAGE_FLUSH_MS: '100', USAGE_PROMETHEUS_TOP_KEYS: '50', USAGE_ROLLUP_MS: '3600000' },
    });
    db = app.running.app.get(DataSource);
    sdkToken = (await createApiKey(app, { roles: ['SDK'], environment: 'development' })).token;
  });

  afterAll(async () => {
    await app.close();
  });

  const ofrep = (path: string, body: unknown) =>
    fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sdkToken}` },
      body: JSON.stringify(body),
    });

  const reportOverHttp = (body: unknown, token: string | null = sdkToken) =>
    fetch(`${app.baseUrl}/v1/usage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  const flushedCountsOf = (key: string, granularity = 'minute') =>
    flushedCounts(app, key, granularity);
  const expectCounts = async (key: string, expected: UsageCounts) =>
    expect(await flushedCountsOf(key)).toEqual(expected);

  it('writes the counts every USAGE_FLUSH_MS unasked', async () => {
    const config = await createConfig(app);
    await app.gql(EVALUATE, { keys: [config.key], context: { user: { id: 'x' } } }, sdkToken);
    const counts = await eventually(
      async () => (await countsOf(db, config.key))['evaluations/graphql'],
      { what: 'the timer to write the counts' },
    );
    expect(counts).toBe(1);
  });

  it('counts evaluations per channel with what was served and why, once flushed', async () => {
    const key = uniqueKey('usage');
    await createConfig(app, {
      key,
      targetingRules: [
        {
          id: 'dutch',
          condition: { attribute: 'user.country', operator: 'equals', value: 'NL' },
          value: 'dutch',
        },
      ],
      rolloutPercentage: 50,
    });
    const nl = { user: { id: 'u1', country: 'NL' } };
    for (let i = 0; i < 3; i += 1) {
      expect(await app.gql(EVALUATE, { keys: [key], context: nl }, sdkToken)).not.toHaveProperty(
        'errors',
      );
    }
    // No stickiness value and a 50% rollout: the default, with TARGETING_KEY_MISSING.
    await app.gql(EVALUATE, { keys: [key, 'usage.missing'], context: {} }, sdkToken);
    expect(
      (await ofrep(`/${key}`, { context: { targetingKey: 'u2', user: { country: 'NL' } } })).status,
    ).toBe(200);
    expect((await ofrep('', { context: { user: { id: 'u3', country: 'NL' } } })).status).toBe(200);
    const client = wsClient(app, sdkToken);
    try {
      const updates = subscribe(
        client,
        `subscription ($keys: [String!]) { evaluationsChanged(environment: "development", context: {user: {country: "NL"}}, keys: $keys) { full } }`,
        { keys: [key] },
      );
      await updates.waitFor(1);
      updates.stop();
    } finally {
      await client.dispose();
    }
    await expectCounts(key, {
      'evaluations/graphql': 4,
      'evaluations/ofrep': 2,
      'evaluations/subscription': 1,
      'targeting_match/dutch': 6,
      'default/': 1,
      'error/TARGETING_KEY_MISSING': 1,
    });
    await expectCounts('usage.missing', {
      'evaluations/graphql': 1,
      'error/FLAG_NOT_FOUND': 1,
    });
  });

  it('counts an unknown OFREP key holding NUL, and goes on writing', async () => {
    const key = uniqueKey('usage.hostile');
    const response = await ofrep(`/${key}%00nul`, { context: { targetingKey: 'u1' } });
    expect(response.status).toBe(404);
    // Stored with U+FFFD in their place: PostgreSQL refuses NUL in text.
    await expectCounts(`${key}\ufffdnul`, { 'evaluations/ofrep': 1, 'error/FLAG_NOT_FOUND': 1 });
    const config = await createConfig(app);
    await app.gql(EVALUATE, { keys: [config.key], context: {} }, sdkToken);
    await expectCounts(config.key, { 'evaluations/graphql': 1, 'fallthrough/': 1 });
  });

  it('counts an archived config as disabled', async () => {
    const config = await createConfig(app);
    await app.gql(
      `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { id } } }`,
      { input: { environment: 'development', key: config.key } },
    );
    await app.gql(EVALUATE, { keys: [config.key], context: {} }, sdkToken);
    await expectCounts(config.key, { 'evaluations/graphql': 1, 'disabled/': 1 });
  });

  it('counts refused saves', async () => {
    const key = uniqueKey('usage');
    const refused = await app.gql(
      `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }`,
      {
        input: {
          environment: 'development',
          key,
          valueType: 'INTEGER',
          value: 'not a number',
          defaultValue: 0,
        },
      },
    );
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    await expectCounts(key, { 'refused_save/': 1 });
  });

  it('shows the counters at /metrics with the environment and config key', async () => {
    const config = await createConfig(app);
    await app.gql(EVALUATE, { keys: [config.key], context: { user: { id: 'x' } } }, sdkToken);
    await expectCounts(config.key, { 'evaluations/graphql': 1, 'fallthrough/': 1 });
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain(
      `config_usage_total{environment="development",key="${config.key}",metric="evaluations",dimension="graphql"} 1`,
    );
  });

  describe('reportUsage', () => {
    it('counts an sdk key’s report in its environment and returns unknown keys per entry', async () => {
      const config = await createConfig(app);
      const input = report([
        entry(config.key),
        entry('usage.unknown'),
        entry(config.key, { evaluations: 5, cacheHits: 0, cacheMisses: 0, errors: [] }),
      ]);
      const response = await app.gql(REPORT, { input }, sdkToken);
      expect(response).toEqual({
        status: 200,
        data: {
          reportUsage: {
            batchId: input.batchId,
            accepted: 2,
            rejected: [{ index: 1, key: 'usage.unknown', errorCode: 'FLAG_NOT_FOUND' }],
          },
        },
      });
      const expected = {
        'evaluations/sdk': 15,
        'cache_hit/': 7,
        'cache_miss/': 3,
        'error/TYPE_MISMATCH': 2,
      };
      expect(await flushedCountsOf(config.key)).toEqual(expected);
      expect(await flushedCountsOf('usage.unknown')).toEqual({});
    });

    it('counts a batch once: the same id and content get the same answer', async () => {
      const config = await createConfig(app);
      const input = report([entry(config.key), entry('usage.nope')]);
      const first = await app.gql(REPORT, { input }, sdkToken);
      const again = await app.gql(REPORT, { input }, sdkToken);
      const overHttp = await reportOverHttp(input);
      expect(again).toEqual(first);
      expect(await overHttp.json()).toEqual(first.data?.reportUsage);
      expect((await flushedCountsOf(config.key))['evaluations/sdk']).toBe(10);
    });

    it('refuses a batch id reused with other content, writing nothing', async () => {
      const config = await createConfig(app);
      const input = report([entry(config.key)]);
      expect(await app.gql(REPORT, { input }, sdkToken)).not.toHaveProperty('errors');
      const changed = { ...input, entries: [entry(config.key, { evaluations: 11 })] };
      const response = await app.gql(REPORT, { input: changed }, sdkToken);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].extensions?.validationErrors).toEqual([
        expect.objectContaining({ path: 'input.batchId', rule: 'reused' }),
      ]);
      expect((await flushedCountsOf(config.key))['evaluations/sdk']).toBe(10);
    });

    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    it.each([
      ['a negative count', { evaluations: -1 }, 'input.entries[0].evaluations', 'min'],
      [
        'a negative error count',
        { errors: [{ code: 'GENERAL', count: -2 }] },
        'input.entries[0].errors[0].count',
        'min',
      ],
      [
        'a period in the future',
        { periodEnd: iso(now + 3_600_000) },
        'input.entries[0].periodEnd',
        'future',
      ],
      [
        'a period over a day long',
        { periodStart: iso(now - 2 * 86_400_000), periodEnd: iso(now - 1000) },
        'input.entries[0].periodEnd',
        'maxPeriod',
      ],
      [
        'a period that ends before it starts',
        { periodStart: iso(now - 1000), periodEnd: iso(now - 60_000) },
        'input.entries[0].periodEnd',
        'order',
      ],
      [
        'an error code that is not one',
        { errors: [{ code: 'not a code', count: 1 }] },
        'input.entries[0].errors[0].code',
        'pattern',
      ],
    ])(
      'refuses %s with BAD_USER_INPUT naming the path, writing nothing',
      async (_what, bad, path, rule) => {
        const config = await createConfig(app);
        const input = report([entry(config.key), entry(config.key, bad)]);
        const response = await app.gql(REPORT, { input }, sdkToken);
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
        expect(response.errors?.[0].extensions?.validationErrors).toEqual([
          expect.objectContaining({ path: path.replace('[0]', '[1]'), rule }),
        ]);
        expect(await flushedCountsOf(config.key)).toEqual({});
        // Nothing was kept of the batch either: its id is still free.
        const retry = await app.gql(
          REPORT,
          { input: { ...input, entries: [entry(config.key)] } },
          sdkToken,
        );
        expect(retry).not.toHaveProperty('errors');
      },
    );

    it('refuses more than 1,000 entries', async () => {
      const config = await createConfig(app);
      const input = report(Array.from({ length: 1001 }, () => entry(config.key)));
      const response = await app.gql(REPORT, { input }, sdkToken);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].extensions?.validationErrors).toEqual([
        expect.objectContaining({ path: 'input.entries', rule: 'maxItems' }),
      ]);
      expect(await flushedCountsOf(config.key)).toEqual({});
    });

    it('lets an sdk key report only in its own environment, and refuses other roles', async () => {
      const config = await createConfig(app, { environment: 'production' });
      const input = report([entry(config.key)], { environment: 'production' });
      expect(errorCode(await app.gql(REPORT, { input }, sdkToken))).toBe('FORBIDDEN');
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      expect(errorCode(await app.gql(REPORT, { input }, viewer.token))).toBe('FORBIDDEN');
      expect(await flushedCountsOf(config.key)).toEqual({});
      // An unscoped admin names the environment.
      expect(await app.gql(REPORT, { input })).toMatchObject({
        data: { reportUsage: { accepted: 1 } },
      });
    });

    it('takes the same report over HTTP at POST /v1/usage, with OFREP-style errors', async () => {
      const config = await createConfig(app);
      const input = report([entry(config.key)]);
      const accepted = await reportOverHttp(input);
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ batchId: input.batchId, accepted: 1, rejected: [] });
      expect((await flushedCountsOf(config.key))['evaluations/sdk']).toBe(10);

      const bad = await reportOverHttp(report([entry(config.key, { cacheHits: -3 })]));
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        errorCode: 'GENERAL',
        errorDetails: expect.stringContaining('entries[0].cacheHits'),
        validationErrors: [expect.objectContaining({ path: 'entries[0].cacheHits', rule: 'min' })],
      });
      const notADay = await reportOverHttp(
        report([entry(config.key, { periodStart: '2024-02-30T00:00:00Z' })]),
      );
      expect(notADay.status).toBe(400);
      expect(((await notADay.json()) as { validationErrors: unknown }).validationErrors).toEqual([
        expect.objectContaining({ path: 'entries[0].periodStart', rule: 'type' }),
      ]);
      const yearZero = await reportOverHttp(
        report([
          entry(config.key, {
            periodStart: '0000-01-01T00:00:00Z',
            periodEnd: '0000-01-01T00:01:00Z',
          }),
        ]),
      );
      expect(yearZero.status).toBe(400);
      expect(((await yearZero.json()) as { validationErrors: unknown }).validationErrors).toEqual([
        expect.objectContaining({ path: 'entries[0].periodStart', rule: 'dateRange' }),
        expect.objectContaining({ path: 'entries[0].periodEnd', rule: 'dateRange' }),
      ]);
      const nul = await reportOverHttp(report([entry('usage.\u0000nul')]));
      expect(nul.status).toBe(400);
      expect(((await nul.json()) as { validationErrors: unknown }).validationErrors).toEqual([
        expect.objectContaining({ path: 'entries[0].key', rule: 'noNul' }),
      ]);
      expect((await reportOverHttp(input, null)).status).toBe(401);
      const notJson = await fetch(`${app.baseUrl}/v1/usage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sdkToken}` },
        body: '{',
      });
      expect(notJson.status).toBe(400);
      expect((await flushedCountsOf(config.key))['evaluations/sdk']).toBe(10);
    });
  });

  it('rolls minutes up into hours and days and prunes old rows', async () => {
    const key = uniqueKey('usage');
    const [{ id }] = await db.query(`SELECT id FROM environment WHERE key = 'development'`);
    // Five days back: within the minute rows' retention (8 days) that the app's own scheduled rollups
    // prune by the real clock (a fixed date in the past would be pruned under the test now and then).
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 5 * 86_400_000;
    const at = (hours: number, minutes = 0) => day + hours * 3_600_000 + minutes * 60_000;
    const iso = (time: number) => new Date(time).toISOString();
    const now = at(12, 30);
    const insert = (granularity: string, time: number, count: number, metric = 'evaluations') =>
      db.query(`INSERT INTO config_usage_metric VALUES ($1, $2, $3, $4, $5, 'sdk', $6)`, [
        id,
        granularity,
        new Date(time),
        key,
        metric,
        count,
      ]);
    await insert('minute', at(12, 1), 3);
    await insert('minute', at(12, 2), 2, 'error');
    await insert('minute', at(12, 3), 6, 'default'); // neither an evaluation nor an error
    // A config's totals older than the hourly retention (90 days): pruned.
    await db.query(`INSERT INTO config_usage_total VALUES ($1, 'hour', $2, $3, 1, 0)`, [
      id,
      new Date(at(-100 * 24)),
      key,
    ]);
    await insert('minute', at(12, 29), 4);
    await insert('minute', at(11, 59), 5);
    await insert('hour', at(3), 100);
    await insert('minute', at(-9 * 24), 1); // older than 8 days
    const queue = app.running.app.get(JobQueue);
    const run = async () => {
      await queue.add(RollupUsageJob, { now });
      await queue.drain();
    };
    await run();
    await run(); // a repeated run changes nothing
    const rows = await db.query(
      `SELECT granularity, period_start, count::int AS n FROM config_usage_metric
       WHERE config_key = $1 AND metric = 'evaluations' ORDER BY granularity, period_start`,
      [key],
    );
    expect(
      rows.map((r: { granularity: string; period_start: Date; n: number }) => [
        r.granularity,
        r.period_start.toISOString(),
        r.n,
      ]),
    ).toEqual([
      ['day', iso(day), 112],
      ['hour', iso(at(3)), 100],
      ['hour', iso(at(11)), 5],
      ['hour', iso(at(12)), 7],
      ['minute', iso(at(11, 59)), 5],
      ['minute', iso(at(12, 1)), 3],
      ['minute', iso(at(12, 29)), 4],
    ]);
    // Each config's evaluations and errors per hour and day (the top lists read them), for the
    // hours re-summed (from 06:00, six hours back) and their day.
    const totals = await db.query(
      `SELECT granularity, period_start, evaluations::int, errors::int FROM config_usage_total
       WHERE config_key = $1 ORDER BY granularity, period_start`,
      [key],
    );
    expect(
      totals.map((r: { granularity: string; period_start: Date }) => [
        r.granularity,
        r.period_start.toISOString(),
        r,
      ]),
    ).toEqual([
      ['day', iso(day), expect.objectContaining({ evaluations: 112, errors: 2 })],
      ['hour', iso(at(11)), expect.objectContaining({ evaluations: 5, errors: 0 })],
      ['hour', iso(at(12)), expect.objectContaining({ evaluations: 7, errors: 2 })],
    ]);
  });
});

(hasPostgres ? it : it.skip)('app.close() writes the counts not flushed yet', async () => {
  const keeper = await startTestApp();
  try {
    const app = await startTestApp({ shareWith: keeper, env: { USAGE_FLUSH_MS: '600000' } });
    const config = await createConfig(app);
    for (let i = 0; i < 5; i += 1) {
      await app.gql(EVALUATE, { keys: [config.key], context: { user: { id: `u${i}` } } });
    }
    const db = keeper.running.app.get(DataSource);
    expect(await countsOf(db, config.key)).toEqual({});
    await app.close();
    expect(await countsOf(db, config.key)).toEqual({
      'evaluations/graphql': 5,
      'fallthrough/': 5,
    });
  } finally {
    await keeper.close();
  }
});

(hasPostgres ? it : it.skip)(
  'keeps the counts while the database is down and writes them once it is back',
  async () => {
    const keeper = await startTestApp();
    const proxy = await TcpProxy.start();
    try {
      const app = await startTestApp({
        shareWith: keeper,
        routeDatabase: (url) => proxy.url(url),
        env: { USAGE_FLUSH_MS: '600000', DB_CONNECT_TIMEOUT_MS: '500' },
      });
      const config = await createConfig(app);
      const evaluate = async (id: string) =>
        expect(
          await app.gql(EVALUATE, { keys: [config.key], context: { user: { id } } }),
        ).not.toHaveProperty('errors');
      const recorder = app.running.app.get(UsageRecorder);
      const db = keeper.running.app.get(DataSource);
      await evaluate('a');
      await proxy.setMode('refuse');
      await recorder.flush();
      await evaluate('b'); // served from memory meanwhile
      await recorder.flush();
      expect(await countsOf(db, config.key)).toEqual({});
      await proxy.setMode('forward');
      await recorder.flush();
      expect(await countsOf(db, config.key)).toEqual({
        'evaluations/graphql': 2,
        'fallthrough/': 2,
      });
      await app.close();
    } finally {
      await keeper.close();
      await proxy.close();
    }
  },
);

/** Starting service processes takes a while on a busy machine; never a timing check. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;

(hasPostgres && hasRedis ? describe : describe.skip)(
  'two api processes sharing PostgreSQL and Redis',
  () => {
    afterEach(() => stopServiceProcesses());

    it(
      'count every evaluation of a concurrent load exactly, written at SIGTERM',
      async () => {
        const seed = await startTestApp();
        try {
          const config = await createConfig(seed);
          // The processes are built from the current sources.
          execFileSync(process.execPath, [
            require.resolve('typescript/bin/tsc'),
            '-p',
            'tsconfig.build.json',
          ]);
          const shared = {
            DATABASE_URL: seed.databaseUrl!,
            REDIS_URL: process.env.REDIS_URL!,
            REDIS_PREFIX: seed.env.REDIS_PREFIX,
            ADMIN_TOKEN: seed.adminToken,
            // Nothing is written before the processes stop: what is there was written at SIGTERM.
            USAGE_FLUSH_MS: '600000',
          };
          const processes = [await startServiceProcess(shared), await startServiceProcess(shared)];
          const perProcess = 150;
          // One request each first: a cold process looks its environment up per request until
          // one lookup lands, and 150 at once would queue for the connection pool.
          for (const { app } of processes) {
            await app.gql(EVALUATE, { keys: [config.key], context: { user: { id: 'warm' } } });
          }
          const requests: Promise<GraphQLResponse>[] = [];
          for (let i = 0; i < perProcess; i += 1) {
            for (const { app } of processes) {
              requests.push(
                app.gql(EVALUATE, { keys: [config.key], context: { user: { id: `u${i}` } } }),
              );
            }
          }
          const answers = await Promise.all(requests);
          expect(answers.filter((answer) => answer.errors)).toEqual([]);
          const db = seed.running.app.get(DataSource);
          expect(await countsOf(db, config.key)).toEqual({});
          for (const { child } of processes) child.kill('SIGTERM');
          expect(await Promise.all(processes.map((p) => p.exited))).toEqual([0, 0]);
          expect(await countsOf(db, config.key)).toEqual({
            'evaluations/graphql': 2 * perProcess + 2,
            'fallthrough/': 2 * perProcess + 2,
          });
        } finally {
          await seed.close();
        }
      },
      PROCESS_TEST_TIMEOUT_MS,
    );
  },
);
