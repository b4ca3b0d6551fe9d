import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigState } from '../../engine/config-state';
import { compileConfig, CompiledConfig, evaluateAll } from '../../engine/evaluation/compile-config';
import { EvaluationResult, flagNotFound } from '../../engine/evaluation/result';
import { SharedConditions } from '../../engine/evaluation/shared';
import { PubSub } from '../../core/pubsub/pub-sub';
import { BusinessConfig } from '../configs/business-config.entity';
import {
  changesChannel,
  ConfigChangedEvent,
  ConfigChangeEvents,
} from '../configs/config-change-events';
import { toConfigState } from '../configs/config-state.mapper';

/** How long a missing revision may stay missing before the environment is reloaded. */
export const GAP_TIMEOUT_MS = 2000;
/** Recent events kept per environment, replayed onto a snapshot that was reloaded meanwhile. */
const RECENT_EVENTS = 1000;

/**
 * One environment's configs, compiled, in memory. Evaluation reads it synchronously, so a
 * request sees one consistent set. Each key remembers the environment revision of the change
 * it reflects: changes reach an instance from its own commits and from the relay, in any
 * order and possibly twice; an older or repeated one is dropped.
 */
export class EnvironmentSnapshot {
  private readonly configs = new Map<string, CompiledConfig>();
  private readonly revisions = new Map<string, number>();
  /** Conditions equal across this environment's configs are compiled, and answered, once. */
  readonly shared = new SharedConditions();
  /** Every revision up to this one has been seen. */
  private contiguous: number;
  /** Revisions seen above `contiguous`: a hole below them is a change not seen yet. */
  private readonly ahead = new Set<number>();
  /** When the oldest hole was noticed, if there is one. */
  gapSince: number | undefined;

  constructor(
    readonly environmentId: string,
    private readonly loadedRevision: number,
  ) {
    this.contiguous = loadedRevision;
  }

  /** The newest revision this snapshot reflects without a hole below it. */
  get revision(): number {
    return this.contiguous;
  }

  get(key: string): CompiledConfig | undefined {
    return this.configs.get(key);
  }

  all(): IterableIterator<CompiledConfig> {
    return this.configs.values();
  }

  /** One key's result for a context; FLAG_NOT_FOUND when the environment has no such key. */
  evaluate(key: string, context: unknown, targetingKey?: string): EvaluationResult {
    return this.configs.get(key)?.evaluate(context, targetingKey) ?? flagNotFound(key);
  }

  /** The listed keys' results for a context, or every config's. */
  evaluateMany(context: unknown, keys?: readonly string[]): EvaluationResult[] {
    return keys ? keys.map((key) => this.evaluate(key, context)) : evaluateAll(this.all(), context);
  }

  /** Applies a committed change unless this snapshot already reflects it or a later one. */
  apply(change: ConfigChangedEvent, now = Date.now()): boolean {
    this.track(change.revision, now);
    const seen = this.revisions.get(change.key) ?? this.loadedRevision;
    if (change.revision <= seen) return false;
    this.revisions.set(change.key, change.revision);
    if (change.state) this.put(change.key, change.version, change.state);
    else this.configs.delete(change.key);
    return true;
  }

  load(config: BusinessConfig): void {
    this.put(config.key, config.version, toConfigState(config));
  }

  private put(key: string, version: number, state: ConfigState): void {
    this.configs.set(key, compileConfig({ key, version, state }, this.shared));
  }

  private track(revision: number, now: number): void {
    if (revision <= this.contiguous) return;
    this.ahead.add(revision);
    while (this.ahead.delete(this.contiguous + 1)) this.contiguous += 1;
    if (this.ahead.size === 0) this.gapSince = undefined;
    else this.gapSince ??= now;
  }
}

/** What a watcher of an environment hears: a change applied, or the whole snapshot replaced. */
export type SnapshotUpdate =
  | { kind: 'change'; change: ConfigChangedEvent; snapshot: EnvironmentSnapshot }
  | { kind: 'reload'; snapshot: EnvironmentSnapshot };

/**
 * The serving snapshots of this instance: loaded on first use, then kept current by the
 * change events of this instance's commits and of the outbox relay (every instance). A
 * revision that stays missing, or a reconnect to the broker (messages may have been lost),
 * reloads the environment from PostgreSQL.
 */
@Injectable()
export class EvaluationSnapshots implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EvaluationSnapshots.name);
  private readonly snapshots = new Map<string, Promise<EnvironmentSnapshot>>();
  private readonly recent = new Map<string, ConfigChangedEvent[]>();
  private readonly watchers = new Map<string, Set<(update: SnapshotUpdate) => void>>();
  private readonly unsubscribes: (() => unknown)[] = [];
  /** Environments whose change channel this instance subscribes to (or is subscribing). */
  private readonly following = new Set<string>();
  private gapTimer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: ConfigChangeEvents,
    private readonly pubsub: PubSub,
  ) {}

  onModuleInit(): void {
    this.unsubscribes.push(
      this.events.subscribe((change) => void this.onChange(change)),
      this.pubsub.onReconnect(() => {
        for (const environmentId of this.snapshots.keys()) void this.reload(environmentId);
      }),
    );
    this.gapTimer = setInterval(() => this.checkGaps(), GAP_TIMEOUT_MS / 2);
    this.gapTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.gapTimer);
    await Promise.all(this.unsubscribes.map((unsubscribe) => unsubscribe()));
  }

  get(environmentId: string): Promise<EnvironmentSnapshot> {
    let snapshot = this.snapshots.get(environmentId);
    if (!snapshot) {
      this.follow(environmentId);
      snapshot = this.load(environmentId);
      this.snapshots.set(environmentId, snapshot);
      snapshot.catch(() => this.snapshots.delete(environmentId));
    }
    return snapshot;
  }

  /**
   * Calls `watcher` after each change applied to the environment's snapshot (once per
   * revision, whichever way it came) and after each reload. Returns the function that stops.
   */
  watch(environmentId: string, watcher: (update: SnapshotUpdate) => void): () => void {
    let set = this.watchers.get(environmentId);
    if (!set) this.watchers.set(environmentId, (set = new Set()));
    set.add(watcher);
    return () => set.delete(watcher);
  }

  /** How many watchers (subscriptions) an environment has on this instance. */
  watching(environmentId: string): number {
    return this.watchers.get(environmentId)?.size ?? 0;
  }

  private notify(environmentId: string, update: SnapshotUpdate): void {
    for (const watcher of this.watchers.get(environmentId) ?? []) {
      try {
        watcher(update);
      } catch (error) {
        this.logger.error({ err: error }, 'A snapshot watcher failed');
      }
    }
  }

  /**
   * Subscribes to the environment's change events, once. The snapshot is loaded without
   * waiting for that (while Redis is down the SUBSCRIBE waits for it to return), so a change
   * published before the subscription took hold may be missed: once subscribed, a newer
   * revision in the database than in the snapshot reloads it.
   */
  private follow(environmentId: string): void {
    if (this.following.has(environmentId)) return;
    this.following.add(environmentId);
    this.pubsub
      .subscribe(changesChannel(environmentId), (message) =>
        this.onChange(message as ConfigChangedEvent),
      )
      .then(
        (unsubscribe) => {
          this.unsubscribes.push(unsubscribe);
          return this.resync(environmentId);
        },
        (error: unknown) => {
          // Only once the connection is closed for good (shutdown): a SUBSCRIBE otherwise
          // waits for Redis to come back.
          this.following.delete(environmentId);
          this.logger.warn({ err: error }, `Following environment ${environmentId} failed`);
        },
      )
      .catch((error: unknown) =>
        this.logger.error({ err: error }, `Re-syncing environment ${environmentId} failed`),
      );
  }

  private async resync(environmentId: string): Promise<void> {
    const snapshot = await this.snapshots.get(environmentId)?.catch(() => undefined);
    if (!snapshot) return; // the next load reads everything, subscribed this time
    const [environment] = await this.dataSource.query(
      'SELECT revision FROM environment WHERE id = $1',
      [environmentId],
    );
    if (Number(environment?.revision ?? 0) > snapshot.revision) await this.reload(environmentId);
  }

  private async onChange(change: ConfigChangedEvent): Promise<void> {
    const recent = this.recent.get(change.environmentId) ?? [];
    recent.push(change);
    if (recent.length > RECENT_EVENTS) recent.shift();
    this.recent.set(change.environmentId, recent);
    const snapshot = this.snapshots.get(change.environmentId);
    if (!snapshot) return; // loaded later, from the database, with this change in it
    const resolved = await snapshot;
    if (resolved.apply(change)) {
      // Served at once; subscribers are told on the next turn, so the writer's response is
      // not held up by the fan-out (setImmediate keeps the order of changes).
      setImmediate(() =>
        this.notify(change.environmentId, { kind: 'change', change, snapshot: resolved }),
      );
    }
  }

  private checkGaps(now = Date.now()): void {
    for (const [environmentId, pending] of this.snapshots) {
      void pending.then((snapshot) => {
        if (snapshot.gapSince !== undefined && now - snapshot.gapSince >= GAP_TIMEOUT_MS) {
          this.logger.warn(
            `Environment ${environmentId}: a change after revision ${snapshot.revision} did not arrive; reloading`,
          );
          void this.reload(environmentId);
        }
      });
    }
  }

  /** Loads the environment again and swaps it in once loaded; recent events are replayed. */
  async reload(environmentId: string): Promise<void> {
    try {
      const fresh = await this.load(environmentId);
      for (const change of this.recent.get(environmentId) ?? []) fresh.apply(change);
      this.snapshots.set(environmentId, Promise.resolve(fresh));
      this.notify(environmentId, { kind: 'reload', snapshot: fresh });
    } catch (error) {
      this.logger.error({ err: error }, `Reloading environment ${environmentId} failed`);
    }
  }

  /** Revision and configs read in one repeatable-read transaction, so they agree. */
  private load(environmentId: string): Promise<EnvironmentSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [environment] = await manager.query('SELECT revision FROM environment WHERE id = $1', [
        environmentId,
      ]);
      const configs = await manager.findBy(BusinessConfig, { environmentId });
      const snapshot = new EnvironmentSnapshot(environmentId, Number(environment?.revision ?? 0));
      for (const config of configs) snapshot.load(config);
      return snapshot;
    });
  }
}
