// npm run bench:evaluate — the evaluate APIs under load: the service on the real PostgreSQL
// with the 100 configs of bench:engine, autocannon on loopback (same cores) at concurrency 50,
// a different context per request, every config evaluated per request. GraphQL `evaluate`
// first, then OFREP bulk. Each runs against two API services (ROLE=api) on the same database,
// one with usage metrics on and one off (USAGE_METRICS=off): a warm-up each, then BENCH_PAIRS (3) interleaved
// on/off pairs of BENCH_SECONDS (20); the overhead is the median of the pairs. Each side's
// server CPU time per request is printed too: the cost itself, whatever share of the cores the
// load generator took. On two shared cores one run's req/s drifts by ±10% with the machine's
// load: BENCH_PAIRS=7 BENCH_SECONDS=10 gives a steadier median in the same time. Then
// BENCH_SIDE_BY_SIDE (4) rounds with both services loaded at once (half the connections each):
// whatever the machine does then, it does to both sides, so drift cancels out.
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
/** Rounds with both services loaded at the same time. */
const SIDE_BY_SIDE = Number(process.env.BENCH_SIDE_BY_SIDE ?? 4);
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
  connections = CONNECTIONS,
): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${baseUrl}${target.path}`,
    connections,
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

/** One timed run against a service: its req/s and server CPU µs per request, its line printed. */
async function round(service: Service, token: string, target: Target, label: string) {
  const before = processStats(service.child.pid!);
  const result = await run(service.baseUrl, token, target, SECONDS);
  const after = processStats(service.child.pid!);
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  const cpuPerRequest = (cpuSeconds / result.requests.total) * 1e6;
  const failed = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${target.name.padEnd(14)} ${label}: ${result.requests.average.toFixed(0).padStart(6)} req/s   ` +
      `p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   ` +
      `server CPU ${((cpuSeconds / SECONDS) * 100).toFixed(0)}% ${cpuPerRequest.toFixed(0).padStart(4)} µs/req  ` +
      `RSS ${after.rssMb.toFixed(0)} MB` +
      (failed ? `   FAILED ${failed}` : ''),
  );
  return { rate: result.requests.average, cpuPerRequest };
}

/** The middle value; of an even count, the mean of the middle two. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percents = (values: number[]) => values.map((o) => `${o.toFixed(1)}%`).join(', ');

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
  const cpuOverheads: number[] = [];
  for (let pair = 1; pair <= PAIRS; pair += 1) {
    const order = pair % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
    const rounds: Record<string, { rate: number; cpuPerRequest: number }> = {};
    for (const side of order) {
      rounds[side] = await round(
        side === 'on' ? on : off,
        token,
        target,
        `pair ${pair} metrics ${side.padEnd(3)}`,
      );
    }
    overheads.push((1 - rounds.on.rate / rounds.off.rate) * 100);
    cpuOverheads.push((rounds.on.cpuPerRequest / rounds.off.cpuPerRequest - 1) * 100);
  }
  console.log(
    `${target.name.padEnd(14)} usage metrics overhead: median ${median(overheads).toFixed(1)}% fewer req/s ` +
      `(pairs: ${percents(overheads)}; target ≤ 3%); server CPU per request: median ` +
      `${median(cpuOverheads).toFixed(1)}% more (pairs: ${percents(cpuOverheads)})`,
  );
  if (SIDE_BY_SIDE > 0) await sideBySide(on, off, token, target);
}

/** Both services loaded at once, half the connections each: the overhead per round, then the median. */
async function sideBySide(on: Service, off: Service, token: string, target: Target) {
  const overheads: number[] = [];
  for (let i = 1; i <= SIDE_BY_SIDE; i += 1) {
    const half = Math.max(1, Math.round(CONNECTIONS / 2));
    // Which load starts first alternates, so neither side always gets the head start.
    const services = i % 2 === 1 ? [on, off] : [off, on];
    const results = await Promise.all(
      services.map((service) => run(service.baseUrl, token, target, SECONDS, half)),
    );
    const [onResult, offResult] = i % 2 === 1 ? results : [results[1], results[0]];
    const failed = [onResult, offResult].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    console.log(
      `${target.name.padEnd(14)} side by side ${i}: metrics on ${onResult.requests.average.toFixed(0)} req/s, ` +
        `off ${offResult.requests.average.toFixed(0)} req/s` +
        (failed ? `   FAILED ${failed}` : ''),
    );
    overheads.push((1 - onResult.requests.average / offResult.requests.average) * 100);
  }
  console.log(
    `${target.name.padEnd(14)} usage metrics overhead side by side: median ${median(overheads).toFixed(1)}% ` +
      `fewer req/s (rounds: ${percents(overheads)}; target ≤ 3%)`,
  );
}

benchWithService('bc_bench_evaluate', 4813, async (service) => {
  const token = await setUp(service.baseUrl);
  // Two more services on the same database, started alike as API processes (ROLE=api), one
  // with usage metrics on and one off; the first service (ROLE=all) keeps the recurring jobs
  // (rollups, outbox relay) and only stays up beside them. Measured with ROLE=all, the one that
  // took those jobs ran 5-6% slower than its twin in an A/A run. BENCH_AA=1 turns metrics on
  // in both: what the method reports when nothing differs.
  const measured = { ...service.env, ROLE: process.env.BENCH_ROLE ?? 'api' };
  const on = await startService({ ...measured, USAGE_METRICS: 'on' }, 4815);
  const off = await startService(
    { ...measured, USAGE_METRICS: process.env.BENCH_AA === '1' ? 'on' : 'off' },
    4814,
  );
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
        await measure(on, off, token, target);
      }
    }
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
});
