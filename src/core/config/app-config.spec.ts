import { ConfigValidationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 4000,
      ROLE: 'all',
      DATA_DIR: './.data',
      LOG_LEVEL: 'info',
    });
    expect(config.embeddedDatabase).toBe(true);
    expect(config.embeddedQueue).toBe(true);
  });

  it('reads typed values', () => {
    const config = loadConfig({
      PORT: '8080',
      ROLE: 'worker',
      DATABASE_URL: 'postgres://u@h/db',
      REDIS_URL: 'redis://h:6379',
      MIGRATIONS_RUN: 'false',
    });
    expect(config).toMatchObject({ PORT: 8080, ROLE: 'worker', MIGRATIONS_RUN: false });
    expect(config.runsWorker).toBe(true);
    expect(config.runsApi).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT="eighty"?/],
    [{ ROLE: 'web' }, /ROLE="web": must be one of api, worker, all/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL="mysql:\/\/x": must be a postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud": must be one of fatal, error/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN=\(hidden, 5 characters\): must be at least 16/],
    [{ ROLE: 'api' }, /ROLE=api: needs DATABASE_URL/],
    [{ API_WORKERS: '2' }, /API_WORKERS=2: needs DATABASE_URL and REDIS_URL/],
    [{ API_WORKERS: '0' }, /API_WORKERS="0"/],
    [{ USAGE_METRICS: 'maybe' }, /USAGE_METRICS="maybe": must be on or off/],
    [{ USAGE_FLUSH_MS: '10' }, /USAGE_FLUSH_MS="10"/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it.each([
    [{ ADMIN_TOKEN: 'hunter2-short' }, 'hunter2-short'],
    [{ ADMIN_TOKEN: 'x'.repeat(15) }, 'x'.repeat(15)],
    [{ DATABASE_URL: 'mysql://app:pg-s3cret@db/app' }, 'pg-s3cret'],
    [{ DATABASE_URL: 'postgres//app:pg-s3cret@db/app' }, 'pg-s3cret'],
    [{ REDIS_URL: 'http://:redis-s3cret@cache:6379' }, 'redis-s3cret'],
  ])('never prints a secret in a configuration error: %j', (env, secret) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).not.toThrow(secret);
  });

  it('reads the usage switch and flush interval', () => {
    expect(loadConfig({})).toMatchObject({ USAGE_METRICS: true, USAGE_FLUSH_MS: 10_000 });
    expect(loadConfig({ USAGE_METRICS: 'off', USAGE_FLUSH_MS: '500' })).toMatchObject({
      USAGE_METRICS: false,
      USAGE_FLUSH_MS: 500,
    });
    expect(loadConfig({ USAGE_METRICS: 'on' }).USAGE_METRICS).toBe(true);
  });

  it('introspects outside production unless told otherwise', () => {
    expect(loadConfig({}).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).introspection,
    ).toBe(true);
  });
});
