// npm run bench:startup — start of the built service to /health/ready, on the embedded default
// (first start with an empty DATA_DIR, then a restart) and on PostgreSQL + Redis (first start
// on an empty database, then a restart); the resident memory of the idle ROLE=all process and
// its peak during start-up. Each scenario runs BENCH_RUNS times (default 3); the median is
// reported, with the range. The service runs as `npm start` runs it (its malloc setting and V8 flags).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys } from '../src/core/redis/test-support';
import { BENCH_REDIS_URL, freshDatabase } from './support';

const main = join(__dirname, '..', 'src', 'main.js');

/** How `npm start` runs node: its malloc setting and its V8 flags (decision 0002). */
function startCommand(): { env: Record<string, string>; nodeArgs: string[] } {
  const packageJson = join(__dirname, '..', '..', 'package.json');
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    scripts: Record<string, string>;
  };
  const trim = /MALLOC_TRIM_THRESHOLD_:-(\d+)/.exec(scripts.start);
  const node = /exec node (.*)scripts\/start\.js/.exec(scripts.start);
  if (!trim || !node) throw new Error('npm start no longer runs as this bench expects: update it');
  return {
    env: { MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? trim[1] },
    nodeArgs: node[1].split(' ').filter(Boolean),
  };
}
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_MS = 5000;
const REDIS_PREFIX = 'bench-startup';

interface Sample {
  readyMs: number;
  idleRssMb: number;
  peakRssMb: number;
  stopMs: number;
}

/** Current (VmRSS) and peak (VmHWM) resident memory of a process, in MB. */
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function startOnce(env: Record<string, string | undefined>, port: number): Promise<Sample> {
  const started = process.hrtime.bigint();
  const start = startCommand();
  const child = spawn(process.execPath, [...start.nodeArgs, main], {
    env: {
      ...process.env,
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      ...start.env,
      ...env,
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const memory = memoryMb(child.pid!);
  const stopAt = process.hrtime.bigint();
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`exited with ${code} after SIGTERM`);
  const stopMs = Number(process.hrtime.bigint() - stopAt) / 1e6;
  return { readyMs, idleRssMb: memory.rss, peakRssMb: memory.peak, stopMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function report(label: string, samples: Sample[]): void {
  const stat = (pick: (s: Sample) => number, width: number) => {
    const values = samples.map(pick);
    const range = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    return `${median(values).toFixed(0).padStart(width)} (${range})`.padEnd(width + 14);
  };
  console.log(
    `${label.padEnd(40)} ready ${stat((s) => s.readyMs, 5)} ms  idle RSS ${stat((s) => s.idleRssMb, 4)} MB  ` +
      `peak RSS ${stat((s) => s.peakRssMb, 4)} MB  SIGTERM→exit ${stat((s) => s.stopMs, 4)} ms`,
  );
}

/** Runs `first` then `restart` RUNS times, each pair on fresh state from `fresh`. */
async function scenario(
  name: string,
  port: number,
  fresh: () => Promise<{ env: Record<string, string>; dispose(): Promise<void> }>,
): Promise<void> {
  const first: Sample[] = [];
  const restart: Sample[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const state = await fresh();
    try {
      first.push(await startOnce(state.env, port));
      restart.push(await startOnce(state.env, port));
    } finally {
      await state.dispose();
    }
  }
  report(`${name}, first start`, first);
  report(`${name}, restart`, restart);
}

async function main_(): Promise<void> {
  console.log(
    `node ${process.version}; built service: ${main}; median (min–max) of ${RUNS} runs, ` +
      `idle RSS ${IDLE_MS / 1000} s after ready`,
  );
  await scenario('embedded (PGlite)', 4801, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bc-bench-'));
    return {
      env: { DATA_DIR: dataDir },
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  });
  await scenario('PostgreSQL + Redis', 4802, async () => {
    const database = await freshDatabase('bc_bench_startup');
    return {
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: BENCH_REDIS_URL,
        REDIS_PREFIX,
      },
      dispose: async () => {
        await database.drop();
        await deleteKeys(BENCH_REDIS_URL, REDIS_PREFIX);
      },
    };
  });
}

main_().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
