import { HyperLogLog } from './hyperloglog';
import { HOUR_MS } from './usage-metric.util';

/** The sketches of one config (or of the environment) in one hour. */
export interface SketchPair {
  users: HyperLogLog;
  devices: HyperLogLog;
}

/** One hour's sketches of one config (or of the environment, key ENVIRONMENT_WIDE). */
export interface HourSketch extends SketchPair {
  environmentId: string;
  configKey: string;
  /** The hour's start, ms since the epoch. */
  hour: number;
}

/** No update: the context has no such id. */
export const NO_UPDATE = -1;

/**
 * Open hours' sketches with a closed hour's grace: what a process flushes after an hour ends
 * still belongs to it, so an hour is persisted from Redis this long after it ends.
 */
export function persistGraceMs(flushMs: number): number {
  return 2 * flushMs + 30_000;
}

/** Redis keeps an hour's sketches this long after it starts: it is persisted well before. */
export const SKETCH_TTL_MS = 8 * HOUR_MS;
/** Closed hours the persisting job looks back over (it runs every few minutes). */
export const PERSIST_LOOKBACK_MS = 6 * HOUR_MS;

export function newPair(): SketchPair {
  return { users: new HyperLogLog(), devices: new HyperLogLog() };
}

/**
 * Sketches by hour (ms), environment id and config key: what a process collects between two
 * flushes (Redis mode) or holds for the open hours (embedded mode).
 */
export class HourSketches {
  readonly hours = new Map<number, Map<string, Map<string, SketchPair>>>();

  /** The sketches of one environment's configs in an hour, made on first use. */
  keysOf(hour: number, environmentId: string): Map<string, SketchPair> {
    let environments = this.hours.get(hour);
    if (!environments) this.hours.set(hour, (environments = new Map()));
    let keys = environments.get(environmentId);
    if (!keys) environments.set(environmentId, (keys = new Map()));
    return keys;
  }

  get isEmpty(): boolean {
    return this.hours.size === 0;
  }

  /** Merges sketches in (merging is idempotent, so a retried merge changes nothing). */
  addAll(sketches: Iterable<HourSketch>): void {
    for (const sketch of sketches) {
      const keys = this.keysOf(sketch.hour, sketch.environmentId);
      const pair = keys.get(sketch.configKey);
      if (pair) {
        pair.users.merge(sketch.users);
        pair.devices.merge(sketch.devices);
      } else {
        keys.set(sketch.configKey, { users: sketch.users, devices: sketch.devices });
      }
    }
  }

  /** Every sketch held, flattened. */
  *entries(hours: (hour: number) => boolean = () => true): Generator<HourSketch> {
    for (const [hour, environments] of this.hours) {
      if (!hours(hour)) continue;
      for (const [environmentId, keys] of environments) {
        for (const [configKey, pair] of keys) yield { environmentId, configKey, hour, ...pair };
      }
    }
  }

  /** Removes and returns the sketches of the hours `hours` selects. */
  take(hours: (hour: number) => boolean): HourSketch[] {
    const taken = [...this.entries(hours)];
    for (const hour of [...this.hours.keys()]) if (hours(hour)) this.hours.delete(hour);
    return taken;
  }
}

/**
 * Adds one subject's hashed ids (NO_UPDATE when absent) to a config's sketches and to the
 * environment's; the environment's once per request, by the caller.
 */
export function addSubject(
  keys: Map<string, SketchPair>,
  configKey: string,
  user: number,
  device: number,
): void {
  let pair = keys.get(configKey);
  if (!pair) keys.set(configKey, (pair = newPair()));
  if (user !== NO_UPDATE) pair.users.add(user);
  if (device !== NO_UPDATE) pair.devices.add(device);
}
