import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigState } from '../../engine/config-state';
import { ActiveDeployment } from '../../engine/deployment-state';
import { RunningExperiment } from '../../engine/experiment-state';
import {
  compileConfig,
  CompiledConfig,
  evaluateAll,
  StoredConfig,
} from '../../engine/evaluation/compile-config';
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
import {
  ACTIVE_DEPLOYMENT_COLUMNS,
  ActiveDeploymentRow,
  toActiveDeployment,
} from '../deployments/active-deployment.mapper';
import {
  RUNNING_EXPERIMENT_COLUMNS,
  RunningExperimentRow,
  toRunningExperiment,
} from '../experiments/running-experiment.mapper';

/**
 * Stored `random` assignments an instance keeps per running experiment (the oldest first);
 * subjects beyond it are served their variant by `assignVariant` only (docs/experiments.md).
 */
export const MAX_CACHED_ASSIGNMENTS = 100_000;
/** The pub/sub channel on which a stored random assignment reaches every instance. */
export const ASSIGNMENTS_CHANNEL = 'experiment-assignments';

export interface AssignmentMessage {
  experimentId: string;
  subject: string;
  variantKey: string;
}

/** Subject → variant key of each running random experiment, shared by the snapshots. */
export type AssignmentCaches = Map<string, Map<string, string>>;

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
  /** The stored version and state of each key, compiled again when its experiment changes. */
  private readonly states = new Map<string, { version: number; state: ConfigState }>();
  /** The running experiment of each config key, and the revision it reflects. */
  private readonly experiments = new Map<string, RunningExperiment>();
  private readonly experimentRevisions = new Map<string, number>();
  /** The active deployment of each config key, and the revision it reflects. */
  private readonly deployments = new Map<string, ActiveDeployment>();
  private readonly deploymentRevisions = new Map<string, number>();
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
    private readonly assignments: AssignmentCaches = new Map(),
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

  /** The running experiment attached to a config, if any. */
  experimentOf(key: string): RunningExperiment | undefined {
    return this.experiments.get(key);
  }

  /** The active deployment attached to a config, if any. */
  deploymentOf(key: string): ActiveDeployment | undefined {
    return this.deployments.get(key);
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

  /**
   * Applies a committed change unless this snapshot already reflects it or a later one. An
   * experiment transition carries the config's (unchanged) state and its experiment, each
   * applied if newer than what the key reflects: a config edit carries no experiment, so the
   * running one stays attached whichever arrives first. Deployments likewise: a step carries
   * the unchanged state and the new percentage; a completion the new state and no deployment.
   */
  apply(change: ConfigChangedEvent, now = Date.now()): boolean {
    this.track(change.revision, now);
    const { key } = change;
    let sideChanged = false;
    if (change.experiment) {
      const seen = this.experimentRevisions.get(key) ?? this.loadedRevision;
      if (change.revision > seen) {
        this.experimentRevisions.set(key, change.revision);
        this.attach(key, change.experiment.running);
        sideChanged = true;
      }
    }
    if (change.deployment) {
      const seen = this.deploymentRevisions.get(key) ?? this.loadedRevision;
      if (change.revision > seen) {
        this.deploymentRevisions.set(key, change.revision);
        this.attachDeployment(key, change.deployment.active);
        sideChanged = true;
      }
    }
    const seen = this.revisions.get(key) ?? this.loadedRevision;
    if (change.revision <= seen) {
      const stored = this.states.get(key);
      if (sideChanged && stored) this.put(key, stored.version, stored.state);
      return sideChanged;
    }
    this.revisions.set(key, change.revision);
    if (change.state) this.put(key, change.version, change.state);
    else {
      this.configs.delete(key);
      this.states.delete(key);
      this.experiments.delete(key);
      this.deployments.delete(key);
    }
    return true;
  }

  load(config: BusinessConfig): void {
    this.put(config.key, config.version, toConfigState(config));
  }

  /** Attaches a running experiment to a config (before `load`), or detaches it. */
  attach(key: string, running: Omit<RunningExperiment, 'assignments'> | null): void {
    if (!running) {
      this.experiments.delete(key);
      return;
    }
    if (running.assignment !== 'random') {
      this.experiments.set(key, running);
      return;
    }
    // The cache of the experiment, shared with the other snapshots and filled by their owner.
    let assignments = this.assignments.get(running.id);
    if (!assignments) this.assignments.set(running.id, (assignments = new Map()));
    this.experiments.set(key, { ...running, assignments });
  }

  /** Attaches an active deployment to a config (before `load`), or detaches it. */
  attachDeployment(key: string, active: ActiveDeployment | null): void {
    if (active) this.deployments.set(key, active);
    else this.deployments.delete(key);
  }

  private put(key: string, version: number, state: ConfigState): void {
    this.states.set(key, { version, state });
    const stored: StoredConfig = {
      key,
      version,
      state,
      experiment: this.experiments.get(key) ?? null,
      deployment: this.deployments.get(key) ?? null,
    };
    this.configs.set(key, compileConfig(stored, this.shared));
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
  /** Stored random assignments of the running experiments this instance serves. */
  private readonly assignments: AssignmentCaches = new Map();
  /** The experiments whose stored assignments have been read into their cache. */
  private readonly loadedAssignments = new Set<string>();
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
    this.pubsub
      .subscribe(ASSIGNMENTS_CHANNEL, (message) =>
        this.cacheAssignment(message as AssignmentMessage),
      )
      .then(
        (unsubscribe) => this.unsubscribes.push(unsubscribe),
        (error: unknown) => this.logger.warn({ err: error }, 'Following assignments failed'),
      );
  }

  /**
   * A stored random assignment, served by this instance's snapshots at once and by every
   * other instance's once the message arrives (an instance that misses it reads it from the
   * database on its next load of the environment).
   */
  async recordAssignment(assignment: AssignmentMessage): Promise<void> {
    this.cacheAssignment(assignment);
    await this.pubsub.tryPublish(ASSIGNMENTS_CHANNEL, assignment);
  }

  private cacheAssignment({ experimentId, subject, variantKey }: AssignmentMessage): void {
    const cache = this.assignments.get(experimentId);
    if (cache && !cache.has(subject) && cache.size < MAX_CACHED_ASSIGNMENTS) {
      cache.set(subject, variantKey);
    }
  }

  /**
   * After an experiment's transition: a random experiment the snapshot now serves has its
   * stored assignments read once; one it does not serve (stopped) has its cache dropped. A
   * stale copy of a stop (the relay repeats events after later ones) changes nothing.
   */
  private async keepAssignments(
    snapshot: EnvironmentSnapshot,
    key: string,
    experimentId: string,
  ): Promise<void> {
    const attached = snapshot.experimentOf(key);
    if (attached?.id !== experimentId) {
      this.assignments.delete(experimentId);
      this.loadedAssignments.delete(experimentId);
    } else if (attached.assignment === 'random' && !this.loadedAssignments.has(experimentId)) {
      this.loadedAssignments.add(experimentId);
      await this.loadAssignments(experimentId, (sql, params) => this.dataSource.query(sql, params));
    }
  }

  /**
   * Reads an experiment's stored assignments into its cache (the oldest, up to the bound).
   * The cache is registered before the read, so an assignment published meanwhile is kept.
   */
  private async loadAssignments(
    experimentId: string,
    query: (sql: string, params: unknown[]) => Promise<{ subject: string; variant_key: string }[]>,
  ): Promise<void> {
    const cache = this.assignments.get(experimentId) ?? new Map<string, string>();
    this.assignments.set(experimentId, cache);
    const rows = await query(
      `SELECT subject, variant_key FROM experiment_assignment WHERE experiment_id = $1
       ORDER BY assigned_at, subject LIMIT ${MAX_CACHED_ASSIGNMENTS}`,
      [experimentId],
    );
    for (const row of rows) {
      if (cache.size >= MAX_CACHED_ASSIGNMENTS) break;
      cache.set(row.subject, row.variant_key);
    }
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
    const applied = resolved.apply(change);
    if (change.experiment) await this.keepAssignments(resolved, change.key, change.experiment.id);
    if (applied) {
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
      const experiments: (RunningExperimentRow & { configKey: string })[] = await manager.query(
        `SELECT ${RUNNING_EXPERIMENT_COLUMNS} FROM experiment e
         WHERE e.environment_id = $1 AND e.status = 'running'`,
        [environmentId],
      );
      for (const experiment of experiments) {
        if (experiment.assignment === 'random') {
          this.loadedAssignments.add(experiment.id);
          await this.loadAssignments(experiment.id, (sql, params) => manager.query(sql, params));
        }
      }
      const snapshot = new EnvironmentSnapshot(
        environmentId,
        Number(environment?.revision ?? 0),
        this.assignments,
      );
      for (const experiment of experiments) {
        snapshot.attach(experiment.configKey, toRunningExperiment(experiment));
      }
      const deployments: ActiveDeploymentRow[] = await manager.query(
        `SELECT ${ACTIVE_DEPLOYMENT_COLUMNS} FROM config_deployment d
         WHERE d.environment_id = $1 AND d.status IN ('pending', 'in_progress', 'paused')`,
        [environmentId],
      );
      for (const deployment of deployments) {
        snapshot.attachDeployment(deployment.configKey, toActiveDeployment(deployment));
      }
      for (const config of configs) snapshot.load(config);
      return snapshot;
    });
  }
}
