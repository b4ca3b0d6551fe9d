// npm run bench:outage — evaluation and writes through a PostgreSQL outage. The service (one
// process, real PostgreSQL through a TCP proxy, real Redis) serves GraphQL `evaluate` and OFREP
// at 200 requests/s in all (autocannon, half each) while the proxy cuts the database for
// BENCH_OUTAGE_SECONDS (20): once refusing connections, once silently dropping every packet.
// Midway through each outage one write is timed. Prints the evaluations that failed (must be
// 0) and how long the write took to fail, and with what code. A first round without an outage
// is the baseline: on a busy machine, requests lost to overload show up there too.
import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProxyMode, TcpProxy } from '../test/support/tcp-proxy';
import { ADMIN_TOKEN, BENCH_REDIS_URL, freshDatabase, gql, startService } from './support';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 20);
/** Load before and after the outage, so its edges are inside the measurement. */
const MARGIN_SECONDS = 3;
const PORT = 4610;

const EVALUATE = 'query ($context: JSON!) { evaluate(context: $context) { key value } }';
const CREATE =
  'mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { key } } }';

interface Tally {
  requests: number;
  failed: number;
}

function load(
  baseUrl: string,
  token: string,
  path: string,
  body: string,
  ok: (status: number, body: string) => boolean,
): { tally: Tally; done: Promise<autocannon.Result> } {
  const tally: Tally = { requests: 0, failed: 0 };
  const done = autocannon({
    url: `${baseUrl}${path}`,
    connections: 20,
    overallRate: RATE / 2,
    duration: OUTAGE_SECONDS + 2 * MARGIN_SECONDS,
    timeout: 10,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        body,
        onResponse: (status: number, responseBody: string) => {
          tally.requests += 1;
          if (!ok(status, responseBody)) tally.failed += 1;
        },
      },
    ],
  });
  return { tally, done };
}

async function timedWrite(baseUrl: string, key: string): Promise<string> {
  const started = Date.now();
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({
      query: CREATE,
      variables: {
        input: {
          environment: 'production',
          key,
          valueType: 'STRING',
          value: 'x',
          defaultValue: 'x',
        },
      },
    }),
  });
  const elapsed = Date.now() - started;
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return `${elapsed} ms (${body.errors?.[0]?.extensions?.code ?? 'succeeded'})`;
}

async function outage(
  baseUrl: string,
  proxy: TcpProxy,
  token: string,
  mode: ProxyMode | 'none',
): Promise<void> {
  const graphql = load(
    baseUrl,
    token,
    '/graphql',
    JSON.stringify({ query: EVALUATE, variables: { context: { user: { id: 'u1' } } } }),
    (status, body) => status === 200 && !body.includes('"errors"'),
  );
  const ofrep = load(
    baseUrl,
    token,
    '/ofrep/v1/evaluate/flags',
    JSON.stringify({ context: { targetingKey: 'u1' } }),
    (status) => status === 200,
  );
  await sleep(MARGIN_SECONDS * 1000);
  if (mode !== 'none') await proxy.setMode(mode);
  await sleep((OUTAGE_SECONDS * 1000) / 2);
  const write = await timedWrite(baseUrl, `outage-${mode}`);
  await sleep((OUTAGE_SECONDS * 1000) / 2);
  await proxy.setMode('forward');
  const [graphqlResult, ofrepResult] = await Promise.all([graphql.done, ofrep.done]);
  const lost = (r: autocannon.Result) => r.errors + r.timeouts;
  const failed =
    graphql.tally.failed + ofrep.tally.failed + lost(graphqlResult) + lost(ofrepResult);
  console.log(
    `${mode}: ${OUTAGE_SECONDS} s ${mode === 'none' ? 'without an outage' : 'outage'} at ${RATE} req/s offered: ` +
      `${graphql.tally.requests + ofrep.tally.requests} evaluations, ${failed} failed ` +
      `(GraphQL ${graphql.tally.failed} + ${lost(graphqlResult)} lost, ` +
      `OFREP ${ofrep.tally.failed} + ${lost(ofrepResult)} lost); ` +
      `p99 latency GraphQL ${graphqlResult.latency.p99} ms, OFREP ${ofrepResult.latency.p99} ms; ` +
      `a write in the middle took ${write}`,
  );
}

async function main(): Promise<void> {
  const database = await freshDatabase('bench_outage');
  const proxy = await TcpProxy.start();
  const service = await startService(
    {
      DATABASE_URL: proxy.url(database.url),
      REDIS_URL: BENCH_REDIS_URL,
      REDIS_PREFIX: 'bench_outage',
      API_WORKERS: '1',
    },
    PORT,
  );
  try {
    await gql(service.baseUrl, CREATE, {
      input: {
        environment: 'production',
        key: 'banner',
        valueType: 'STRING',
        value: 'on',
        defaultValue: 'off',
      },
    });
    const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
      service.baseUrl,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
      { input: { name: 'bench sdk', roles: ['SDK'], environment: 'production' } },
    );
    for (const mode of ['none', 'refuse', 'blackhole'] as const) {
      await outage(service.baseUrl, proxy, createApiKey.token, mode);
      // The service reconnects before the next round.
      for (;;) {
        const ready = await fetch(`${service.baseUrl}/health/ready`).then((r) => r.ok);
        if (ready) break;
        await sleep(200);
      }
    }
  } finally {
    await service.stop();
    await proxy.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
