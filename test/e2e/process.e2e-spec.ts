import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, dropTestDatabase } from '../support/databases';
import { eventually, hasPostgres } from '../support/test-app';

const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'src', 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

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

  it('serves, then exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ROLE: 'all',
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: 'process-test-admin-token',
        REDIS_PREFIX: `proc-${port}`,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' }),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = exitOf(child);
    await eventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(
          () => undefined,
        );
        return response?.status === 200;
      },
      { timeoutMs: 60_000, what: 'the service to become ready' },
    );
    const me = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer process-test-admin-token',
      },
      body: JSON.stringify({ query: '{ me { name } }' }),
    });
    expect(await me.json()).toEqual({ data: { me: { name: 'bootstrap admin (ADMIN_TOKEN)' } } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
