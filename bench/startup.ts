// npm run bench:startup — cold start of the built service to /health/ready, on the embedded
// default (first start with an empty DATA_DIR, then a restart) and on PostgreSQL + Redis,
// and the resident memory of an idle ROLE=all process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const main = join(__dirname, '..', 'src', 'main.js');
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function startOnce(
  label: string,
  env: Record<string, string | undefined>,
  port: number,
): Promise<void> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
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
    if (child.exitCode !== null) throw new Error(`${label}: exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise((r) => setTimeout(r, 5000));
  const rss = rssMb(child.pid!);
  const stopAt = process.hrtime.bigint();
  child.kill('SIGTERM');
  const code = await exited;
  const stopMs = Number(process.hrtime.bigint() - stopAt) / 1e6;
  console.log(
    `${label.padEnd(44)} ready in ${readyMs.toFixed(0).padStart(5)} ms   idle RSS ${rss.toFixed(0).padStart(4)} MB   SIGTERM→exit ${stopMs.toFixed(0).padStart(4)} ms (code ${code})`,
  );
}

async function main_(): Promise<void> {
  console.log(`node ${process.version}; built service: ${main}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'bc-bench-'));
  try {
    await startOnce('embedded, first start (empty DATA_DIR)', { DATA_DIR: dataDir }, 4801);
    await startOnce('embedded, restart (existing DATA_DIR)', { DATA_DIR: dataDir }, 4802);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bc_bench_startup WITH (FORCE)');
  await admin.query('CREATE DATABASE bc_bench_startup');
  const url = new URL(PG);
  url.pathname = '/bc_bench_startup';
  try {
    const env = { DATABASE_URL: url.toString(), REDIS_URL: REDIS, REDIS_PREFIX: 'bench-startup' };
    await startOnce('PostgreSQL + Redis, first start (migrates)', env, 4803);
    await startOnce('PostgreSQL + Redis, restart', env, 4804);
  } finally {
    await admin.query('DROP DATABASE IF EXISTS bc_bench_startup WITH (FORCE)');
    await admin.end();
  }
}

main_().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
