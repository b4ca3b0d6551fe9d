// npm run bench:evaluate — the evaluate APIs under load: the service on the real PostgreSQL
// with the 100 configs of bench:engine, autocannon on loopback (same cores) at concurrency 50,
// a different context per request, every config evaluated per request. GraphQL `evaluate`
// first, then OFREP bulk. Each runs against two services on the same database, one with usage
// metrics on and one off (USAGE_METRICS=off): a warm-up each, then BENCH_PAIRS (3) interleaved
// on/off pairs of BENCH_SECONDS (20); the overhead is the median of the pairs.
// The service runs as it would on this machine in production: one API worker per core
// (API_WORKERS, unless set).
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { benchConfigState, buildWorkload, Subject } from './engine-peers';
import { benchWithService, gql, processStats, Service, startService } from './support';

const CONFIGS = 100;
const SUBJECTS = 10_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Interleaved pairs of runs with usage metrics on and off. */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);

process.env.API_WORKERS ??= String(availableParallelism());

const EVALUATE = 'query ($context: JSON!) { evaluate(context: $context) { key value reason } }';

interface Target {
  name: string;
  path: string;
  /** One request body per subject, serialised up front so the load generator stays light. */
  bodies: string[];
  /** Checks one answer before the load: every config evaluated. */
  check(body: unknown): boolean;
}

function contextOf(s: Subject) {
  return {
    user: { id: s.userId, country: s.country, plan: s.plan, age: s.age },
    device: { id: s.deviceId, os: s.os },
  };
}

async function setUp(baseUrl: string): Promise<string> {
  const { configs } = buildWorkload(CONFIGS, 0);
  for (const config of configs) {
    const state = benchConfigState(config);
    await gql(
      baseUrl,
      'mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }',
      {
        input: {
          environment: 'production',
          key: state.key,
          valueType: 'BOOLEAN',
          value: state.value,
          defaultValue: state.defaultValue,
          rolloutPercentage: state.rolloutPercentage,
          targetingRules: state.targetingRules,
        },
      },
    );
  }
  const key = await gql<{ createApiKey: { token: string } }>(
    baseUrl,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
    { input: { name: 'bench sdk', roles: ['SDK'], environment: 'production' } },
  );
  return key.createApiKey.token;
}

function run(
  baseUrl: string,
  token: string,
  target: Target,
  seconds: number,
): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${baseUrl}${target.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (request) => {
          next = (next + 1) % target.bodies.length;
          return { ...request, body: target.bodies[next] };
        },
      },
    ],
  });
}

/** One timed run against a service: its req/s, with its line printed. */
async function round(service: Service, token: string, target: Target, label: string) {
  const before = processStats(service.child.pid!);
  const result = await run(service.baseUrl, token, target, SECONDS);
  const after = processStats(service.child.pid!);
  const cpu = ((after.cpuSeconds - before.cpuSeconds) / SECONDS) * 100;
  const failed = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${target.name.padEnd(14)} ${label}: ${result.requests.average.toFixed(0).padStart(6)} req/s   ` +
      `p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   ` +
      `server CPU ${cpu.toFixed(0)}%  RSS ${after.rssMb.toFixed(0)} MB` +
      (failed ? `   FAILED ${failed}` : ''),
  );
  return result.requests.average;
}

async function probe(service: Service, token: string, target: Target): Promise<void> {
  const response = await fetch(`${service.baseUrl}${target.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: target.bodies[0],
  });
  if (!response.ok || !target.check(await response.json())) {
    throw new Error(`${target.name}: the probe request did not evaluate every config`);
  }
}

/**
 * Usage metrics on against off, in interleaved pairs (on first, then off first, …) so drift in
 * the machine's load falls on both sides; the overhead is the median of the pairs' overheads.
 */
async function measure(on: Service, off: Service, token: string, target: Target): Promise<void> {
  for (const service of [on, off]) {
    await probe(service, token, target);
    await run(service.baseUrl, token, target, WARMUP_SECONDS);
  }
  const overheads: number[] = [];
  for (let pair = 1; pair <= PAIRS; pair += 1) {
    const order = pair % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
    const rates: Record<string, number> = {};
    for (const side of order) {
      rates[side] = await round(
        side === 'on' ? on : off,
        token,
        target,
        `pair ${pair} metrics ${side.padEnd(3)}`,
      );
    }
    overheads.push((1 - rates.on / rates.off) * 100);
  }
  const sorted = [...overheads].sort((a, b) => a - b);
  console.log(
    `${target.name.padEnd(14)} usage metrics overhead: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}% fewer req/s ` +
      `(pairs: ${overheads.map((o) => `${o.toFixed(1)}%`).join(', ')}; target ≤ 3%)`,
  );
}

benchWithService('bc_bench_evaluate', 4813, async (service) => {
  const token = await setUp(service.baseUrl);
  // A second service on the same database with usage metrics off, for the comparison.
  const off = await startService({ ...service.env, USAGE_METRICS: 'off' }, 4814);
  const contexts = buildWorkload(CONFIGS, SUBJECTS).subjects.map(contextOf);
  console.log(
    `bench:evaluate — ${CONFIGS} configs, ${SUBJECTS} distinct contexts, ${CONNECTIONS} connections, ` +
      `${PAIRS} pairs of metrics on/off × ${SECONDS} s after ${WARMUP_SECONDS} s warm-up each, ` +
      `API_WORKERS=${process.env.API_WORKERS}, node ${process.version}`,
  );
  const targets: Target[] = [
    {
      name: 'GraphQL',
      path: '/graphql',
      bodies: contexts.map((context) =>
        JSON.stringify({ query: EVALUATE, variables: { context } }),
      ),
      check: (body) =>
        (body as { data?: { evaluate?: unknown[] } }).data?.evaluate?.length === CONFIGS,
    },
    {
      name: 'OFREP bulk',
      path: '/ofrep/v1/evaluate/flags',
      bodies: contexts.map((context) =>
        JSON.stringify({ context: { targetingKey: context.user.id, ...context } }),
      ),
      check: (body) => (body as { flags?: unknown[] }).flags?.length === CONFIGS,
    },
  ];
  // BENCH_TARGETS=ofrep (or graphql) measures only that one.
  const only = process.env.BENCH_TARGETS?.toLowerCase();
  try {
    for (const target of targets) {
      if (!only || target.name.toLowerCase().startsWith(only)) {
        await measure(service, off, token, target);
      }
    }
  } finally {
    await off.stop();
  }
});
