import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { HyperLogLog } from './hyperloglog';
import { HOUR_MS, periodStart, UsageGranularity } from './usage-metric.util';
import {
  HourSketch,
  HourSketches,
  PERSIST_LOOKBACK_MS,
  persistGraceMs,
  SKETCH_TTL_MS,
} from './usage-sketch.util';

/** A closed hour's sketches on their way to PostgreSQL. */
export interface ClosedHour {
  hour: number;
  sketches: HourSketch[];
  /** Called once they are stored: the store stops offering the hour. */
  persisted(): Promise<void>;
  /** Called when storing failed: the store offers the hour again next time. */
  failed(): void;
}

/**
 * Where the sketches of open hours live until they are persisted: Redis (shared by every api
 * process, so distinct ids are counted once whoever saw them) or this process (embedded mode).
 */
export abstract class SketchStore {
  /** Merges a flush's sketches in. */
  abstract add(window: HourSketches): Promise<void>;

  /** Closed hours whose sketches are not yet in PostgreSQL, as of `now`. */
  abstract closed(now: number): Promise<ClosedHour[]>;

  /** The sketches of the keys in the hours of [from, to) that are not yet persisted. */
  abstract live(
    environmentId: string,
    keys: readonly string[],
    from: number,
    to: number,
    now: number,
  ): Promise<HourSketch[]>;

  /** At shutdown: the sketches nothing else holds (the embedded open hours), taken out. */
  abstract drain(): HourSketch[];
}

/** The embedded mode's store: the open hours' sketches in this process. */
export class MemorySketchStore extends SketchStore {
  private readonly held = new HourSketches();
  /** Closed hours on their way to PostgreSQL: still read until they are there. */
  private readonly persisting = new HourSketches();

  add(window: HourSketches): Promise<void> {
    this.held.addAll(window.entries());
    return Promise.resolve();
  }

  closed(now: number): Promise<ClosedHour[]> {
    const open = periodStart(now, UsageGranularity.Hour);
    const hours = [...this.held.hours.keys()].filter((hour) => hour < open).sort((a, b) => a - b);
    return Promise.resolve(
      hours.map((hour) => {
        // Taken out now: what a flush adds to the hour later is offered again next time
        // (merging what is stored with it is idempotent).
        const sketches = this.held.take((h) => h === hour);
        this.persisting.addAll(sketches);
        return {
          hour,
          sketches,
          persisted: () => {
            this.persisting.take((h) => h === hour);
            return Promise.resolve();
          },
          failed: () => this.held.addAll(this.persisting.take((h) => h === hour)),
        };
      }),
    );
  }

  live(
    environmentId: string,
    keys: readonly string[],
    from: number,
    to: number,
  ): Promise<HourSketch[]> {
    const wanted = new Set(keys);
    const selected = (sketch: HourSketch) =>
      sketch.environmentId === environmentId && wanted.has(sketch.configKey);
    const inRange = (hour: number) => hour >= from && hour < to;
    return Promise.resolve(
      [...this.held.entries(inRange), ...this.persisting.entries(inRange)].filter(selected),
    );
  }

  drain(): HourSketch[] {
    return [...this.persisting.take(() => true), ...this.held.take(() => true)];
  }
}

/** How long a flush's temporary sketch may outlive a crash between its SET and its DEL. */
const TEMPORARY_TTL_MS = 60_000;

/**
 * Open hours in Redis: each flush SETs its sketches (Redis's own format) to temporary keys and
 * PFMERGEs them into the hour's keys, in one pipeline; an hour's keys expire after
 * SKETCH_TTL_MS. An index set per hour lists its keys for the persisting job. The job claims
 * a closed hour with a marker before it reads it (so concurrent runs do not both store it),
 * and a flush that adds to an hour removes its marker (so an hour written late is stored
 * again: merging is idempotent). Readers merge every hour Redis still has, persisted or not.
 * Commands fail fast when Redis is down (the recorder keeps the sketches for the next flush).
 */
export class RedisSketchStore extends SketchStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    redisPrefix: string,
    private readonly flushMs: number,
  ) {
    super();
    this.prefix = `${redisPrefix}:usage:hll`;
  }

  private key(hour: number, kind: 'u' | 'd', environmentId: string, configKey: string): string {
    return `${this.prefix}:${hour}:${kind}:${environmentId}:${configKey}`;
  }

  private index(hour: number): string {
    return `${this.prefix}:${hour}:index`;
  }

  private marker(hour: number): string {
    return `${this.prefix}:${hour}:persisted`;
  }

  async add(window: HourSketches): Promise<void> {
    const pipeline = this.redis.pipeline();
    // A sketch shared by several keys (ServedSubjects.sketches) is encoded and sent once.
    const temporary = new Map<HyperLogLog, string>();
    const merge = (destination: string, sketch: HyperLogLog) => {
      if (sketch.isEmpty) return;
      let key = temporary.get(sketch);
      if (key === undefined) {
        key = `${this.prefix}:tmp:${randomUUID()}`;
        temporary.set(sketch, key);
        pipeline.set(key, sketch.toRedis(), 'PX', TEMPORARY_TTL_MS);
      }
      pipeline.pfmerge(destination, key);
      pipeline.pexpire(destination, SKETCH_TTL_MS);
    };
    for (const [hour, environments] of window.hours) {
      const members: string[] = [];
      for (const [environmentId, keys] of environments) {
        for (const [configKey, pair] of keys) {
          merge(this.key(hour, 'u', environmentId, configKey), pair.users);
          merge(this.key(hour, 'd', environmentId, configKey), pair.devices);
          members.push(`${environmentId}:${configKey}`);
        }
      }
      if (members.length === 0) continue;
      pipeline.sadd(this.index(hour), ...members);
      pipeline.pexpire(this.index(hour), SKETCH_TTL_MS);
      pipeline.del(this.marker(hour));
    }
    if (temporary.size === 0) return;
    pipeline.del(...temporary.values());
    throwFirstError(await pipeline.exec());
  }

  async closed(now: number): Promise<ClosedHour[]> {
    const last = periodStart(now - persistGraceMs(this.flushMs), UsageGranularity.Hour) - HOUR_MS;
    const hours: number[] = [];
    for (
      let hour = periodStart(now - PERSIST_LOOKBACK_MS, UsageGranularity.Hour);
      hour <= last;
      hour += HOUR_MS
    ) {
      hours.push(hour);
    }
    const closed: ClosedHour[] = [];
    for (const hour of hours) {
      const claimed = await this.redis.set(this.marker(hour), '1', 'PX', SKETCH_TTL_MS, 'NX');
      if (claimed === null) continue;
      try {
        const members = await this.redis.smembers(this.index(hour));
        const sketches = await this.read(
          members.map((member) => {
            const colon = member.indexOf(':');
            return {
              hour,
              environmentId: member.slice(0, colon),
              configKey: member.slice(colon + 1),
            };
          }),
        );
        closed.push({
          hour,
          sketches,
          persisted: () => Promise.resolve(),
          failed: () => void this.unclaim(hour),
        });
      } catch (error) {
        await this.unclaim(hour);
        throw error;
      }
    }
    return closed;
  }

  async live(
    environmentId: string,
    keys: readonly string[],
    from: number,
    to: number,
    now: number,
  ): Promise<HourSketch[]> {
    const start = Math.max(from, periodStart(now - SKETCH_TTL_MS, UsageGranularity.Hour));
    const end = Math.min(to, periodStart(now, UsageGranularity.Hour) + HOUR_MS);
    const triples = [];
    for (let hour = start; hour < end; hour += HOUR_MS) {
      for (const configKey of keys) triples.push({ hour, environmentId, configKey });
    }
    return this.read(triples);
  }

  private async unclaim(hour: number): Promise<void> {
    await this.redis.del(this.marker(hour)).catch(() => undefined);
  }

  drain(): HourSketch[] {
    return [];
  }

  /** The sketches of the (hour, environment, key) triples that have any, in one pipeline. */
  private async read(
    triples: readonly { hour: number; environmentId: string; configKey: string }[],
  ): Promise<HourSketch[]> {
    if (triples.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { hour, environmentId, configKey } of triples) {
      pipeline.getBuffer(this.key(hour, 'u', environmentId, configKey));
      pipeline.getBuffer(this.key(hour, 'd', environmentId, configKey));
    }
    const replies = throwFirstError(await pipeline.exec());
    const sketches: HourSketch[] = [];
    triples.forEach((triple, i) => {
      const users = replies[2 * i] as Buffer | null;
      const devices = replies[2 * i + 1] as Buffer | null;
      if (!users && !devices) return;
      sketches.push({
        ...triple,
        users: users ? HyperLogLog.fromRedis(users) : new HyperLogLog(),
        devices: devices ? HyperLogLog.fromRedis(devices) : new HyperLogLog(),
      });
    });
    return sketches;
  }
}

function throwFirstError(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis pipeline was discarded');
  for (const [error] of results) if (error) throw error;
  return results.map(([, result]) => result);
}
