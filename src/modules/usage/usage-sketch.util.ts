import { nextTurn } from '../../core/runtime/next-turn';
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
 * Sketches decoded and merged between two turns of the event loop: a dense sketch costs some
 * 0.1-0.2 ms, so a slice stays near 10 ms (docs/evaluation.md, "Limits on synchronous work").
 */
export const MERGES_PER_TURN = 64;

/**
 * Merges each item's sketches into `into`, by config key, a slice of MERGES_PER_TURN at a time
 * with a turn of the event loop between: a reader asks for up to a year of day sketches of
 * 100 keys, seconds of work in all. `mergeItem` merges an item into its key's pair when its
 * turn comes (stored ones straight from their bytes, HyperLogLog.mergeRedis).
 */
export async function mergeByKey<T>(
  into: Map<string, SketchPair>,
  items: readonly T[],
  keyOf: (item: T) => string,
  mergeItem: (pair: SketchPair, item: T) => void,
): Promise<Map<string, SketchPair>> {
  for (let i = 0; i < items.length; i += 1) {
    if (i > 0 && i % MERGES_PER_TURN === 0) await nextTurn();
    const key = keyOf(items[i]);
    let pair = into.get(key);
    if (!pair) into.set(key, (pair = newPair()));
    mergeItem(pair, items[i]);
  }
  return into;
}

/** Merges a pair of sketches into another. */
export function mergePair(into: SketchPair, pair: SketchPair): void {
  into.users.merge(pair.users);
  into.devices.merge(pair.devices);
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

  /**
   * Merges sketches in (merging is idempotent, so a retried merge changes nothing). The
   * sketches given are read, never kept: a flush's window shares one sketch between the keys
   * served together (ServedSubjects.sketches), so a merge into one key's must not reach another's.
   */
  addAll(sketches: Iterable<HourSketch>): void {
    for (const sketch of sketches) {
      const keys = this.keysOf(sketch.hour, sketch.environmentId);
      let pair = keys.get(sketch.configKey);
      if (!pair) keys.set(sketch.configKey, (pair = newPair()));
      mergePair(pair, sketch);
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

/** Adds a subject's hashed ids (NO_UPDATE when absent) to a pair of sketches. */
function addTo(pair: SketchPair, user: number, device: number): void {
  if (user !== NO_UPDATE) pair.users.add(user);
  if (device !== NO_UPDATE) pair.devices.add(device);
}

/** Adds a subject's hashed ids to a config's sketches, made on first use. */
export function addSubject(
  keys: Map<string, SketchPair>,
  configKey: string,
  user: number,
  device: number,
): void {
  let pair = keys.get(configKey);
  if (!pair) keys.set(configKey, (pair = newPair()));
  addTo(pair, user, device);
}

/**
 * Bounds of what one environment's subjects take in one hour between two flushes: nodes of
 * the key tree, and groups (a pair of sketches each, at most 2 × 16 KiB). Past them, subjects
 * go to each config's sketches directly (slower, no larger than a pair per config).
 */
export const MAX_KEY_NODES = 50_000;
export const MAX_GROUPS = 500;

/** A node of the tree of key sequences: the keys served, in order, up to here. */
export class KeyNode {
  /** The child taken last: most requests serve the keys of the one before. */
  lastKey?: string;
  last?: KeyNode;
  children?: Map<string, KeyNode>;
  /** The subjects whose requests were served exactly the keys up to here. */
  group?: SketchPair;

  constructor(
    readonly key: string,
    readonly parent?: KeyNode,
  ) {}

  /** The keys from here up to the root (a loop: a path may be MAX_KEY_NODES long). */
  path(): string[] {
    if (!this.parent) return [];
    const keys = [this.key];
    for (let node = this.parent; node.parent; node = node.parent) keys.push(node.key);
    return keys;
  }
}

/**
 * One environment's subjects in one hour since the last flush, grouped by the sequence of
 * config keys their requests were served: a request walks the tree one key at a time (a
 * string comparison while it follows the sequence the request before took) and adds its
 * subject's ids to its sequence's group once. At flush each group is merged into the
 * sketches of its keys. So counting costs per request, not per config served.
 */
export class ServedSubjects {
  readonly root = new KeyNode('');
  /** The whole environment's sketches (ENVIRONMENT_WIDE). */
  readonly environment = newPair();
  /** Subjects added to configs one by one, past the bounds. */
  private readonly direct = new Map<string, SketchPair>();
  private nodes = 1;
  private groups = 0;

  /** The node after `node` for `key`; undefined past MAX_KEY_NODES. */
  next(node: KeyNode, key: string): KeyNode | undefined {
    if (node.lastKey === key) return node.last;
    let child = node.children?.get(key);
    if (!child) {
      if (this.nodes >= MAX_KEY_NODES) return undefined;
      child = new KeyNode(key, node);
      this.nodes += 1;
      (node.children ??= new Map()).set(key, child);
    }
    node.lastKey = key;
    node.last = child;
    return child;
  }

  /** Adds a subject served the keys up to `node`. */
  add(node: KeyNode, user: number, device: number): void {
    addTo(this.environment, user, device);
    if (node === this.root) return;
    if (!node.group) {
      if (this.groups >= MAX_GROUPS) {
        for (const key of node.path()) addSubject(this.direct, key, user, device);
        return;
      }
      node.group = newPair();
      this.groups += 1;
    }
    addTo(node.group, user, device);
  }

  /** Adds a subject served `keys`, past the bounds. */
  addKeys(keys: readonly string[], user: number, device: number): void {
    addTo(this.environment, user, device);
    for (const key of keys) addSubject(this.direct, key, user, device);
  }

  /**
   * Each config's sketches, and the environment's under ENVIRONMENT_WIDE. A key whose subjects
   * all came through one group gets that group's sketches themselves, shared with the other
   * keys of the group (read only): requests that are served the same keys (OFREP bulk, an
   * SDK's full fetch) make one pair of sketches for all of them, encoded and sent once.
   */
  sketches(environmentWide: string): Map<string, SketchPair> {
    const groupsOf = new Map<string, SketchPair[]>();
    const pending = [this.root];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.children) pending.push(...node.children.values());
      const group = node.group;
      if (!group) continue;
      for (const key of node.path()) {
        const groups = groupsOf.get(key);
        if (groups) groups.push(group);
        else groupsOf.set(key, [group]);
      }
    }
    const keys = this.direct;
    for (const [key, groups] of groupsOf) {
      let pair = keys.get(key);
      if (!pair && groups.length === 1) {
        keys.set(key, groups[0]);
        continue;
      }
      if (!pair) keys.set(key, (pair = newPair()));
      for (const group of groups) mergePair(pair, group);
    }
    keys.set(environmentWide, this.environment);
    return keys;
  }
}

/**
 * One request's walk down the tree: the keys served one by one, then done() adds the subject
 * to its sequence's group (per key served, one string comparison while the sequence is known).
 */
export class SubjectWalk {
  private node?: KeyNode;
  /** The keys served, once the tree is full. */
  private keys?: string[];

  constructor(
    private readonly served: ServedSubjects,
    private readonly user: number,
    private readonly device: number,
  ) {
    this.node = served.root;
  }

  add(key: string): void {
    if (this.node) {
      const next = this.served.next(this.node, key);
      if (next) {
        this.node = next;
        return;
      }
      this.keys = this.node.path();
      this.node = undefined;
    }
    this.keys!.push(key);
  }

  done(): void {
    if (this.node) this.served.add(this.node, this.user, this.device);
    else this.served.addKeys(this.keys!, this.user, this.device);
  }
}

/** The subjects of every environment and hour since the last flush. */
export class SubjectWindow {
  private readonly hours = new Map<number, Map<string, ServedSubjects>>();

  served(hour: number, environmentId: string): ServedSubjects {
    let environments = this.hours.get(hour);
    if (!environments) this.hours.set(hour, (environments = new Map()));
    let served = environments.get(environmentId);
    if (!served) environments.set(environmentId, (served = new ServedSubjects()));
    return served;
  }

  /** The window as sketches per hour, environment and config key. */
  toSketches(environmentWide: string): HourSketches {
    const sketches = new HourSketches();
    for (const [hour, environments] of this.hours) {
      for (const [environmentId, served] of environments) {
        const keys = sketches.keysOf(hour, environmentId);
        for (const [key, pair] of served.sketches(environmentWide)) keys.set(key, pair);
      }
    }
    return sketches;
  }
}
