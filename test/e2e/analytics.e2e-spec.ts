import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { RollupUsageJob } from '../../src/modules/usage/jobs/rollup-usage.job';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import { errorCode, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const COUNTS = `evaluations evaluationsByChannel { graphql ofrep subscription sdk }
  targetingMatches targetingMatchesByRule { dimension count } rolloutReceipts fallthroughs defaults
  disabled errors errorsByCode { dimension count } refusedSaves cacheHits cacheMisses
  cacheHitRate targetingMatchRate rolloutReceiveRate errorRate`;
const ANALYTICS = `query ($environment: String!, $keys: [String!], $from: DateTime!, $to: DateTime!,
    $granularity: AnalyticsGranularity!, $timezone: String! = "UTC") {
  configAnalytics(environment: $environment, keys: $keys, from: $from, to: $to,
      granularity: $granularity, timezone: $timezone) {
    from to approximated
    environmentSeries { key totals { ${COUNTS} uniqueUsers uniqueDevices } points { periodStart periodEnd evaluations } }
    configs { key totals { ${COUNTS} uniqueUsers uniqueDevices } points { periodStart periodEnd ${COUNTS} } }
    topByEvaluations { key evaluations errors errorRate }
    topByErrors { key evaluations errors errorRate }
  } }`;
const STALE = `query ($environment: String!, $days: Int!) {
  staleConfigs(environment: $environment, days: $days) { key reasons lastEvaluatedAt lastChangedAt } }`;
const EVALUATE = `query ($environment: String!, $keys: [String!], $context: JSON!) {
  evaluate(environment: $environment, context: $context, keys: $keys) { key reason } }`;

interface Counts {
  evaluations: number;
  errors: number;
  [field: string]: unknown;
}
interface Series {
  key: string | null;
  totals: Counts;
  points: ({ periodStart: string; periodEnd: string } & Counts)[];
}
interface Top {
  key: string;
  evaluations: number;
  errors: number;
  errorRate: number;
}
interface Analytics {
  from: string;
  to: string;
  approximated: boolean;
  environmentSeries: Series;
  configs: Series[];
  topByEvaluations: Top[];
  topByErrors: Top[];
}

describe('configAnalytics and staleConfigs', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ env: { USAGE_FLUSH_MS: '600000', USAGE_ROLLUP_MS: '3600000' } });
    db = app.running.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const analytics = async (
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<{ configAnalytics: Analytics }>> =>
    app.gql<{ configAnalytics: Analytics }>(
      ANALYTICS,
      { environment: 'development', granularity: 'DAY', ...variables },
      token,
    );
  const analyticsData = async (variables: Record<string, unknown>) => {
    const response = await analytics(variables);
    expect(response.errors).toBeUndefined();
    return response.data!.configAnalytics;
  };

  /** Writes the counted usage, then sums it into hour and day rows as the rollup job does. */
  const flushAndRollUp = async () => {
    await app.running.app.get(UsageRecorder).flush();
    const queue = app.running.app.get(JobQueue);
    await queue.add(RollupUsageJob, { now: Date.now() });
    await queue.drain();
  };

  const environmentId = async (key: string): Promise<string> =>
    (await db.query('SELECT id FROM environment WHERE key = $1', [key]))[0].id;

  /** Writes usage rows as flushes and the rollup would have. */
  const insertRows = async (
    environment: string,
    rows: [
      granularity: string,
      at: string | Date,
      key: string,
      metric: string,
      dimension: string,
      count: number,
    ][],
  ) => {
    const id = await environmentId(environment);
    for (const [granularity, at, key, metric, dimension, count] of rows) {
      await db.query(
        `INSERT INTO config_usage_metric (environment_id, granularity, period_start, config_key, metric, dimension, count)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, granularity, new Date(at), key, metric, dimension, count],
      );
    }
  };

  const createEnvironment = async () => {
    const key = `analytics-${randomUUID().slice(0, 8)}`;
    const response = await app.gql(
      `mutation ($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { key } } }`,
      { input: { key, name: key } },
    );
    expect(response.errors).toBeUndefined();
    return key;
  };

  /** An SDK report of one entry for the minute from `periodStart` (ms), with an sdk key. */
  const reportUsage = async (
    environment: string,
    entry: Record<string, unknown>,
    periodStart: number,
  ) => {
    const sdk = await createApiKey(app, { roles: ['SDK'], environment });
    const input = {
      batchId: randomUUID(),
      sdk: { name: 'test', version: '1' },
      entries: [
        {
          cacheHits: 0,
          cacheMisses: 0,
          errors: [],
          ...entry,
          periodStart: new Date(periodStart).toISOString(),
          periodEnd: new Date(periodStart + 30_000).toISOString(),
        },
      ],
    };
    const report = await app.gql(
      `mutation ($input: ReportUsageInput!) { reportUsage(input: $input) { accepted } }`,
      { input },
      sdk.token,
    );
    expect(report.errors).toBeUndefined();
  };

  it('reports exactly what the recorder counted, per config and for the environment, at HOUR and DAY', async () => {
    const environment = await createEnvironment();
    const key = uniqueKey('analytics');
    const quiet = uniqueKey('analytics.quiet');
    await createConfig(app, {
      environment,
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
    await createConfig(app, { environment, key: quiet });
    const evaluate = (context: object, keys = [key]) =>
      app.gql(EVALUATE, { environment, keys, context });
    for (let i = 0; i < 3; i += 1) await evaluate({ user: { id: `nl${i}`, country: 'NL' } });
    await evaluate({}); // 50% rollout without a stickiness value: default, TARGETING_KEY_MISSING
    await evaluate({ user: { id: 'x' } }, [key, 'analytics.missing']);
    await reportUsage(
      environment,
      {
        key: quiet,
        evaluations: 20,
        cacheHits: 15,
        cacheMisses: 5,
        errors: [{ code: 'TYPE_MISMATCH', count: 2 }],
      },
      Date.now() - 31_000,
    );
    await flushAndRollUp();

    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const day = Math.floor(Date.now() / DAY) * DAY;
    // Wide enough for the counts to straddle an hour or a day boundary: the totals are exact.
    for (const [granularity, from, to] of [
      ['HOUR', hour - 2 * HOUR, hour + HOUR],
      ['DAY', day - DAY, day + DAY],
    ] as const) {
      const answer = await analyticsData({
        environment,
        keys: [key, quiet, key],
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        granularity,
      });
      expect(answer.configs.map((c) => c.key)).toEqual([key, quiet]);
      const [main, sdkReported] = answer.configs;
      expect(main.totals).toMatchObject({
        evaluations: 5,
        evaluationsByChannel: { graphql: 5, ofrep: 0, subscription: 0, sdk: 0 },
        targetingMatches: 3,
        targetingMatchesByRule: [{ dimension: 'dutch', count: 3 }],
        errors: 1,
        errorsByCode: [{ dimension: 'TARGETING_KEY_MISSING', count: 1 }],
        targetingMatchRate: 3 / 5,
        errorRate: 1 / 5,
        cacheHitRate: 0,
        // nl0, nl1, nl2 and x (HyperLogLog estimates are exact at this size); no device ids.
        uniqueUsers: 4,
        uniqueDevices: 0,
      });
      // The subject outside the rules is in the 50% rollout or not: one of the two.
      const { rolloutReceipts, defaults, fallthroughs } = main.totals as Record<string, number>;
      expect([rolloutReceipts, defaults, fallthroughs]).toEqual(
        rolloutReceipts === 1 ? [1, 1, 0] : [0, 2, 0],
      );
      expect(main.totals.rolloutReceiveRate).toBe(rolloutReceipts / 5);
      expect(sdkReported.totals).toMatchObject({
        evaluations: 20,
        evaluationsByChannel: { graphql: 0, ofrep: 0, subscription: 0, sdk: 20 },
        cacheHits: 15,
        cacheMisses: 5,
        cacheHitRate: 0.75,
        errors: 2,
        errorRate: 0.1,
      });
      // Points sum to the totals; every period is there.
      const sum = main.points.reduce((total, p) => total + p.evaluations, 0);
      expect(sum).toBe(5);
      expect(main.points.length).toBe(granularity === 'HOUR' ? 3 : 2);
      expect(answer.environmentSeries.totals).toMatchObject({
        uniqueUsers: 4,
        evaluations: 26,
        errors: 4, // TARGETING_KEY_MISSING, FLAG_NOT_FOUND, 2 TYPE_MISMATCH
      });
      expect(answer.topByEvaluations).toEqual([
        { key: quiet, evaluations: 20, errors: 2, errorRate: 0.1 },
        { key, evaluations: 5, errors: 1, errorRate: 0.2 },
        { key: 'analytics.missing', evaluations: 1, errors: 1, errorRate: 1 },
      ]);
      // Ties in order of key.
      expect(answer.topByErrors.map((t) => t.key)).toEqual([
        quiet,
        ...[key, 'analytics.missing'].sort(),
      ]);
    }
  });

  it('counts a late report (past the rollup window) in the environment series too', async () => {
    const environment = await createEnvironment();
    const config = await createConfig(app, { environment });
    const start = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY + 12 * HOUR;
    await reportUsage(environment, { key: config.key, evaluations: 9 }, start);
    await app.running.app.get(UsageRecorder).flush(); // no rollup: written with hour and day rows
    for (const granularity of ['HOUR', 'DAY']) {
      const answer = await analyticsData({
        environment,
        keys: [config.key],
        from: new Date(start - HOUR).toISOString(),
        to: new Date(start + HOUR).toISOString(),
        granularity,
      });
      expect(answer.configs[0].totals.evaluations).toBe(9);
      expect(answer.environmentSeries.totals.evaluations).toBe(9);
      expect(answer.topByEvaluations).toEqual([
        { key: config.key, evaluations: 9, errors: 0, errorRate: 0 },
      ]);
    }
  });

  it('answers a range without data with zeros at every point', async () => {
    const key = uniqueKey('analytics.empty');
    const answer = await analyticsData({
      keys: [key],
      from: '2024-02-27T00:00:00Z',
      to: '2024-03-01T00:00:00Z',
    });
    expect(
      answer.configs[0].points.map((p) => [p.periodStart, p.evaluations, p.errorRate]),
    ).toEqual([
      ['2024-02-27T00:00:00.000Z', 0, 0],
      ['2024-02-28T00:00:00.000Z', 0, 0],
      ['2024-02-29T00:00:00.000Z', 0, 0],
    ]);
    expect(answer.configs[0].totals).toMatchObject({
      evaluations: 0,
      cacheHitRate: 0,
      targetingMatchRate: 0,
      rolloutReceiveRate: 0,
      errorRate: 0,
      uniqueUsers: 0,
      uniqueDevices: 0,
    });
    expect(answer.environmentSeries.points).toHaveLength(3);
  });

  it('cuts days in the time zone asked: the same hours split differently in New York and UTC', async () => {
    const key = uniqueKey('analytics.tz');
    const day = new Date(Math.floor((Date.now() - 5 * DAY) / DAY) * DAY).toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + DAY).toISOString().slice(0, 10);
    // 03:00 UTC is the evening before in New York (UTC-4 or -5); 06:00 UTC is the same day.
    await insertRows('development', [
      ['hour', `${day}T03:00:00Z`, key, 'evaluations', 'graphql', 7],
      ['hour', `${day}T06:00:00Z`, key, 'evaluations', 'graphql', 11],
      ['day', `${day}T00:00:00Z`, key, 'evaluations', 'graphql', 18],
    ]);
    const range = { keys: [key], from: `${day}T00:00:00Z`, to: `${next}T00:00:00Z` };
    const utc = await analyticsData(range);
    expect(utc.configs[0].points.map((p) => [p.periodStart, p.evaluations])).toEqual([
      [`${day}T00:00:00.000Z`, 18],
    ]);
    const newYork = await analyticsData({ ...range, timezone: 'America/New_York' });
    const points = newYork.configs[0].points;
    expect(points.map((p) => p.evaluations)).toEqual([7, 11]);
    expect(points[1].periodStart.slice(0, 10)).toBe(day);
    expect(points[1].periodStart).toMatch(/T0[45]:00:00.000Z$/); // local midnight
    expect(newYork.approximated).toBe(false);
    const kolkata = await analyticsData({ ...range, timezone: 'Asia/Kolkata' });
    expect(kolkata.approximated).toBe(true);
    expect(kolkata.configs[0].points.map((p) => [p.periodStart, p.evaluations])).toEqual([
      [`${new Date(Date.parse(day) - DAY).toISOString().slice(0, 10)}T18:00:00.000Z`, 18],
      [`${day}T18:00:00.000Z`, 0], // the local day `to` (05:30 local) falls in
    ]);
  });

  it('refuses bad ranges, time zones and too many keys with BAD_USER_INPUT naming the field', async () => {
    const refused = async (variables: Record<string, unknown>, path: string) => {
      const response = await analytics({
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-02T00:00:00Z',
        ...variables,
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      const issues = response.errors![0].extensions!.validationErrors as { path: string }[];
      expect(issues.map((i) => i.path)).toEqual([path]);
      return response.errors![0].message;
    };
    expect(await refused({ to: '2026-01-01T00:00:00Z' }, 'to')).toContain('later than from');
    expect(await refused({ to: '2025-12-01T00:00:00Z' }, 'to')).toContain('later than from');
    expect(await refused({ to: '2027-02-06T00:00:00Z' }, 'to')).toContain('400 days');
    expect(
      await analyticsData({ from: '2026-01-01T00:00:00Z', to: '2027-02-05T00:00:00Z' }),
    ).toBeDefined(); // exactly 400 days
    expect(await refused({ to: '2026-02-01T00:00:01Z', granularity: 'HOUR' }, 'to')).toContain(
      '31 days',
    );
    expect(await refused({ timezone: 'Mars/Olympus_Mons' }, 'timezone')).toContain('IANA');
    // Times PostgreSQL cannot take, or calendar arithmetic misreads: refused, not answered.
    expect(await refused({ from: '0099-12-30T00:00:00Z' }, 'from')).toContain('1000-01-01');
    expect(await refused({ to: '+275760-09-12T00:00:00Z' }, 'to')).toContain('9999-12-31');
    await refused({ keys: Array.from({ length: 101 }, (_, i) => `k${i}`) }, 'keys');
  });

  it('refuses more series points than its budget (keys and the environment × points), naming keys', async () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `budget.k${i}`);
    const hourly = {
      granularity: 'HOUR',
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
    };
    // 100 keys of 31 days of hours answered 31 MB after blocking the event loop for seconds.
    for (const variables of [
      { ...hourly, keys: keys(100) },
      { ...hourly, keys: keys(13) }, // 14 series × 744 hours
      { keys: keys(100), from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
    ]) {
      const response = await analytics(variables);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.validationErrors).toEqual([
        expect.objectContaining({ path: 'keys', rule: 'maxPoints' }),
      ]);
      expect(response.errors![0].message).toContain('10,000');
    }
    // The console's largest: 10 keys of 31 days of hours (11 series × 744 points).
    const largest = await app.gql(
      `query ($keys: [String!], $from: DateTime!, $to: DateTime!) {
        configAnalytics(environment: "development", keys: $keys, from: $from, to: $to,
          granularity: HOUR) { from } }`,
      { ...hourly, keys: keys(10) },
    );
    expect(largest.errors).toBeUndefined();
  });

  it('lets viewers and up read, a scoped key only its own environment', async () => {
    const range = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
    const viewer = await createApiKey(app, { roles: ['VIEWER'] });
    const scoped = await createApiKey(app, { roles: ['EDITOR'], environment: 'production' });
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    expect((await analytics(range, viewer.token)).errors).toBeUndefined();
    expect(
      (await analytics({ ...range, environment: 'production' }, scoped.token)).errors,
    ).toBeUndefined();
    expect(errorCode(await analytics(range, scoped.token))).toBe('FORBIDDEN');
    expect(errorCode(await analytics(range, sdk.token))).toBe('FORBIDDEN');
    const stale = (token: string, environment = 'development') =>
      app.gql(STALE, { environment, days: 30 }, token);
    expect((await stale(viewer.token)).errors).toBeUndefined();
    expect(errorCode(await stale(scoped.token))).toBe('FORBIDDEN');
    expect(errorCode(await stale(sdk.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(STALE, { environment: 'development', days: 0 }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('lists configs not evaluated, or serving one value unchanged, for N days', async () => {
    const environment = await createEnvironment();
    const never = await createConfig(app, { environment, key: uniqueKey('stale.never') });
    const old = await createConfig(app, { environment, key: uniqueKey('stale.old') });
    const single = await createConfig(app, { environment, key: uniqueKey('stale.single') });
    const split = await createConfig(app, {
      environment,
      key: uniqueKey('stale.split'),
      rolloutPercentage: 50,
    });
    const fresh = await createConfig(app, { environment, key: uniqueKey('stale.fresh') });
    const longAgo = new Date(Date.now() - 40 * DAY);
    // Unchanged for 40 days (as if created then): all but `fresh`.
    await db.query(`UPDATE business_config SET updated_at = $1 WHERE key = ANY($2)`, [
      longAgo,
      [never.key, old.key, single.key, split.key],
    ]);
    const evaluatedHour = new Date(Math.floor((Date.now() - 35 * DAY) / HOUR) * HOUR);
    await insertRows(environment, [['hour', evaluatedHour, old.key, 'evaluations', 'sdk', 3]]);
    await app.gql(EVALUATE, {
      environment,
      keys: [single.key, split.key, fresh.key],
      context: { user: { id: 'u' } },
    });
    await flushAndRollUp();
    const response = await app.gql<{
      staleConfigs: {
        key: string;
        reasons: string[];
        lastEvaluatedAt: string | null;
        lastChangedAt: string;
      }[];
    }>(STALE, { environment, days: 30 });
    expect(response.errors).toBeUndefined();
    expect(response.data!.staleConfigs).toEqual(
      [
        {
          key: never.key,
          reasons: ['NOT_EVALUATED', 'SINGLE_VALUE'],
          lastEvaluatedAt: null,
          lastChangedAt: longAgo.toISOString(),
        },
        {
          key: old.key,
          reasons: ['NOT_EVALUATED', 'SINGLE_VALUE'],
          lastEvaluatedAt: evaluatedHour.toISOString(),
          lastChangedAt: longAgo.toISOString(),
        },
        {
          key: single.key,
          reasons: ['SINGLE_VALUE'],
          lastEvaluatedAt: expect.any(String),
          lastChangedAt: longAgo.toISOString(),
        },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    // Over 36 days, `old` was evaluated; `fresh` changed today and is evaluated: never listed.
    const wider = await app.gql<{ staleConfigs: { key: string; reasons: string[] }[] }>(STALE, {
      environment,
      days: 36,
    });
    expect(wider.data!.staleConfigs.find((c) => c.key === old.key)?.reasons).toEqual([
      'SINGLE_VALUE',
    ]);
  });
});
