import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, dropTestDatabase } from '../support/databases';
import { hasPostgres } from '../support/test-app';

const root = join(__dirname, '..', '..');

/**
 * Starts the built application in a process of its own (the test's module registry already
 * holds every module) and prints the packages of `names` that it has loaded.
 */
async function loadedByAStart(env: Record<string, string>, names: string[]): Promise<string[]> {
  const script = `
    const { createApp } = require('./dist/src/bootstrap');
    const { loadConfig } = require('./dist/src/core/config/app-config');
    (async () => {
      const running = await createApp(loadConfig(process.env), { embeddedDataDir: 'memory://' });
      const names = ${JSON.stringify(names)};
      const files = Object.keys(require.cache);
      const loaded = names.filter((name) => files.some((f) => f.includes('/node_modules/' + name + '/')));
      await running.close();
      process.stdout.write(JSON.stringify(loaded));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: root,
    env: { ...inherited, LOG_LEVEL: 'silent', ADMIN_TOKEN: 'footprint-admin-token-0123', ...env },
  });
  return JSON.parse(stdout) as string[];
}

describe('what a start loads', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
    ]);
  }, 120_000);

  it('loads neither bullmq nor ioredis without REDIS_URL (nor nodemailer before an email)', async () => {
    expect(await loadedByAStart({}, ['bullmq', 'ioredis', 'nodemailer'])).toEqual([]);
  }, 120_000);

  it('loads the statistics library (@stdlib) only with the first experiment results', async () => {
    const stdlib = ['@stdlib/math-base-special-betainc', '@stdlib/math-base-special-erfc'];
    expect(await loadedByAStart({}, stdlib)).toEqual([]);
  }, 120_000);

  it('loads both with REDIS_URL (even one that does not answer)', async () => {
    const loaded = await loadedByAStart({ REDIS_URL: 'redis://127.0.0.1:1' }, [
      'bullmq',
      'ioredis',
    ]);
    expect(loaded).toEqual(['bullmq', 'ioredis']);
  }, 120_000);

  (hasPostgres ? it : it.skip)(
    'loads no PGlite with DATABASE_URL',
    async () => {
      const url = await createTestDatabase(process.env.DATABASE_URL!);
      try {
        const loaded = await loadedByAStart({ DATABASE_URL: url }, [
          '@electric-sql/pglite',
          '@electric-sql/pglite-socket',
        ]);
        expect(loaded).toEqual([]);
      } finally {
        await dropTestDatabase(url);
      }
    },
    120_000,
  );
});
