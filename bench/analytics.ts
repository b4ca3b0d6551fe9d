// npm run bench:analytics — configAnalytics over a large usage table: BENCH_DAYS (90) days ×
// BENCH_CONFIGS (1,000) configs of hourly rows (generated in SQL), with the daily rows the
// rollup job would have written (with each config's totals), and day sketches of users and devices (BENCH_SKETCH_USERS,
// 100, a config-day) and the day spans over them (as the migration's backfill builds them), on
// a fresh database of the real PostgreSQL. Then times
// configAnalytics for 30 days at DAY granularity for 20 configs, and for the whole environment
// (no keys): p50/p99 of BENCH_QUERIES (100) queries each (target p99 < 100 ms). Prints the
// plans of the statements behind them. Run small with e.g. BENCH_DAYS=10 BENCH_CONFIGS=50.
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AnalyticsRepository } from '../src/modules/analytics/analytics.repository';
import { HyperLogLog } from '../src/modules/usage/hyperloglog';
import { ENVIRONMENT_WIDE } from '../src/modules/usage/unique-counter';
import { buildUsageSpans } from '../src/modules/usage/usage-span.builder';
import { SPAN_SETTLE_MS } from '../src/modules/usage/usage-span.util';
import { UsageGranularity } from '../src/modules/usage/usage-metric.util';
import { benchWithService, gql, percentile } from './support';

const DAYS = Number(process.env.BENCH_DAYS ?? 90);
const CONFIGS = Number(process.env.BENCH_CONFIGS ?? 1000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
/** Distinct users per config and day in the sketches (devices: half as many). */
const SKETCH_USERS = Number(process.env.BENCH_SKETCH_USERS ?? 100);
const RANGE_DAYS = Math.min(30, DAYS);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const ANALYTICS = `query ($keys: [String!], $from: DateTime!, $to: DateTime!, $timezone: String!) {
  configAnalytics(environment: "production", keys: $keys, from: $from, to: $to, granularity: DAY,
      timezone: $timezone) {
    environmentSeries { totals { evaluations errors errorRate uniqueUsers uniqueDevices }
      points { periodStart evaluations errors defaults errorRate } }
    configs { key totals { evaluations errors errorRate uniqueUsers uniqueDevices }
      points { periodStart evaluations errors defaults targetingMatches errorRate } }
    topByEvaluations { key evaluations } topByErrors { key errors }
  } }`;

/**
 * Per config and hour: evaluations over GraphQL and from SDKs, defaults served, a targeting
 * match for every other config, and an error for one config in seven (4.4 rows per config-hour).
 * Day rows and the environment sums are computed from them as the rollup job does.
 */
async function generate(client: Client, environmentId: string, end: number): Promise<number> {
  const chunkDays = 5;
  for (let day = 0; day < DAYS; day += chunkDays) {
    const from = new Date(end - (DAYS - day) * DAY_MS);
    const to = new Date(end - (DAYS - Math.min(DAYS, day + chunkDays)) * DAY_MS);
    await client.query(
      `INSERT INTO config_usage_metric
         (environment_id, granularity, period_start, config_key, metric, dimension, count)
       SELECT $1, 'hour', h, 'bench.analytics.' || c, m.metric, m.dimension,
              1 + (c * 7919 + (extract(epoch FROM h)::bigint / 3600) * m.salt) % 1000
       FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour') h
       CROSS JOIN generate_series(0, $4 - 1) c
       CROSS JOIN (VALUES ('evaluations', 'graphql', 3), ('evaluations', 'sdk', 5),
                          ('default', '', 7), ('targeting_match', 'rule-1', 11),
                          ('error', 'TYPE_MISMATCH', 13)) m(metric, dimension, salt)
       WHERE (m.metric <> 'targeting_match' OR c % 2 = 0) AND (m.metric <> 'error' OR c % 7 = 0)`,
      [environmentId, from, to, CONFIGS],
    );
    process.stdout.write(`\r  hourly rows: ${Math.min(DAYS, day + chunkDays)}/${DAYS} days`);
  }
  process.stdout.write('\n');
  // Set, not inserted: on a slow machine the service's own rollup job (every 5 minutes) may
  // have summed today's day rows while the hours were generated.
  await client.query(
    `INSERT INTO config_usage_metric
       (environment_id, granularity, period_start, config_key, metric, dimension, count)
     SELECT environment_id, 'day', date_trunc('day', period_start, 'UTC'), config_key, metric, dimension, sum(count)
     FROM config_usage_metric WHERE environment_id = $1 AND granularity = 'hour'
     GROUP BY environment_id, date_trunc('day', period_start, 'UTC'), config_key, metric, dimension
     ON CONFLICT ON CONSTRAINT pk_config_usage_metric DO UPDATE SET count = EXCLUDED.count`,
    [environmentId],
  );
  // The environment sums the rollup job keeps (environment_usage_metric).
  await client.query(
    `INSERT INTO environment_usage_metric
       (environment_id, granularity, period_start, metric, dimension, count)
     SELECT environment_id, granularity, period_start, metric, dimension, sum(count)
     FROM config_usage_metric WHERE environment_id = $1
     GROUP BY environment_id, granularity, period_start, metric, dimension
     ON CONFLICT ON CONSTRAINT pk_environment_usage_metric DO UPDATE SET count = EXCLUDED.count`,
    [environmentId],
  );
  // Each config's evaluations and errors per hour and day (config_usage_total), in the order
  // the rollup job writes them: period by period.
  await client.query(
    `INSERT INTO config_usage_total
       (environment_id, granularity, period_start, config_key, evaluations, errors)
     SELECT environment_id, granularity, period_start, config_key,
            coalesce(sum(count) FILTER (WHERE metric = 'evaluations'), 0),
            coalesce(sum(count) FILTER (WHERE metric = 'error'), 0)
     FROM config_usage_metric
     WHERE environment_id = $1 AND metric IN ('evaluations', 'error')
     GROUP BY environment_id, granularity, period_start, config_key
     ORDER BY granularity, period_start, config_key
     ON CONFLICT ON CONSTRAINT pk_config_usage_total DO UPDATE
       SET evaluations = EXCLUDED.evaluations, errors = EXCLUDED.errors`,
    [environmentId],
  );
  await client.query('VACUUM ANALYZE config_usage_metric');
  await client.query('VACUUM ANALYZE environment_usage_metric');
  await client.query('VACUUM ANALYZE config_usage_total');
  const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM config_usage_metric')).rows;
  return n as number;
}

/**
 * Day sketches of users and devices per config and day, and the environment's (the union of
 * its configs'), as the rollup job persists them: each config sees SKETCH_USERS users a day
 * out of a pool of 10 × SKETCH_USERS, so distinct counts grow over a range. Hour sketches are
 * not generated (a range of whole UTC days reads day sketches only).
 */
async function generateSketches(
  client: Client,
  environmentId: string,
  end: number,
): Promise<number> {
  let rows = 0;
  const firstDay = Math.floor(end / DAY_MS) * DAY_MS - (DAYS - 1) * DAY_MS;
  for (let day = 0; day < DAYS; day += 1) {
    const keys: string[] = [];
    const users: string[] = [];
    const devices: string[] = [];
    const everyone = { users: new HyperLogLog(), devices: new HyperLogLog() };
    for (let c = 0; c < CONFIGS; c += 1) {
      const pair = { users: new HyperLogLog(), devices: new HyperLogLog() };
      for (let i = 0; i < SKETCH_USERS; i += 1) {
        const n = (day * SKETCH_USERS + i) % (10 * SKETCH_USERS);
        pair.users.addId(`user-${(c * 7 + n) % (CONFIGS * SKETCH_USERS)}`);
        if (i % 2 === 0) pair.devices.addId(`device-${(c * 7 + n) % (CONFIGS * SKETCH_USERS)}`);
      }
      everyone.users.merge(pair.users);
      everyone.devices.merge(pair.devices);
      keys.push(`bench.analytics.${c}`);
      users.push(pair.users.toRedis().toString('hex'));
      devices.push(pair.devices.toRedis().toString('hex'));
    }
    keys.push(ENVIRONMENT_WIDE);
    users.push(everyone.users.toRedis().toString('hex'));
    devices.push(everyone.devices.toRedis().toString('hex'));
    await client.query(
      `INSERT INTO config_usage_sketch (environment_id, granularity, period_start, config_key, users, devices)
       SELECT $1, 'day', $2, k, decode(u, 'hex'), decode(d, 'hex')
       FROM unnest($3::text[], $4::text[], $5::text[]) AS r(k, u, d)`,
      [environmentId, new Date(firstDay + day * DAY_MS), keys, users, devices],
    );
    rows += keys.length;
    process.stdout.write(`\r  day sketches: ${day + 1}/${DAYS} days`);
  }
  process.stdout.write('\n');
  await client.query('VACUUM ANALYZE config_usage_sketch');
  return rows;
}

/**
 * The day spans over the generated day rows, as the migration's backfill builds them (the
 * service's own migration ran on an empty database, so its spans are marked built already).
 */
async function backfillSpans(client: Client): Promise<number> {
  const db = {
    query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
  };
  await client.query('BEGIN');
  try {
    await client.query('UPDATE usage_span_state SET built_until = NULL');
    const built = await buildUsageSpans(db, Date.now() - SPAN_SETTLE_MS);
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE config_usage_span');
    return built;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** The analytics repository with every statement EXPLAINed instead of run (plans in `text`). */
function explainingRepository(client: Client): { repository: AnalyticsRepository; text: string[] } {
  const text: string[] = [];
  const explaining = {
    async query(sql: string, params: unknown[]) {
      const { rows } = await client.query(`EXPLAIN ${sql}`, params);
      for (const row of rows as { 'QUERY PLAN': string }[]) text.push(`    ${row['QUERY PLAN']}`);
      text.push('');
      return [];
    },
  };
  return { repository: new AnalyticsRepository(explaining as unknown as DataSource), text };
}

async function time(baseUrl: string, variables: Record<string, unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const started = process.hrtime.bigint();
    await gql(baseUrl, ANALYTICS, variables);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return latencies.sort((a, b) => a - b);
}

const show = (label: string, latencies: number[]) =>
  console.log(
    `  ${label.padEnd(52)} p50 ${percentile(latencies, 50).toFixed(1).padStart(7)} ms   ` +
      `p99 ${percentile(latencies, 99).toFixed(1).padStart(7)} ms`,
  );

benchWithService('bc_bench_analytics', 4819, async (service) => {
  const client = new Client({ connectionString: service.env.DATABASE_URL });
  await client.connect();
  try {
    const [{ id }] = (await client.query(`SELECT id FROM environment WHERE key = 'production'`))
      .rows;
    const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    console.log(
      `bench:analytics — ${DAYS} days × ${CONFIGS} configs of hourly rows (${DAYS * 24 * CONFIGS} config-hours), node ${process.version}`,
    );
    const started = Date.now();
    const rows = await generate(client, id as string, end);
    console.log(
      `  ${rows} usage rows (hour and day) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const sketchesStarted = Date.now();
    const sketches = await generateSketches(client, id as string, end);
    console.log(
      `  ${sketches} day sketches (${SKETCH_USERS} users a config-day) in ${((Date.now() - sketchesStarted) / 1000).toFixed(1)} s`,
    );
    const spansStarted = Date.now();
    const spans = await backfillSpans(client);
    console.log(
      `  ${spans} day spans (2..256 days, every config) backfilled in ${((Date.now() - spansStarted) / 1000).toFixed(1)} s`,
    );
    const to = new Date(Math.floor(end / DAY_MS) * DAY_MS);
    const from = new Date(to.getTime() - RANGE_DAYS * DAY_MS);
    const keys = Array.from(
      { length: Math.min(20, CONFIGS) },
      (_, i) => `bench.analytics.${i * 7}`,
    );
    const range = { from: from.toISOString(), to: to.toISOString(), timezone: 'UTC' };
    await time(service.baseUrl, { ...range, keys }); // warm up
    show(
      `${RANGE_DAYS} days, DAY, ${keys.length} configs (+ environment, tops)`,
      await time(service.baseUrl, { ...range, keys }),
    );
    show(
      `${RANGE_DAYS} days, DAY, whole environment (no keys)`,
      await time(service.baseUrl, range),
    );
    const newYork = { ...range, timezone: 'America/New_York', keys };
    show(
      `${RANGE_DAYS} days, DAY in America/New_York (hourly rows), ${keys.length} configs`,
      await time(service.baseUrl, newYork),
    );
    console.log(
      '  plans of the statements behind the last query (environment series, configs, top lists):',
    );
    const plans = explainingRepository(client);
    const bounds = Array.from(
      { length: RANGE_DAYS + 1 },
      (_, i) => new Date(from.getTime() + i * DAY_MS),
    );
    await plans.repository.pointCounts(id as string, UsageGranularity.Day, bounds, null);
    await plans.repository.pointCounts(id as string, UsageGranularity.Day, bounds, keys);
    await plans.repository.topConfigs(id as string, from, to, 10);
    console.log(plans.text.join('\n'));
  } finally {
    await client.end();
  }
});
