import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { onReconnected, RedisConnections } from './redis-connections';
import { killConnections, Recorder, testConfig, within } from './test-support';

const describeRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL)
  console.warn('RedisConnections specs skipped: set REDIS_URL to run them');

describe('RedisConnections without REDIS_URL', () => {
  const connections = new RedisConnections(
    Object.assign(new AppConfig(), { REDIS_URL: undefined }),
  );

  it('constructs, and refuses to create a connection', () => {
    expect(() => connections.create('queue')).toThrow('REDIS_URL is not set');
  });

  it('reports Redis as down', async () => {
    expect(await connections.ping()).toBe(false);
  });
});

describe('RedisConnections with an unreachable Redis', () => {
  it('reports Redis as down instead of throwing', async () => {
    const connections = new RedisConnections(
      testConfig({ REDIS_URL: 'redis://127.0.0.1:1' }),
      Redis,
    );
    try {
      expect(await connections.ping()).toBe(false);
    } finally {
      await connections.closeAll();
    }
  });
});

describeRedis('RedisConnections', () => {
  jest.setTimeout(30_000);
  const config = testConfig();
  let connections: RedisConnections;
  let admin: Redis;

  beforeEach(() => {
    connections = new RedisConnections(config, Redis);
    admin = new Redis(config.REDIS_URL!);
  });

  afterEach(async () => {
    await connections.closeAll();
    await admin.quit();
  });

  const named = async () =>
    ((await admin.client('LIST')) as string)
      .split('\n')
      .map((line) => / name=(\S+)/.exec(line)?.[1])
      .filter((name) => name?.startsWith(`${config.REDIS_PREFIX}:`))
      .sort();

  it('names each connection after the prefix and its purpose', async () => {
    const client = connections.create('queue');
    await client.ping();
    expect(await connections.ping()).toBe(true);
    expect(await named()).toEqual([
      `${config.REDIS_PREFIX}:health`,
      `${config.REDIS_PREFIX}:queue`,
    ]);
  });

  it('tells onReconnected about a connection that came back, not about the first connect', async () => {
    const client = connections.create('queue');
    const reconnects = new Recorder<void>();
    onReconnected(client, () => reconnects.push());
    await client.ping();
    expect(await killConnections(admin, `${config.REDIS_PREFIX}:queue`)).toBe(1);
    await within(reconnects.waitFor(1), 'the reconnect');
    await client.ping();
    expect(reconnects.received).toHaveLength(1);
  });

  it('closes every connection it created', async () => {
    const clients = [connections.create('a'), connections.create('b')];
    await Promise.all(clients.map((client) => client.ping()));
    await connections.closeAll();
    expect(clients.map((client) => client.status)).toEqual(['end', 'end']);
    expect(await named()).toEqual([]);
  });
});
