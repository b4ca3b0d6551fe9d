import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { RollupUsageJob } from '../../src/modules/usage/jobs/rollup-usage.job';
import { HyperLogLog } from '../../src/modules/usage/hyperloglog';
import { ENVIRONMENT_WIDE } from '../../src/modules/usage/unique-counter';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
import { invalidateSpansFrom, readSpanState } from '../../src/modules/usage/usage-span.builder';
import { UsageDaySpans1796990000000 } from '../../migrations/1796990000000-UsageDaySpans';
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

  it('answers ranges at the edges of the years it takes, and refuses a to whose widened end would pass them', async () => {
    // Widened to whole days, a range ending late on 9999-12-31 would end in the year 10000.
    for (const variables of [
      { from: '9999-12-01T00:00:00Z', to: '9999-12-31T23:59:59Z' },
      { from: '9999-12-30T00:00:00Z', to: '9999-12-31T12:00:00Z', timezone: 'Etc/GMT+12' },
      { from: '9999-12-31T10:00:00Z', to: '9999-12-31T23:00:00Z', granularity: 'HOUR' },
    ]) {
      const response = await analytics(variables);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.validationErrors).toEqual([
        expect.objectContaining({ path: 'to', rule: 'maxTime' }),
      ]);
      expect(response.errors![0].message).toContain('9999-12-31T00:00:00Z');
    }
    for (const variables of [
      { from: '9999-12-01T00:00:00Z', to: '9999-12-31T00:00:00Z', timezone: 'Etc/GMT+12' },
      { from: '9999-12-01T00:00:00Z', to: '9999-12-31T00:00:00Z', timezone: 'Pacific/Kiritimati' },
      { from: '9999-12-30T01:30:00Z', to: '9999-12-31T00:00:00Z', granularity: 'HOUR' },
      { from: '1000-01-01T00:00:00Z', to: '1000-01-02T00:00:00Z', timezone: 'Pacific/Kiritimati' },
      { from: '1000-01-01T00:00:00Z', to: '1000-01-02T00:00:00Z', timezone: 'Etc/GMT+12' },
    ]) {
      const answer = await analyticsData(variables);
      expect(answer.environmentSeries.points.length).toBeGreaterThan(0);
    }
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

  describe('day spans', () => {
    /** The first of SPAN_TEST_DAYS days of rows, ending two days before today (UTC). */
    const SPAN_TEST_DAYS = 40;
    const firstDay = Math.floor(Date.now() / DAY) * DAY - (SPAN_TEST_DAYS + 2) * DAY;

    /**
     * Day rows of `keys` over SPAN_TEST_DAYS days, as flushes and the rollup would have
     * stored them: counters, each config's totals, the environment's sums, and day sketches of
     * users and devices (overlapping from day to day, so distinct counts are not sums).
     */
    const insertDays = async (environment: string, keys: string[]) => {
      const id = await environmentId(environment);
      for (let d = 0; d < SPAN_TEST_DAYS; d += 1) {
        const at = new Date(firstDay + d * DAY);
        const everyone = { users: new HyperLogLog(), devices: new HyperLogLog() };
        for (const [i, key] of keys.entries()) {
          const evaluations = 1 + ((d * 31 + i * 17) % 50);
          const errors = (d + i) % 3;
          await db.query(
            `INSERT INTO config_usage_metric (environment_id, granularity, period_start, config_key, metric, dimension, count)
             SELECT $1, 'day', $2, $3, m, dim, c FROM (VALUES ('evaluations', 'graphql', $4::bigint), ('error', 'TYPE_MISMATCH', $5::bigint)) v(m, dim, c)
             WHERE c > 0`,
            [id, at, key, evaluations, errors],
          );
          const pair = { users: new HyperLogLog(), devices: new HyperLogLog() };
          for (let u = 0; u < 20 + i; u += 1) {
            pair.users.addId(`span-user-${i}-${(d * 7 + u) % 300}`);
            if (u % 2 === 0) pair.devices.addId(`span-device-${i}-${(d * 5 + u) % 200}`);
          }
          everyone.users.merge(pair.users);
          everyone.devices.merge(pair.devices);
          await insertSketch(id, at, key, pair);
        }
        await insertSketch(id, at, ENVIRONMENT_WIDE, everyone);
      }
      await db.query(
        `INSERT INTO environment_usage_metric (environment_id, granularity, period_start, metric, dimension, count)
         SELECT environment_id, granularity, period_start, metric, dimension, sum(count)
         FROM config_usage_metric WHERE environment_id = $1 GROUP BY 1, 2, 3, 4, 5`,
        [id],
      );
      await db.query(
        `INSERT INTO config_usage_total (environment_id, granularity, period_start, config_key, evaluations, errors)
         SELECT environment_id, granularity, period_start, config_key,
                coalesce(sum(count) FILTER (WHERE metric = 'evaluations'), 0),
                coalesce(sum(count) FILTER (WHERE metric = 'error'), 0)
         FROM config_usage_metric WHERE environment_id = $1 GROUP BY 1, 2, 3, 4`,
        [id],
      );
      // Written behind the rollup's back, as a late writer would: the spans over them are rebuilt.
      await invalidateSpansFrom(db, new Date(firstDay));
      return id;
    };

    const insertSketch = (
      id: string,
      at: Date,
      key: string,
      pair: { users: HyperLogLog; devices: HyperLogLog },
    ) =>
      db.query(
        `INSERT INTO config_usage_sketch (environment_id, granularity, period_start, config_key, users, devices)
         VALUES ($1, 'day', $2, $3, $4, $5)`,
        [id, at, key, pair.users.toRedis(), pair.devices.toRedis()],
      );

    const rollUp = async () => {
      const queue = app.running.app.get(JobQueue);
      await queue.add(RollupUsageJob, { now: Date.now() });
      await queue.drain();
    };

    const builtUntil = async (): Promise<number | null> => (await readSpanState(db)).builtUntil;

    /** Top lists largest first (as numbers: 1,000 before 999), then by key. */
    const expectRanked = (answer: Analytics) => {
      for (const [list, by] of [
        [answer.topByEvaluations, (t: Top) => t.evaluations],
        [answer.topByErrors, (t: Top) => t.errors],
      ] as const) {
        const ranked = [...list].sort((a, b) => by(b) - by(a) || (a.key < b.key ? -1 : 1));
        expect(list).toEqual(ranked);
      }
    };

    /** The answer with no span usable (every day from its day row), spans left as they were. */
    const fromDayRows = async (variables: Record<string, unknown>) => {
      const until = await builtUntil();
      await db.query('UPDATE usage_span_state SET built_until = NULL');
      try {
        return await analyticsData(variables);
      } finally {
        await db.query('UPDATE usage_span_state SET built_until = $1', [new Date(until!)]);
      }
    };

    /** Ranges over the rows: whole UTC days, days of other zones, hours at either edge. */
    const ranges = (environment: string, keys: string[]) => [
      {
        environment,
        keys,
        from: new Date(firstDay + DAY).toISOString(),
        to: new Date(firstDay + 31 * DAY).toISOString(),
      },
      {
        environment,
        keys,
        from: new Date(firstDay + 3 * DAY).toISOString(),
        to: new Date(firstDay + 37 * DAY).toISOString(),
        timezone: 'America/New_York',
      },
      {
        environment,
        keys,
        from: new Date(firstDay + 2 * DAY + 5 * HOUR).toISOString(),
        to: new Date(firstDay + 26 * DAY + 7 * HOUR).toISOString(),
        timezone: 'Asia/Kolkata',
      },
      {
        environment,
        from: new Date(firstDay).toISOString(),
        to: new Date(firstDay + SPAN_TEST_DAYS * DAY).toISOString(),
      },
    ];

    it('answers ranges from day spans exactly as from day rows: totals, top lists, unique users and devices', async () => {
      const environment = await createEnvironment();
      const keys = Array.from({ length: 12 }, (_, i) => uniqueKey(`analytics.span${i}`));
      const id = await insertDays(environment, keys);
      await rollUp();
      expect(await builtUntil()).toBeGreaterThanOrEqual(firstDay + SPAN_TEST_DAYS * DAY);
      const [{ spans }] = await db.query(
        'SELECT count(*)::int AS spans FROM config_usage_span WHERE environment_id = $1',
        [id],
      );
      expect(spans).toBeGreaterThan(0);
      for (const range of ranges(environment, keys.slice(0, 5))) {
        const answer = await analyticsData(range);
        expect(answer.environmentSeries.totals.uniqueUsers).toBeGreaterThan(0);
        expect(answer.topByEvaluations.length).toBe(10);
        expectRanked(answer);
        expect(answer).toEqual(await fromDayRows(range));
      }
      // The spans are what is read: a span changed changes the answer.
      await db.query(
        `UPDATE config_usage_span SET evaluations = evaluations + 100000
         WHERE environment_id = $1 AND config_key = $2 AND days = 8`,
        [id, keys[11]],
      );
      const [range] = ranges(environment, keys.slice(0, 5));
      expect((await analyticsData(range)).topByEvaluations[0].key).toBe(keys[11]);
      expect((await fromDayRows(range)).topByEvaluations[0].key).not.toBe(keys[11]);
    });

    it('counts a late report into days the spans cover at once, and the rollup rebuilds those spans', async () => {
      const environment = await createEnvironment();
      const config = await createConfig(app, { environment }); // an SDK reports known keys
      const keys = [config.key, uniqueKey('analytics.late1'), uniqueKey('analytics.late2')];
      const id = await insertDays(environment, keys);
      await rollUp();
      const [range] = ranges(environment, keys);
      const before = await analyticsData(range);
      const late = firstDay + 10 * DAY + 12 * HOUR;
      await reportUsage(environment, { key: keys[0], evaluations: 1000 }, late);
      await app.running.app.get(UsageRecorder).flush(); // hour and day rows at once
      expect(await builtUntil()).toBeLessThanOrEqual(firstDay + 10 * DAY);
      const after = await analyticsData(range);
      expectRanked(after);
      const totalOf = (answer: Analytics) =>
        answer.topByEvaluations.find((t) => t.key === keys[0])!.evaluations;
      expect(totalOf(after)).toBe(totalOf(before) + 1000);
      expect(after).toEqual(await fromDayRows(range));
      await rollUp();
      expect(await builtUntil()).toBeGreaterThanOrEqual(firstDay + SPAN_TEST_DAYS * DAY);
      expect(await analyticsData(range)).toEqual(after);
      // Every span of the key holds the sum of its day rows.
      const wrong = await db.query(
        `SELECT s.period_start, s.days FROM config_usage_span s
         WHERE s.environment_id = $1 AND s.config_key = $2 AND s.evaluations <> (
           SELECT coalesce(sum(t.evaluations), 0) FROM config_usage_total t
           WHERE t.environment_id = s.environment_id AND t.config_key = s.config_key
             AND t.granularity = 'day' AND t.period_start >= s.period_start
             AND t.period_start < s.period_start + s.days * interval '1 day')`,
        [id, keys[0]],
      );
      expect(wrong).toEqual([]);
    });

    it('backfills the spans of the day rows already stored when the migration runs', async () => {
      const environment = await createEnvironment();
      const keys = Array.from({ length: 3 }, (_, i) => uniqueKey(`analytics.backfill${i}`));
      const id = await insertDays(environment, keys);
      const runner = db.createQueryRunner();
      try {
        const migration = new UsageDaySpans1796990000000();
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const [{ spanned }] = await db.query(
        `SELECT count(DISTINCT config_key)::int AS spanned FROM config_usage_span WHERE environment_id = $1`,
        [id],
      );
      expect(spanned).toBe(keys.length + 1); // each config's, and the environment's sketches
      for (const range of ranges(environment, keys)) {
        expect(await analyticsData(range)).toEqual(await fromDayRows(range));
      }
    });
  });
});
