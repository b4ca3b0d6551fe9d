// npm run bench:usage — SDK usage reports under load: BENCH_CLIENTS (20) clients each send
// `reportUsage` batches of BENCH_ENTRIES (500) entries, one after the other, for BENCH_SECONDS
// (30), against the service on the real PostgreSQL. Prints entries/s and latency, then checks
// that the stored totals (minute, hour and day rows) equal what was sent.
import { Client } from 'pg';
import { benchWithService, gql, percentile, processStats } from './support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONFIGS = Number(process.env.BENCH_CONFIGS ?? 1000);

const REPORT = `mutation ($input: ReportUsageInput!) { reportUsage(input: $input) { accepted } }`;
const RUN_ROLLUP = `mutation ($input: RunMaintenanceInput!) { runMaintenance(input: $input) { jobId } }`;
const CREATE = `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }`;

async function setUp(baseUrl: string): Promise<{ token: string; keys: string[] }> {
  const keys = Array.from({ length: CONFIGS }, (_, i) => `bench.usage.${i}`);
  for (const key of keys) {
    await gql(baseUrl, CREATE, {
      input: {
        environment: 'production',
        key,
        valueType: 'BOOLEAN',
        value: true,
        defaultValue: false,
      },
    });
  }
  const key = await gql<{ createApiKey: { token: string } }>(
    baseUrl,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
    { input: { name: 'bench sdk', roles: ['SDK'], environment: 'production' } },
  );
  return { token: key.createApiKey.token, keys };
}

/** Stored SDK totals per granularity: evaluations, cache hits, cache misses, errors. */
async function storedTotals(databaseUrl: string): Promise<Record<string, number[]>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ granularity: string; metric: string; n: string }>(
      `SELECT granularity, metric, sum(count) AS n FROM config_usage_metric
       WHERE metric IN ('cache_hit', 'cache_miss', 'error') OR (metric = 'evaluations' AND dimension = 'sdk')
       GROUP BY granularity, metric`,
    );
    const totals: Record<string, number[]> = {};
    const order = ['evaluations', 'cache_hit', 'cache_miss', 'error'];
    for (const row of rows) {
      totals[row.granularity] ??= [0, 0, 0, 0];
      totals[row.granularity][order.indexOf(row.metric)] = Number(row.n);
    }
    return totals;
  } finally {
    await client.end();
  }
}

benchWithService('bc_bench_usage', 4817, async (service) => {
  const { token, keys } = await setUp(service.baseUrl);
  console.log(
    `bench:usage — ${CLIENTS} clients, reportUsage batches of ${ENTRIES} entries over ${CONFIGS} configs, ` +
      `${SECONDS} s, node ${process.version}`,
  );
  const sent = [0, 0, 0, 0];
  const latencies: number[] = [];
  let failures = 0;
  let batches = 0;
  const before = processStats(service.child.pid!);
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      let sequence = 0;
      while (Date.now() < deadline) {
        sequence += 1;
        const end = Date.now() - 1000;
        const entries = Array.from({ length: ENTRIES }, (_, i) => ({
          key: keys[(client * 7919 + sequence * 31 + i) % keys.length],
          evaluations: 1 + ((i * 13 + sequence) % 100),
          cacheHits: (i + sequence) % 50,
          cacheMisses: (i + client) % 5,
          errors: i % 10 === 0 ? [{ code: 'TYPE_MISMATCH', count: 1 + (i % 3) }] : [],
          periodStart: new Date(end - 60_000).toISOString(),
          periodEnd: new Date(end).toISOString(),
        }));
        const body = JSON.stringify({
          query: REPORT,
          variables: {
            input: {
              batchId: `bench-${client}-${sequence}`,
              sdk: { name: 'bench', version: '1.0.0' },
              entries,
            },
          },
        });
        const started = process.hrtime.bigint();
        const response = await fetch(`${service.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const answer = (await response.json()) as {
          data?: { reportUsage: { accepted: number } };
        };
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (answer.data?.reportUsage.accepted !== ENTRIES) {
          failures += 1;
          continue;
        }
        batches += 1;
        for (const entry of entries) {
          sent[0] += entry.evaluations;
          sent[1] += entry.cacheHits;
          sent[2] += entry.cacheMisses;
          sent[3] += entry.errors.reduce((sum, error) => sum + error.count, 0);
        }
      }
    }),
  );
  const after = processStats(service.child.pid!);
  latencies.sort((a, b) => a - b);
  console.log(
    `${(batches / SECONDS).toFixed(1)} batches/s = ${((batches * ENTRIES) / SECONDS).toFixed(0)} entries/s   ` +
      `p50 ${percentile(latencies, 50).toFixed(0)} ms   p99 ${percentile(latencies, 99).toFixed(0)} ms   ` +
      `server CPU ${(((after.cpuSeconds - before.cpuSeconds) / SECONDS) * 100).toFixed(0)}%` +
      (failures ? `   FAILED ${failures}` : ''),
  );
  // Counts are written with each process's next flush (USAGE_FLUSH_MS, 10 s); hours and days
  // by the rollup job, so those are checked by running it the way maintenance does.
  let stored: Record<string, number[]> = {};
  const equal = () => JSON.stringify(stored.minute) === JSON.stringify(sent);
  for (let waited = 0; waited < 30_000 && !equal(); waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    stored = await storedTotals(service.env.DATABASE_URL);
  }
  await gql(service.baseUrl, RUN_ROLLUP, { input: { task: 'ROLLUP_USAGE' } });
  for (let waited = 0; waited < 30_000; waited += 500) {
    stored = await storedTotals(service.env.DATABASE_URL);
    if (JSON.stringify(stored.day) === JSON.stringify(sent)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const matches = ['minute', 'hour', 'day'].every(
    (granularity) => JSON.stringify(stored[granularity]) === JSON.stringify(sent),
  );
  console.log(
    `count check (evaluations, cache hits, cache misses, errors): sent ${sent.join(', ')}; ` +
      `stored ${['minute', 'hour', 'day'].map((g) => `${g} ${stored[g]?.join(', ')}`).join('; ')} → ` +
      (matches ? 'equal' : 'NOT EQUAL'),
  );
  if (!matches || failures > 0) process.exitCode = 1;
});
