import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Helpers for specs of the Redis-backed adapters; not used by the application. */

/** A config with its own REDIS_PREFIX, so parallel test runs never share keys or channels. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return Object.assign(new AppConfig(), {
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    ...overrides,
  });
}

/** Rejects (failing the test) when `promise` has not settled in time; never a timing assertion. */
export function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Deletes every key under the prefix. */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Records values in order and lets a test await "at least n recorded" instead of sleeping. */
export class Recorder<T> {
  private readonly values: T[] = [];
  private readonly waiters: Array<{ count: number; resolve: (values: T[]) => void }> = [];

  push(value: T): void {
    this.values.push(value);
    for (const waiter of [...this.waiters]) {
      if (this.values.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve([...this.values]);
      }
    }
  }

  get received(): T[] {
    return [...this.values];
  }

  /** Resolves with all values once at least `count` have been pushed. */
  waitFor(count: number): Promise<T[]> {
    if (this.values.length >= count) return Promise.resolve([...this.values]);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

/** Drops every connection of that name (`${prefix}:${purpose}`), as a Redis restart would. */
export async function killConnections(admin: Redis, name: string): Promise<number> {
  const ids = ((await admin.client('LIST')) as string)
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /\bid=(\d+)/.exec(line)![1]);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

/** Checks until `check` gives a value; fails the test when none came in time. */
export async function poll<T>(
  check: () => Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
