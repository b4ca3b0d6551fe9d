import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

const PING_TIMEOUT_MS = 1000;
const QUIT_TIMEOUT_MS = 2000;
/**
 * How long ioredis lets a disconnected socket close by itself before destroying it. It arms
 * this timer even for a connection whose socket is already gone (Redis down), where nothing
 * clears it: at its default (2 s) it kept a shut-down process alive that long.
 */
const DISCONNECT_TIMEOUT_MS = 100;

export type RedisClient = typeof Redis;

/**
 * Hands out Redis connections (one per purpose: BullMQ blocks a connection per worker and
 * a subscriber cannot send ordinary commands) and closes every one of them at shutdown.
 * Constructing this is free; only `create` needs REDIS_URL and the ioredis client class.
 */
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly clients = new Set<Redis>();
  private health?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly Client?: RedisClient,
  ) {}

  /** Imports ioredis only when REDIS_URL is set: the embedded mode never loads it. */
  static async forConfig(config: AppConfig): Promise<RedisConnections> {
    const client = config.REDIS_URL ? (await import('ioredis')).default : undefined;
    return new RedisConnections(config, client);
  }

  /**
   * A new connection, named `${REDIS_PREFIX}:${purpose}` in CLIENT LIST. By default a
   * command waits out any outage (BullMQ needs that); `overrides` can make it fail instead.
   */
  create(purpose: string, overrides: RedisOptions = {}): Redis {
    return this.connect(purpose, overrides);
  }

  /** Whether Redis answers PING; false (never an exception) when it is down or slow. */
  async ping(): Promise<boolean> {
    try {
      // A failed PING must not wait for reconnection forever, unlike BullMQ's commands.
      this.health ??= this.connect('health', { maxRetriesPerRequest: 1 });
      return (await withTimeout(this.health.ping(), PING_TIMEOUT_MS)) === 'PONG';
    } catch {
      return false;
    }
  }

  async closeAll(): Promise<void> {
    const clients = [...this.clients];
    this.clients.clear();
    this.health = undefined;
    await Promise.all(clients.map((client) => close(client)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  private connect(purpose: string, overrides: RedisOptions): Redis {
    const url = this.config.REDIS_URL;
    if (!url || !this.Client) {
      throw new Error(
        `Redis connection "${purpose}" requested but REDIS_URL is not set (the embedded mode uses in-process adapters)`,
      );
    }
    const client = new this.Client(url, {
      // BullMQ requires this: its blocking commands must survive a reconnection.
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      connectionName: `${this.config.REDIS_PREFIX}:${purpose}`,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      ...overrides,
    });
    // ioredis repeats the error on every reconnection attempt; one line per outage is enough.
    let reported = false;
    client.on('error', (error: Error) => {
      if (reported) return;
      reported = true;
      this.logger.warn(`Redis connection ${purpose}: ${error.message}`);
    });
    client.on('ready', () => {
      if (reported) this.logger.log(`Redis connection ${purpose} is back`);
      reported = false;
    });
    client.once('end', () => this.clients.delete(client));
    this.clients.add(client);
    return client;
  }
}

/** Connection states in which a command would only wait in ioredis's offline queue. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);

/** Whether the client's connection is known to be down (not merely still connecting). */
export function isDisconnected(client: Redis): boolean {
  return DISCONNECTED.has(client.status);
}

/**
 * Calls `handler` each time `client` is ready again after its connection dropped (not on the
 * first connect): what the server held for this client, or at all, may be gone. Returns the
 * function that stops listening.
 */
export function onReconnected(client: Redis, handler: () => void): () => void {
  let dropped = false;
  const onClose = () => {
    dropped = true;
  };
  const onReady = () => {
    if (!dropped) return;
    dropped = false;
    handler();
  };
  client.on('close', onClose);
  client.on('ready', onReady);
  return () => {
    client.off('close', onClose);
    client.off('ready', onReady);
  };
}

/** Resolves once the socket is closed, so nothing outlives shutdown. */
async function close(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'reconnecting' || client.status === 'close') {
    // No socket left to close: cancelling the pending reconnection is all there is to do.
    client.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') {
    client.quit().catch(() => client.disconnect());
  } else {
    // QUIT would wait in the offline queue for a connection that may never come back.
    client.disconnect();
  }
  await withTimeout(ended, QUIT_TIMEOUT_MS).catch(() => client.disconnect());
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
