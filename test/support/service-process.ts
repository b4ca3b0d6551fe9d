import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { eventually, GraphQLResponse, TestApp } from './test-app';

const main = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  app: {
    baseUrl: string;
    adminToken: string;
    gql(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  };
  /** The last 4,000 characters the service printed, for a failure message. */
  output(): string;
}

/** Processes started here and not exited yet: stopServiceProcesses ends them. */
const running = new Map<ChildProcess, Promise<number | null>>();

/** A free loopback port to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The built service (`dist/src/main.js`, build it first) as a process of its own, ready to
 * serve; `env` must give its DATABASE_URL and ADMIN_TOKEN.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ROLE: 'all',
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  let output = '';
  // Kept for failure messages only: a passing run prints nothing of the service's.
  const keep = (chunk: Buffer) => (output = (output + String(chunk)).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the service exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      }
      return (await fetch(`${baseUrl}/health/ready`).catch(() => undefined))?.status === 200;
    },
    { timeoutMs: 120_000, what: 'the service process to become ready' },
  );
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return { ...((await response.json()) as GraphQLResponse), status: response.status };
  };
  return {
    child,
    exited,
    app: { baseUrl, adminToken: env.ADMIN_TOKEN, gql },
    output: () => output,
  };
}

/**
 * A worker process (the built service with ROLE=worker) on a test app's database, Redis and
 * Redis prefix, so it takes the jobs that app queues; `env` adds to or overrides its settings.
 */
export function startWorkerProcess(
  api: TestApp,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startServiceProcess({
    ROLE: 'worker',
    DATABASE_URL: api.databaseUrl!,
    REDIS_URL: process.env.REDIS_URL!,
    REDIS_PREFIX: api.env.REDIS_PREFIX,
    ADMIN_TOKEN: api.adminToken,
    ...env,
  });
}

/** Ends every process startServiceProcess started that is still running (SIGTERM). */
export async function stopServiceProcesses(): Promise<void> {
  for (const [child, exited] of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Deletes the delayed jobs of `queue` (in `api`'s Redis prefix) whose data `matches`, as a
 * Redis that lost them would; returns how many it deleted.
 */
export async function deleteDelayedJobs(
  api: TestApp,
  queueName: string,
  matches: (data: Record<string, unknown>) => boolean,
): Promise<number> {
  const { Queue } = await import('bullmq');
  const queue = new Queue(queueName, {
    connection: { url: process.env.REDIS_URL! } as never,
    prefix: api.env.REDIS_PREFIX,
  });
  try {
    const mine = (await queue.getDelayed()).filter((job) => matches(job.data));
    for (const job of mine) await job.remove();
    return mine.length;
  } finally {
    await queue.close();
  }
}
