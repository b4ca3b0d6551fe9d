import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface RunningServer {
  baseUrl: string;
  adminToken: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** The built service (`npm run build`) on the embedded default, on a fresh data directory. */
export async function startServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const port = await freePort();
  const adminToken = `console-e2e-admin-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'warn',
    // Usage counts reach the database within half a second: the analytics flows wait that long.
    USAGE_FLUSH_MS: '500',
    // Experiment events are folded into results within about two seconds.
    EXPERIMENT_AGGREGATE_MS: '1000',
    EXPERIMENT_EVENTS_GRACE_MS: '1000',
    // The notifications flow's webhook receiver listens on 127.0.0.1, over plain http. URLs the
    // guard refuses even so (other schemes, IPv4 in octal or decimal forms) are still refused.
    ALLOW_PRIVATE_WEBHOOKS: 'true',
    // Alert rules are evaluated every second: the alerts flow sees its event open at once.
    ALERT_EVALUATION_INTERVAL_MS: '1000',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 400_000;
  const fail = async (message: string) => {
    child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    return new Error(message);
  };
  for (;;) {
    if (child.exitCode !== null) throw await fail(`the server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw await fail('the server was not ready after 400 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    adminToken,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
