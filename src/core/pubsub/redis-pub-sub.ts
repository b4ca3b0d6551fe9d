import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { isDisconnected, onReconnected, RedisConnections } from '../redis/redis-connections';
import { settlesWithin } from '../runtime/settles-within';
import { deliver, encodeMessage, MessageHandler, PubSub } from './pub-sub';

/** How long a PUBLISH may go unanswered before it counts as failed. */
export const PUBLISH_TIMEOUT_MS = 1000;

interface Channel {
  handlers: Set<MessageHandler>;
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/**
 * PubSub over Redis: one publisher and one subscriber connection per process, one Redis
 * subscription per channel however many handlers listen, channels under REDIS_PREFIX.
 */
export class RedisPubSub extends PubSub implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisPubSub.name);
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Channel>();
  private readonly reconnectHandlers = new Set<() => void>();

  constructor(
    private readonly config: AppConfig,
    redis: RedisConnections,
  ) {
    super();
    // Every publish is repeatable (the outbox relay publishes again what failed), so one never
    // waits out an outage: it fails at once while the connection is down, and an unanswered
    // one gives up after PUBLISH_TIMEOUT_MS; with no retries, nothing piles up meanwhile.
    this.publisher = redis.create('pubsub:publisher', {
      commandTimeout: PUBLISH_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
    });
    // A SUBSCRIBE, by contrast, waits for Redis to come back; callers need not wait for it.
    this.subscriber = redis.create('pubsub:subscriber');
    this.subscriber.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    onReconnected(this.subscriber, () => {
      // 'ready' is emitted before ioredis re-sends SUBSCRIBE; a PING queued behind it
      // answers only once the channels are subscribed again, so a reload starts after that.
      void Promise.resolve()
        .then(() => this.subscriber.ping())
        .then(
          () => this.notifyReconnected(),
          () => undefined,
        );
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const encoded = encodeMessage(channel, message);
    if (isDisconnected(this.publisher)) {
      throw new Error(`Redis is unreachable: nothing published on ${channel}`);
    }
    await this.publisher.publish(this.key(channel), encoded);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const key = this.key(channel);
    let entry = this.channels.get(key);
    if (!entry) {
      entry = { handlers: new Set(), subscribed: this.subscriber.subscribe(key) };
      this.channels.set(key, entry);
    }
    // Each subscription is its own entry, so one handler subscribed twice is removed once.
    const own: MessageHandler = (message) => handler(message);
    entry.handlers.add(own);
    try {
      await entry.subscribed;
    } catch (error) {
      entry.handlers.delete(own);
      if (this.channels.get(key) === entry) this.channels.delete(key);
      throw error;
    }
    const subscribed = entry;
    return async () => {
      if (!subscribed.handlers.delete(own) || subscribed.handlers.size > 0) return;
      if (this.channels.get(key) !== subscribed) return;
      this.channels.delete(key);
      // Commands on one connection run in order, so a SUBSCRIBE sent after this still wins,
      // and one a reconnection re-sends comes before it.
      const unsubscribed = this.subscriber.unsubscribe(key);
      // Down, it waits in the offline queue until Redis is back: nobody waits for that
      // (shutdown least of all), and no message reaches a handler meanwhile anyway.
      unsubscribed.catch(() => undefined);
      if (isDisconnected(this.subscriber)) return;
      await settlesWithin(unsubscribed, PUBLISH_TIMEOUT_MS);
    };
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => {
      this.reconnectHandlers.delete(handler);
    };
  }

  /** Stops delivering; RedisConnections closes the connections themselves. */
  onApplicationShutdown(): void {
    this.channels.clear();
    this.reconnectHandlers.clear();
  }

  private key(channel: string): string {
    return `${this.config.REDIS_PREFIX}:${channel}`;
  }

  private dispatch(key: string, raw: string): void {
    const entry = this.channels.get(key);
    if (!entry) return;
    for (const handler of [...entry.handlers]) {
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        this.logger.error(`Dropped a message on ${key} that is not JSON`);
        return;
      }
      deliver(handler, message, (error) => this.report(key, error));
    }
  }

  private notifyReconnected(): void {
    this.logger.log('Subscriber reconnected to Redis');
    for (const handler of [...this.reconnectHandlers]) {
      deliver(handler, undefined, (error) => this.report('reconnect', error));
    }
  }

  private report(channel: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error(`Handler of ${channel} failed: ${reason}`);
  }
}
