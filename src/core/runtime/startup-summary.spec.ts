import { loadConfig } from '../config/app-config';
import { formatStartupSummary, reachableHost, wantsHumanOutput } from './startup-summary';

const facts = (env: Record<string, string>, embeddedDataDir?: string) => ({
  config: loadConfig(env),
  embeddedDataDir,
  startedInSeconds: 2.345,
  nodeVersion: 'v22.22.0',
});

describe('wantsHumanOutput', () => {
  it('prints a summary at a terminal outside production', () => {
    expect(wantsHumanOutput(true, loadConfig({}))).toBe(true);
  });

  it('keeps JSON logs only without a terminal or in production', () => {
    expect(wantsHumanOutput(false, loadConfig({}))).toBe(false);
    expect(wantsHumanOutput(undefined, loadConfig({}))).toBe(false);
    expect(wantsHumanOutput(true, loadConfig({ NODE_ENV: 'production' }))).toBe(false);
  });
});

describe('reachableHost', () => {
  it.each([
    ['0.0.0.0', 'localhost'],
    ['::', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '[::1]'],
    ['config.example.com', 'config.example.com'],
  ])('%s is reached as %s', (host, reached) => {
    expect(reachableHost(host)).toBe(reached);
  });
});

describe('formatStartupSummary', () => {
  it('names the addresses, the mode and where the embedded data lives', () => {
    const summary = formatStartupSummary(facts({ LOG_LEVEL: 'warn' }, '/home/me/bc/.data/pgdata'));
    expect(summary.split('\n')).toEqual([
      '',
      '  Business Config is ready (started in 2.3 s, Node v22.22.0)',
      '',
      '  Console   http://localhost:4000/console',
      '  GraphQL   http://localhost:4000/graphql',
      '  OFREP     http://localhost:4000/ofrep/v1',
      '  Health    http://localhost:4000/health/ready',
      '  Runs      api + worker (ROLE=all), NODE_ENV=development',
      '  Database  embedded PostgreSQL (PGlite), data in /home/me/bc/.data/pgdata; set DATABASE_URL for a server',
      '  Queue     in-process queue and pub/sub (one node); set REDIS_URL for Redis',
      '  Admin     an admin key in the database (a generated one is printed once, on the first start)',
      '',
      '  Logs: warnings and errors only (LOG_LEVEL=info shows every request). Ctrl+C stops.',
      '',
      '',
    ]);
  });

  it('shows servers without their passwords, and the configured host and port', () => {
    const summary = formatStartupSummary(
      facts({
        HOST: '127.0.0.1',
        PORT: '8080',
        DATABASE_URL: 'postgres://app:db-secret@db:5432/app',
        REDIS_URL: 'redis://:redis-secret@cache:6379',
        ADMIN_TOKEN: 'admin-token-0123456789',
      }),
    );
    expect(summary).toContain('Console   http://127.0.0.1:8080/console');
    expect(summary).toContain('Database  PostgreSQL postgres://app:***@db:5432/app');
    expect(summary).toContain(
      'Queue     Redis redis://:***@cache:6379 (queues, pub/sub; key prefix bc)',
    );
    expect(summary).toContain('Admin     ADMIN_TOKEN from the environment');
    expect(summary).toContain('Logs: JSON at LOG_LEVEL=info.');
    for (const secret of ['db-secret', 'redis-secret', 'admin-token-0123456789']) {
      expect(summary).not.toContain(secret);
    }
  });

  it('lists no addresses for a worker', () => {
    const summary = formatStartupSummary(
      facts({ ROLE: 'worker', DATABASE_URL: 'postgres://db/app', REDIS_URL: 'redis://cache' }),
    );
    expect(summary).toContain('Runs      worker only (ROLE=worker)');
    expect(summary).not.toContain('http://');
  });
});
