import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { Recorder, testConfig, within } from '../redis/test-support';
import { InProcessPubSub } from './in-process-pub-sub';
import { PubSub } from './pub-sub';
import { RedisPubSub } from './redis-pub-sub';

const describeRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) console.warn('RedisPubSub specs skipped: set REDIS_URL to run them');

interface Broker {
  /** Two PubSub clients of one broker, as two processes would have. */
  connect(): Promise<[PubSub, PubSub]>;
  close(): Promise<void>;
}

/** The behaviour both adapters promise. */
function behavesAsPubSub(broker: () => Broker): void {
  let current: Broker;
  let publisher: PubSub;
  let subscriber: PubSub;

  beforeEach(async () => {
    current = broker();
    [publisher, subscriber] = await current.connect();
  });

  afterEach(() => current.close());

  const listen = async (pubsub: PubSub, channel: string) => {
    const messages = new Recorder<unknown>();
    const unsubscribe = await pubsub.subscribe(channel, (message) => messages.push(message));
    return { messages, unsubscribe };
  };
  const wait = <T>(recorder: Recorder<T>, count: number) =>
    within(recorder.waitFor(count), `${count} messages`);

  it('delivers the JSON form of a message to a subscriber', async () => {
    const { messages } = await listen(subscriber, 'changes');
    await publisher.publish('changes', { key: 'a', at: new Date('2026-01-02T03:04:05Z') });
    expect(await wait(messages, 1)).toEqual([{ key: 'a', at: '2026-01-02T03:04:05.000Z' }]);
  });

  it('delivers in publish order to every handler of the channel, and only that channel', async () => {
    const first = await listen(subscriber, 'changes');
    const second = await listen(subscriber, 'changes');
    const other = await listen(subscriber, 'other');
    for (const n of [1, 2, 3]) await publisher.publish('changes', n);
    await publisher.publish('other', 'end');
    // 'end' comes last, so once it has arrived everything else has been delivered too.
    expect(await wait(other.messages, 1)).toEqual(['end']);
    expect(first.messages.received).toEqual([1, 2, 3]);
    expect(second.messages.received).toEqual([1, 2, 3]);
  });

  it('stops delivering to a handler once unsubscribed', async () => {
    const leaving = await listen(subscriber, 'changes');
    const staying = await listen(subscriber, 'changes');
    await publisher.publish('changes', 1);
    await wait(leaving.messages, 1);
    await leaving.unsubscribe();
    await publisher.publish('changes', 2);
    // Delivery is in order, so once the staying handler has 2 the leaving one would have too.
    expect(await wait(staying.messages, 2)).toEqual([1, 2]);
    expect(leaving.messages.received).toEqual([1]);
  });

  it('keeps delivering to other handlers when one throws or rejects', async () => {
    await subscriber.subscribe('changes', () => {
      throw new Error('handler bug');
    });
    await subscriber.subscribe('changes', async () => {
      throw new Error('async handler bug');
    });
    const { messages } = await listen(subscriber, 'changes');
    await publisher.publish('changes', 1);
    await publisher.publish('changes', 2);
    expect(await wait(messages, 2)).toEqual([1, 2]);
  });

  it('refuses a message that has no JSON form', async () => {
    await expect(publisher.publish('changes', undefined)).rejects.toThrow(/not JSON-serialisable/);
  });
}

describe('InProcessPubSub', () => {
  behavesAsPubSub(() => {
    const pubsub = new InProcessPubSub();
    return { connect: async () => [pubsub, pubsub], close: async () => undefined };
  });

  it("delivers outside the publisher's call, and not to a handler removed meanwhile", async () => {
    const pubsub = new InProcessPubSub();
    const leaving = new Recorder<unknown>();
    const staying = new Recorder<unknown>();
    const unsubscribe = await pubsub.subscribe('changes', (message) => leaving.push(message));
    await pubsub.subscribe('changes', (message) => staying.push(message));
    const published = pubsub.publish('changes', 1);
    expect(staying.received).toEqual([]);
    const unsubscribed = unsubscribe();
    await Promise.all([published, unsubscribed]);
    expect(await within(staying.waitFor(1), 'the message')).toEqual([1]);
    expect(leaving.received).toEqual([]);
  });
});

describe('PubSub.tryPublish', () => {
  it('publishes and says so', async () => {
    const pubsub = new InProcessPubSub();
    const messages = new Recorder<unknown>();
    await pubsub.subscribe('changes', (message) => messages.push(message));
    expect(await pubsub.tryPublish('changes', 1)).toBe(true);
    expect(await within(messages.waitFor(1), 'the message')).toEqual([1]);
  });

  it('resolves false instead of throwing when the publish fails', async () => {
    class Unreachable extends InProcessPubSub {
      override async publish(): Promise<void> {
        throw new Error('broker unreachable');
      }
    }
    expect(await new Unreachable().tryPublish('changes', 1)).toBe(false);
  });
});

describe('RedisPubSub with an unreachable Redis', () => {
  const config = testConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
  let redis: RedisConnections;
  let pubsub: RedisPubSub;

  beforeEach(() => {
    redis = new RedisConnections(config, Redis);
    pubsub = new RedisPubSub(config, redis);
  });

  afterEach(() => redis.closeAll());

  it('fails a publish instead of waiting for Redis', async () => {
    await expect(within(pubsub.publish('changes', 1), 'the publish')).rejects.toThrow(
      /Redis is unreachable|Command timed out|max retries/i,
    );
    expect(await within(pubsub.tryPublish('changes', 2), 'the publish')).toBe(false);
  });
});

describeRedis('RedisPubSub', () => {
  jest.setTimeout(30_000);
  /** Each client has its own connections, as separate processes would. */
  function redisBroker(config: AppConfig) {
    const connections: RedisConnections[] = [];
    const connect = () => {
      const redis = new RedisConnections(config, Redis);
      connections.push(redis);
      return new RedisPubSub(config, redis);
    };
    return {
      connect,
      close: () => Promise.all(connections.map((redis) => redis.closeAll())).then(() => undefined),
    };
  }

  describe('contract', () => {
    behavesAsPubSub(() => {
      const broker = redisBroker(testConfig());
      return { connect: async () => [broker.connect(), broker.connect()], close: broker.close };
    });
  });

  describe('connections', () => {
    const config = testConfig();
    let broker: ReturnType<typeof redisBroker>;
    let admin: Redis;

    beforeEach(() => {
      broker = redisBroker(config);
      admin = new Redis(config.REDIS_URL!, { maxRetriesPerRequest: null });
    });

    afterEach(async () => {
      await broker.close();
      await admin.quit();
    });

    it('publishes on the prefixed Redis channel', async () => {
      const pubsub = broker.connect();
      const messages = new Recorder<unknown>();
      await pubsub.subscribe('changes', (message) => messages.push(message));
      await admin.publish(`${config.REDIS_PREFIX}:changes`, JSON.stringify({ from: 'redis-cli' }));
      expect(await within(messages.waitFor(1), 'the message')).toEqual([{ from: 'redis-cli' }]);
    });

    it('holds one Redis subscription per channel until its last handler leaves', async () => {
      const pubsub = broker.connect();
      const channel = `${config.REDIS_PREFIX}:changes`;
      const subscribers = async () =>
        ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1];
      const first = await pubsub.subscribe('changes', () => undefined);
      const second = await pubsub.subscribe('changes', () => undefined);
      expect(await subscribers()).toBe(1);
      await first();
      expect(await subscribers()).toBe(1);
      await second();
      expect(await subscribers()).toBe(0);
    });

    it('calls onReconnect after the subscriber connection is killed, and still delivers', async () => {
      const [publisher, subscriber] = [broker.connect(), broker.connect()];
      const messages = new Recorder<unknown>();
      await subscriber.subscribe('changes', (message) => messages.push(message));
      const reconnects = new Recorder<void>();
      subscriber.onReconnect(() => reconnects.push());

      const clients = (await admin.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${config.REDIS_PREFIX}:pubsub:subscriber `))
        .map((line) => /\bid=(\d+)/.exec(line)![1]);
      expect(ids).toHaveLength(2);
      // Kill only the subscriber of `subscriber`: the one that holds the channel.
      const holders = clients
        .split('\n')
        .filter((line) => ids.some((id) => line.includes(`id=${id} `)) && / sub=1 /.test(line))
        .map((line) => /\bid=(\d+)/.exec(line)![1]);
      expect(holders).toHaveLength(1);
      await admin.client('KILL', 'ID', holders[0]);

      await within(reconnects.waitFor(1), 'onReconnect');
      await publisher.publish('changes', 'after reconnect');
      expect(await within(messages.waitFor(1), 'the message')).toEqual(['after reconnect']);
    });
  });
});
