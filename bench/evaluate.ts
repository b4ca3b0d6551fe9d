// npm run bench:evaluate — the evaluate APIs under load: the service on the real PostgreSQL
// with the 100 configs of bench:engine, autocannon on loopback at concurrency 50,
// a different context per request, every config evaluated per request. GraphQL `evaluate`
// first, then OFREP bulk. The measured service is one API process (ROLE=api) whose usage
// metrics the benchmark switches on and off between rounds (bench/switchable-service.ts): a
// warm-up each way, then BENCH_PAIRS (3) interleaved on/off pairs of BENCH_SECONDS (20); the
// overhead is the median of the pairs. Both sides run in the same process, so a difference
// between two processes' JIT and memory layout (up to 10% in earlier runs with two services)
// does not pass for the overhead. Each round's server CPU time per request is printed too: the
// cost itself, whatever share of the cores the load generator took. BENCH_AA=1 keeps metrics
// on in both rounds of each pair, to show the method's noise.
import { fork, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchConfigState, buildWorkload, Subject } from './engine-peers';
import { benchWithService, gql, processStats, Service } from './support';
import type { SwitchMessage } from './switchable-service';
import { workerExecArgv } from '../src/core/runtime/worker-exec-argv';

const CONFIGS = 100;
const SUBJECTS = 10_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Interleaved pairs of runs with usage metrics on and off. */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);

const AA = process.env.BENCH_AA === '1';

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
 * With two cores or more, the measured service runs alone on the last core and this process
 * (the load generator) on the first: neither takes the other's core, so a round's figure moves
 * less with how the scheduler happened to share them. BENCH_PIN=0 leaves both unpinned.
 */
const PINNED = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2;
const SERVER_CORE = availableParallelism() - 1;

/** Pins every thread of a process to one core (taskset); a no-op when not pinning. */
function pin(pid: number, core: number): void {
  if (!PINNED) return;
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)]);
  if (result.status !== 0) throw new Error(`taskset failed: ${result.stderr ?? result.error}`);
}

/** The measured service: one process whose usage metrics are switched between rounds. */
interface Switchable extends Service {
  switchMetrics(on: boolean): Promise<void>;
}

/** Starts bench/switchable-service.js as a forked API process and waits until it listens. */
async function startSwitchable(env: Record<string, string>, port: number): Promise<Switchable> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = fork(join(__dirname, 'switchable-service.js'), {
    // As main.ts starts an API worker (its 64 MB young generation, unless NODE_OPTIONS says).
    execArgv: workerExecArgv(nodeArgs, process.env.NODE_OPTIONS),
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ROLE: 'api',
      USAGE_METRICS: 'on',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    pin(child.pid!, SERVER_CORE);
  } catch (error) {
    await stop();
    throw error;
  }
  // The service's next message; its exit before that is a failure.
  const next = () =>
    new Promise<void>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the measured service exited with ${code}`));
      child.once('exit', exited);
      child.once('message', () => {
        child.off('exit', exited);
        resolve();
      });
    });
  await next();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    env,
    async switchMetrics(on) {
      const answer = next();
      await new Promise<void>((resolve, reject) =>
        child.send({ metrics: on } satisfies SwitchMessage, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      await answer;
    },
    stop,
  };
}

/**
 * Usage metrics on against off in one service process, in interleaved pairs (on first, then
 * off first, …) so drift in the machine's load falls on both sides; the overhead is the
 * median of the pairs' overheads. BENCH_AA=1 keeps metrics on in both rounds of each pair:
 * what the method reports when nothing differs.
 */
async function measure(service: Switchable, token: string, target: Target): Promise<void> {
  await probe(service, token, target);
  for (const on of [true, false]) {
    await service.switchMetrics(on);
    await run(service.baseUrl, token, target, WARMUP_SECONDS);
  }
  const overheads: number[] = [];
  const cpuOverheads: number[] = [];
  for (let pair = 1; pair <= PAIRS; pair += 1) {
    const order = pair % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
    const rounds: Record<string, { rate: number; cpuPerRequest: number }> = {};
    for (const side of order) {
      await service.switchMetrics(side === 'on' || AA);
      rounds[side] = await round(service, token, target, `pair ${pair} metrics ${side.padEnd(3)}`);
    }
    overheads.push((1 - rounds.on.rate / rounds.off.rate) * 100);
    cpuOverheads.push((rounds.on.cpuPerRequest / rounds.off.cpuPerRequest - 1) * 100);
  }
  console.log(
    `${target.name.padEnd(14)} usage metrics overhead${AA ? ' (A/A: on in both)' : ''}: median ` +
      `${median(overheads).toFixed(1)}% fewer req/s (pairs: ${percents(overheads)}; target ≤ 3%); ` +
      `server CPU per request: median ${median(cpuOverheads).toFixed(1)}% more ` +
      `(pairs: ${percents(cpuOverheads)})`,
  );
}

benchWithService('bc_bench_evaluate', 4813, async (service) => {
  const token = await setUp(service.baseUrl);
  // The measured service: one more, an API process on the same database (the first one,
  // ROLE=all, keeps the recurring jobs and only stays up beside it).
  const measured = await startSwitchable(service.env, 4815);
  const contexts = buildWorkload(CONFIGS, SUBJECTS).subjects.map(contextOf);
  console.log(
    `bench:evaluate — ${CONFIGS} configs, ${SUBJECTS} distinct contexts, ${CONNECTIONS} connections, ` +
      `${PAIRS} pairs of metrics on/off × ${SECONDS} s after ${WARMUP_SECONDS} s warm-up each, ` +
      `one API process${PINNED ? ` on core ${SERVER_CORE}, the load on core 0` : ''}, node ${process.version}`,
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
    pin(process.pid, 0);
    for (const target of targets) {
      if (!only || target.name.toLowerCase().startsWith(only)) {
        await measure(measured, token, target);
      }
    }
  } finally {
    await measured.stop();
  }
});
