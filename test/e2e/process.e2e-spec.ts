import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, dropTestDatabase } from '../support/databases';
import { TcpProxy } from '../support/tcp-proxy';
import { Client } from 'graphql-ws';
import {
  freePort,
  ServiceProcess,
  startServiceProcess,
  stopServiceProcesses,
} from '../support/service-process';
import { eventually, hasPostgres, hasRedis, TestApp } from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'src', 'main.js');

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starting a few service processes takes a while on a busy machine; never a timing check. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;

/**
 * Every service process started here, from its spawn until it exits: whatever a test's
 * outcome (even a timeout while waiting for readiness), none outlives it, so none keeps Jest
 * from exiting or writes to a database that was dropped.
 */
const children = new Map<ChildProcess, Promise<number | null>>();

afterEach(async () => {
  for (const [child, exited] of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }
  await stopServiceProcesses();
});

/** The built service as a real process: what `npm start` runs. */
describe('the service process', () => {
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (hasPostgres) databaseUrl = await createTestDatabase(process.env.DATABASE_URL!);
  }, 120_000);

  afterAll(async () => {
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('refuses to start on a bad setting with one line naming it', async () => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: 'eighty', ROLE: 'all' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    expect(await exitOf(child)).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid configuration: PORT="eighty": /),
    ]);
  });

  it('refuses bad secrets without printing them', async () => {
    const token = 'leaky-token-42';
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        ADMIN_TOKEN: token,
        DATABASE_URL: 'mysql://app:db-pass-9876@db/app',
        REDIS_URL: 'redis://:redis-pass-5432@127.0.0.1:1',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    expect(await exitOf(child)).toBe(1);
    expect(output).toMatch(/ADMIN_TOKEN=\(hidden, 14 characters\): must be at least 16/);
    expect(output).toMatch(/DATABASE_URL="mysql:\/\/app:\*\*\*@db\/app": must be a postgres/);
    for (const secret of [token, 'db-pass-9876', 'redis-pass-5432']) {
      expect(output).not.toContain(secret);
    }
  });

  (hasPostgres ? it : it.skip)(
    'a SIGTERM while still starting waits for the start, then shuts down cleanly with 0',
    async () => {
      // The database answers nothing at first, so the service is held inside its start-up.
      const proxy = await TcpProxy.start();
      await proxy.setMode('blackhole');
      try {
        const { REDIS_URL: _redis, ...env } = process.env;
        const child = spawn(process.execPath, [main], {
          env: {
            ...env,
            PORT: String(await freePort()),
            HOST: '127.0.0.1',
            ROLE: 'all',
            LOG_LEVEL: 'info',
            ADMIN_TOKEN: ADMIN,
            DATABASE_URL: proxy.url(databaseUrl!),
            DB_CONNECT_TIMEOUT_MS: '1000',
          },
        });
        const exited = exitOf(child);
        children.set(child, exited);
        let output = '';
        child.stdout.on('data', (chunk) => (output += String(chunk)));
        child.stderr.on('data', (chunk) => (output += String(chunk)));
        await eventually(async () => proxy.connections > 0, {
          what: 'the service to try the database',
        });
        child.kill('SIGTERM');
        await proxy.setMode('forward');
        expect({ code: await exited, signal: child.signalCode }).toEqual({ code: 0, signal: null });
        expect(output).toContain('Shut down cleanly');
      } finally {
        await proxy.close();
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'serves, then exits 0 on SIGTERM',
    async () => {
      const { child, app, exited } = await startProcess({
        REDIS_PREFIX: `proc-${Date.now()}`,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' }),
      });
      expect(await app.gql('{ me { name } }')).toMatchObject({
        data: { me: { name: 'bootstrap admin (ADMIN_TOKEN)' } },
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

const ADMIN = 'process-test-admin-token';

/** A service process of the built app, ready to serve. */
const startProcess = (env: Record<string, string>) =>
  startServiceProcess({ ADMIN_TOKEN: ADMIN, OUTBOX_SWEEP_MS: '300', ...env });

const UPSERT = `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }`;
const UPDATE = `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`;
const EVALUATIONS = `subscription ($keys: [String!]) {
  evaluationsChanged(environment: "development", context: {}, keys: $keys) { revision full results { key value } } }`;

interface Update {
  full: boolean;
  results: { key: string; value: unknown }[];
}

async function change(app: ServiceProcess['app'], key: string, version: number, value: string) {
  const input = { environment: 'development', key, value };
  const body =
    version === 0
      ? await app.gql(UPSERT, { input: { ...input, valueType: 'STRING', defaultValue: 'off' } })
      : await app.gql(UPDATE, { input: { ...input, expectedVersion: version } });
  expect(body).not.toHaveProperty('errors');
}

const describeProcesses = hasPostgres && hasRedis ? describe : describe.skip;

describeProcesses('api instances as separate processes', () => {
  let databaseUrl: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(process.env.DATABASE_URL!);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });

  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
  });

  const start = (env: Record<string, string>) =>
    startProcess({ DATABASE_URL: databaseUrl, ...env });

  it(
    'a change made through one instance reaches a subscriber on the other',
    async () => {
      const shared = { REDIS_URL: process.env.REDIS_URL!, REDIS_PREFIX: `procs-${Date.now()}` };
      const a = await start(shared);
      const b = await start(shared);
      const client = wsClient(b.app as TestApp, ADMIN);
      clients.push(client);
      await change(a.app, 'procs.one', 0, 'v1');
      const updates = subscribe<Update>(client, EVALUATIONS, { keys: ['procs.one'] });
      await updates.waitFor(1);
      await change(a.app, 'procs.one', 1, 'v2');
      const [, second] = await updates.waitFor(2);
      expect(second.results).toEqual([{ key: 'procs.one', value: 'v2' }]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'API_WORKERS=2 serves from two processes on one port, and all exit 0 on SIGTERM',
    async () => {
      const { child, app, exited, output } = await start({
        REDIS_URL: process.env.REDIS_URL!,
        REDIS_PREFIX: `procs-${Date.now()}`,
        API_WORKERS: '2',
      });
      const served = async () =>
        (
          (await app.gql(
            `{ evaluate(environment: "development", context: {}, keys: ["procs.workers"]) { value } }`,
          )) as unknown as { data: { evaluate: { value: string }[] } }
        ).data.evaluate[0].value;
      await change(app, 'procs.workers', 0, 'v1');
      // Load every worker's snapshot first, so the update must reach them as an event.
      for (let i = 0; i < 10; i += 1) await eventually(async () => (await served()) === 'v1');
      await change(app, 'procs.workers', 1, 'v2');
      // Whichever worker answers, each serves the update (the other learns it through Redis).
      for (let i = 0; i < 10; i += 1) {
        await eventually(async () => (await served()) === 'v2', {
          what: 'every worker to serve the update',
        });
      }
      child.kill('SIGTERM');
      const code = await exited;
      // The service's own words on why it did not exit cleanly, if it did not.
      expect({ code, output: code === 0 ? '' : output() }).toEqual({ code: 0, output: '' });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'API_WORKERS=2 stopped while its workers are still starting exits 0 once they have started',
    async () => {
      const child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          PORT: String(await freePort()),
          HOST: '127.0.0.1',
          ROLE: 'all',
          LOG_LEVEL: 'info',
          ADMIN_TOKEN: ADMIN,
          DATABASE_URL: databaseUrl,
          REDIS_PREFIX: `procs-${Date.now()}`,
          API_WORKERS: '2',
          // A worker that has not listened by then is killed (exit 1): on a loaded machine
          // starting two can take longer than the default 10 s.
          SHUTDOWN_TIMEOUT_MS: '120000',
        },
      });
      const exited = exitOf(child);
      children.set(child, exited);
      let output = '';
      const forked = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk) => {
          output += String(chunk);
          // Logged right after the forks, long before a worker has loaded the app.
          if (output.includes('Started 2 workers')) resolve();
        });
      });
      child.stderr.on('data', (chunk) => (output += String(chunk)));
      await forked;
      child.kill('SIGTERM');
      const code = await exited;
      expect({ code, output: code === 0 ? '' : output.slice(-4000) }).toEqual({
        code: 0,
        output: '',
      });
      expect(output.match(/Shut down cleanly/g)).toHaveLength(2);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'an instance killed after commit and before publish gets the event out after restart',
    async () => {
      const shared = { REDIS_URL: process.env.REDIS_URL!, REDIS_PREFIX: `procs-${Date.now()}` };
      const subscriberSide = await start({ ...shared, OUTBOX_RELAY: 'false' });
      const client = wsClient(subscriberSide.app as TestApp, ADMIN);
      clients.push(client);
      const writer = await start({ ...shared, OUTBOX_RELAY: 'false' });
      await change(writer.app, 'procs.two', 0, 'v1');
      const updates = subscribe<Update>(client, EVALUATIONS, { keys: ['procs.two'] });
      await updates.waitFor(1);
      // Committed, never published: the writer dies before its relay could run.
      await change(writer.app, 'procs.two', 1, 'v2');
      writer.child.kill('SIGKILL');
      await writer.exited;
      await start(shared); // the writer again, relaying what it left behind
      const [, second] = await updates.waitFor(2);
      expect(second.results).toEqual([{ key: 'procs.two', value: 'v2' }]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
