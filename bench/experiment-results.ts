// npm run bench:experiment-results — `experimentResults` latency over an experiment with
// BENCH_EXPOSURES (1,000,000) exposures and BENCH_EVENTS (10,000,000) events, on the real
// PostgreSQL. Results read only the aggregates (exposure counts and metric totals), never the
// raw events, so the bench seeds the aggregate tables at that scale (the exposures and the
// per-subject totals as rows, the per-variant totals from them); raw event rows are seeded only
// with BENCH_RAW_EVENTS=1 (10 M rows take minutes and gigabytes). Then BENCH_CLIENTS (4)
// clients ask `experimentResults` BENCH_REQUESTS (500) times in all, with its history over
// BENCH_HISTORY_DAYS (30) days of daily aggregates. Target: p99 < 200 ms.
import { Client } from 'pg';
import { benchWithService, gql, percentile } from './support';

const EXPOSURES = Number(process.env.BENCH_EXPOSURES ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const RAW_EVENTS = process.env.BENCH_RAW_EVENTS === '1';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 30);

const RESULTS = `query ($key: String!) {
  experimentResults(environment: "production", key: $key) {
    totalExposures trustworthy sampleRatio { pValue }
    metrics { name chiSquare { pValue } variants { variantKey exposures converters n mean
      comparison { pValue adjustedPValue decisionPValue sequential { pValue } } }
      history { at variants { variantKey exposures converters sequentialPValue } } } } }`;

/** Seeds the experiment's exposures, per-subject totals and the aggregates made from them. */
async function seed(databaseUrl: string, experimentId: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ id: environmentId }] = (
      await client.query<{ id: string }>(`SELECT id FROM environment WHERE key = 'production'`)
    ).rows;
    const exposed = `now() - interval '1 day'`;
    await client.query(
      `INSERT INTO experiment_exposure (experiment_id, subject, environment_id, variant_key, exposed_at)
       SELECT $1, 'user-' || i, $2, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END, ${exposed}
       FROM generate_series(1, $3) AS i`,
      [experimentId, environmentId, EXPOSURES],
    );
    await client.query(
      `INSERT INTO experiment_exposure_count (experiment_id, variant_key, exposures)
       SELECT experiment_id, variant_key, count(*) FROM experiment_exposure
       WHERE experiment_id = $1 GROUP BY experiment_id, variant_key`,
      [experimentId],
    );
    // A third of the subjects buy (purchase), every one of them with revenue; the events are
    // spread over them so the totals count EVENTS events.
    const perSubject = Math.max(1, Math.round(EVENTS / 2 / Math.ceil(EXPOSURES / 3)));
    for (const eventName of ['purchase', 'revenue']) {
      await client.query(
        `INSERT INTO experiment_subject_metric (experiment_id, event_name, subject, variant_key, events, total)
         SELECT experiment_id, $2, subject, variant_key, $3,
                CASE WHEN $2 = 'revenue' THEN (hashtext(subject) & 1023) / 10.0 ELSE 0 END
         FROM experiment_exposure WHERE experiment_id = $1 AND hashtext(subject) % 3 = 0`,
        [experimentId, eventName, perSubject],
      );
    }
    await client.query(
      `INSERT INTO experiment_metric_total
         (experiment_id, variant_key, event_name, converters, events, sum, sum_of_squares)
       SELECT experiment_id, variant_key, event_name, count(*), sum(events), sum(total), sum(total ^ 2)
       FROM experiment_subject_metric WHERE experiment_id = $1
       GROUP BY experiment_id, variant_key, event_name`,
      [experimentId],
    );
    // The history's daily rows: the totals spread over HISTORY_DAYS days (the results chart
    // every one of them).
    await client.query(
      `INSERT INTO experiment_exposure_daily (experiment_id, variant_key, day, exposures)
       SELECT experiment_id, variant_key, current_date - d, exposures / $2
       FROM experiment_exposure_count, generate_series(0, $2 - 1) AS d WHERE experiment_id = $1`,
      [experimentId, HISTORY_DAYS],
    );
    await client.query(
      `INSERT INTO experiment_metric_daily
         (experiment_id, variant_key, event_name, day, converters, events, sum, sum_of_squares)
       SELECT experiment_id, variant_key, event_name, current_date - d, converters / $2,
              events / $2, sum / $2, sum_of_squares / $2
       FROM experiment_metric_total, generate_series(0, $2 - 1) AS d WHERE experiment_id = $1`,
      [experimentId, HISTORY_DAYS],
    );
    if (RAW_EVENTS) {
      await client.query(
        `INSERT INTO experiment_event (environment_id, event_id, experiment_id, event_name, subject, value, occurred_at)
         SELECT $2, 'bench-' || i, $1, CASE WHEN i % 2 = 0 THEN 'purchase' ELSE 'revenue' END,
                'user-' || (i % $4 + 1), i % 100, now() - interval '1 hour'
         FROM generate_series(1, $3) AS i`,
        [experimentId, environmentId, EVENTS, EXPOSURES],
      );
      // Already folded: the aggregation job skips them.
      await client.query(
        `UPDATE experiment_event_watermark SET seq = (SELECT coalesce(max(seq), 0) FROM experiment_event)`,
      );
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

benchWithService('bc_bench_experiment_results', 4821, async (service) => {
  const config = 'bench.checkout';
  await gql(
    service.baseUrl,
    'mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }',
    {
      input: {
        environment: 'production',
        key: config,
        valueType: 'STRING',
        value: 'blue',
        defaultValue: 'blue',
      },
    },
  );
  const created = await gql<{ createExperiment: { experiment: { id: string; key: string } } }>(
    service.baseUrl,
    'mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id key } } }',
    {
      input: {
        environment: 'production',
        configKey: config,
        key: 'bench-results',
        name: 'Bench',
        variants: [
          { key: 'control', name: 'Control', value: 'blue', weight: 50, control: true },
          { key: 'treatment', name: 'Treatment', value: 'green', weight: 50 },
        ],
        primaryMetric: { event: 'purchase', kind: 'CONVERSION' },
        secondaryMetrics: [{ event: 'revenue', kind: 'NUMERIC' }],
        sequential: true,
      },
    },
  );
  const { id, key } = created.createExperiment.experiment;
  await gql(
    service.baseUrl,
    'mutation ($input: StartExperimentInput!) { startExperiment(input: $input) { experiment { status } } }',
    { input: { environment: 'production', key } },
  );
  const seeding = Date.now();
  await seed(service.env.DATABASE_URL, id);
  console.log(
    `bench:experiment-results — ${EXPOSURES} exposures, ${EVENTS} events in the aggregates` +
      `${RAW_EVENTS ? ' and as raw rows' : ''} (seeded in ${((Date.now() - seeding) / 1000).toFixed(0)} s), ` +
      `${CLIENTS} clients × ${REQUESTS} requests in all, node ${process.version}`,
  );
  const first = await gql<{
    experimentResults: { totalExposures: number; metrics: { history: unknown[] }[] };
  }>(service.baseUrl, RESULTS, { key });
  if (first.experimentResults.totalExposures !== EXPOSURES) {
    throw new Error(`totalExposures ${first.experimentResults.totalExposures} ≠ ${EXPOSURES}`);
  }
  const days = first.experimentResults.metrics[0].history.length;
  if (days !== HISTORY_DAYS) throw new Error(`history of ${days} days ≠ ${HISTORY_DAYS}`);
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const started = process.hrtime.bigint();
        await gql(service.baseUrl, RESULTS, { key });
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  console.log(
    `experimentResults: p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${p99.toFixed(1)} ms ` +
      `(target < 200 ms: ${p99 < 200 ? 'met' : 'NOT MET'})`,
  );
});
