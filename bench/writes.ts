// npm run bench:writes — updateConfig through GraphQL against the real PostgreSQL: 1 client,
// then 10 concurrent clients, each on its own config, BENCH_SECONDS (default 20) each.
import { benchWithService, gql, percentile, processStats } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const UPDATE = `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`;
const CREATE = `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }`;

async function run(baseUrl: string, clients: number, label: string): Promise<void> {
  const keys = Array.from({ length: clients }, (_, i) => `bench.writes.${label}.${i}`);
  for (const key of keys) {
    await gql(baseUrl, CREATE, {
      input: {
        environment: 'production',
        key,
        valueType: 'INTEGER',
        value: 0,
        defaultValue: 0,
        maxValue: 1_000_000_000,
      },
    });
  }
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    keys.map(async (key) => {
      let version = 1;
      while (Date.now() < deadline) {
        const started = process.hrtime.bigint();
        const data = await gql<{ updateConfig: { config: { version: number } } }>(baseUrl, UPDATE, {
          input: { environment: 'production', key, expectedVersion: version, value: version },
        });
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        version = data.updateConfig.config.version;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  console.log(
    `${String(clients).padStart(2)} client(s): ${(latencies.length / SECONDS).toFixed(0).padStart(5)} updates/s   ` +
      `p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   ` +
      `(${latencies.length} updates in ${SECONDS} s)`,
  );
}

benchWithService('bc_bench_writes', 4811, async (service) => {
  console.log(
    `bench:writes — updateConfig over GraphQL, PostgreSQL + Redis, ${SECONDS} s per run, node ${process.version}`,
  );
  await run(service.baseUrl, 1, 'one');
  await run(service.baseUrl, 10, 'ten');
  const { cpuSeconds, rssMb } = processStats(service.child.pid!);
  console.log(`server: ${cpuSeconds.toFixed(1)} CPU s in total, RSS ${rssMb.toFixed(0)} MB`);
});
