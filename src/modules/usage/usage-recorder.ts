import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { isRefusedData } from '../../core/database/database-errors';
import { MetricsService } from '../../core/metrics/metrics.service';
import { EvaluationResult, flagNotFound } from '../../engine/evaluation/result';
import { EnvironmentsService } from '../environments/environments.service';
import {
  countsOfResult,
  HOUR_MS,
  MINUTE_MS,
  periodStart,
  SERVED_CHANNELS,
  ServedChannel,
  storedLabel,
  UsageCount,
  UsageGranularity,
  UsageMetric,
  UsageRow,
  UsageRows,
  withLateRollups,
} from './usage-metric.util';
import { hllUpdateOf } from './hyperloglog';
import { subjectField } from '../fetch-log/fetch-log.util';
import { ENVIRONMENT_WIDE } from './unique-counter';
import { UsagePrometheus } from './usage-prometheus';
import { SketchStore } from './usage-sketch-store';
import {
  HourSketches,
  NO_UPDATE,
  SKETCH_TTL_MS,
  SubjectWalk,
  SubjectWindow,
} from './usage-sketch.util';
import { UsageSketches } from './usage-sketches.service';
import { UsageRepository } from './usage.repository';
import { ExposureRecorder } from '../experiments/events/exposure-recorder';
import { anyExposureSource } from '../../engine/evaluation/exposure-sources';

/** Counts evaluations of one channel in one environment: what a hot path holds for a request. */
interface UsageTally {
  add(result: EvaluationResult): void;
  /** Called once the request's results are all added. */
  done(): void;
}

/** Distinct unknown keys kept per environment, channel and minute; the rest share one row. */
export const MAX_UNKNOWN_KEYS = 1000;
export const UNKNOWN_KEYS_OVERFLOW = '(other unknown keys)';
/** Rows kept across failed flushes; beyond this the oldest minutes are dropped. */
export const MAX_PENDING_ROWS = 100_000;

const NO_TALLY: UsageTally = { add: () => undefined, done: () => undefined };

/**
 * One channel's counts in one environment and minute. Results are compiled once per config
 * version and shared (see compile-config.ts), so they key the map by identity: counting an
 * evaluation builds no string. A FLAG_NOT_FOUND result is new each time, so those count by key.
 */
class ChannelTally implements UsageTally {
  /** A box per result, so counting one already seen is one lookup, not a get and a set. */
  readonly results = new Map<EvaluationResult, { count: number }>();
  readonly unknown = new Map<string, number>();

  add(result: EvaluationResult): void {
    if (result.errorCode === 'FLAG_NOT_FOUND') {
      const key =
        this.unknown.size < MAX_UNKNOWN_KEYS || this.unknown.has(result.key)
          ? result.key
          : UNKNOWN_KEYS_OVERFLOW;
      this.unknown.set(key, (this.unknown.get(key) ?? 0) + 1);
      return;
    }
    const counted = this.results.get(result);
    if (counted) counted.count += 1;
    else this.results.set(result, { count: 1 });
  }

  done(): void {}
}

/**
 * A request's tally, one object per request: counts in the channel's tally (absent with
 * USAGE_METRICS=off); with a subject (a user or device id), walks the keys served so that
 * done() adds the subject (its ids hashed once) to the sketches of each config served (see
 * ServedSubjects); once experiments run, hands the EXPERIMENT results, with the context, to
 * the exposure recorder (with USAGE_METRICS=off too: experiments need them).
 */
class RequestTally implements UsageTally {
  constructor(
    private readonly counts: ChannelTally | undefined,
    private readonly walk: SubjectWalk | undefined,
    private readonly exposures: ExposureRecorder | undefined,
    private readonly environmentId: string,
    private readonly context: unknown,
    private readonly targetingKey: string | undefined,
  ) {}

  add(result: EvaluationResult): void {
    this.counts?.add(result);
    if (this.walk && result.errorCode !== 'FLAG_NOT_FOUND') this.walk.add(result.key);
    if (this.exposures && result.reason === 'EXPERIMENT') {
      this.exposures.add(this.environmentId, result, this.context, this.targetingKey);
    }
  }

  done(): void {
    this.walk?.done();
  }
}

class EnvironmentTally {
  readonly channels = SERVED_CHANNELS.map(() => new ChannelTally());
  /** Counters other than evaluations (refused saves), by row. */
  readonly other = new Map<string, UsageCount>();
}

/**
 * Counts usage in memory per process and writes it every USAGE_FLUSH_MS as one multi-row
 * upsert of minute rows; the last counts are written at shutdown, so a crash loses at most one
 * interval. A failed write keeps its rows for the next one (up to MAX_PENDING_ROWS) and is
 * logged once until a write succeeds again. USAGE_METRICS=off turns all of it off.
 */
@Injectable()
export class UsageRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  readonly enabled: boolean;
  private readonly prometheus: UsagePrometheus;
  /** Tallies by minute (ms since the epoch), then environment id. */
  private minutes = new Map<number, Map<string, EnvironmentTally>>();
  private current?: Map<string, EnvironmentTally>;
  private currentEnd = 0;
  /** Counts SDKs reported, in the minutes their periods start in. */
  private reported = new UsageRows();
  /** Rows a failed flush could not write. */
  private pending = new UsageRows();
  private failing = false;
  /** Users and devices served since the last flush; see docs/usage-metrics.md. */
  private subjects = new SubjectWindow();
  /** Sketches a failed flush could not write. */
  private unsentSketches = new HourSketches();
  private sketchesFailing = false;
  private flushing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  /** Environment keys by id, for /metrics labels; learnt in the background. */
  private readonly environmentKeys = new Map<string, string>();
  private readonly lookingUp = new Set<string>();
  /** The clock, replaceable in tests. */
  now: () => number = Date.now;

  constructor(
    private readonly repository: UsageRepository,
    private readonly environments: EnvironmentsService,
    private readonly config: AppConfig,
    metrics: MetricsService,
    private readonly sketchStore: SketchStore,
    private readonly sketches: UsageSketches,
    private readonly exposures: ExposureRecorder,
  ) {
    this.enabled = config.USAGE_METRICS;
    this.prometheus = new UsagePrometheus(metrics.registry, config.USAGE_PROMETHEUS_TOP_KEYS);
  }

  onApplicationBootstrap(): void {
    // Exposures ride this flush even with usage counting off.
    this.timer = setInterval(() => void this.flush(), this.config.USAGE_FLUSH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.enabled) await this.sketches.persistHeld();
  }

  /**
   * Counts one batch of results served on a channel; with the evaluation context, its
   * `user.id` and `device.id` count as unique users and devices of each config served, and
   * the EXPERIMENT results among them are exposures of their subject (OFREP's `targetingKey`,
   * when given, else the config's stickiness value) for the ExposureRecorder.
   */
  record(
    environmentId: string,
    channel: ServedChannel,
    results: readonly EvaluationResult[],
    context?: unknown,
    targetingKey?: string,
  ) {
    const tally = this.tally(environmentId, channel, context, targetingKey);
    for (const result of results) tally.add(result);
    tally.done();
  }

  /** The tally of a channel in an environment for one request's results, then done(). */
  private tally(
    environmentId: string,
    channel: ServedChannel,
    context?: unknown,
    targetingKey?: string,
  ): UsageTally {
    // Only once some experiment runs (its results compiled) do requests pay for exposures.
    const exposures = context !== undefined && anyExposureSource() ? this.exposures : undefined;
    const counts = this.enabled
      ? this.environmentTally(environmentId).channels[SERVED_CHANNELS.indexOf(channel)]
      : undefined;
    const walk =
      counts && context !== undefined ? this.subjectWalk(environmentId, context) : undefined;
    if (!walk && !exposures) return counts ?? NO_TALLY;
    return new RequestTally(counts, walk, exposures, environmentId, context, targetingKey);
  }

  /** The walk that counts the context's user and device ids; undefined when it has neither. */
  private subjectWalk(environmentId: string, context: unknown): SubjectWalk | undefined {
    const userId = subjectField(context, 'user', 'id');
    const deviceId = subjectField(context, 'device', 'id');
    if (userId === null && deviceId === null) return undefined;
    const user = userId === null ? NO_UPDATE : hllUpdateOf(userId);
    const device = deviceId === null ? NO_UPDATE : hllUpdateOf(deviceId);
    const served = this.subjects.served(
      periodStart(this.now(), UsageGranularity.Hour),
      environmentId,
    );
    return new SubjectWalk(served, user, device);
  }

  /** Adds to a counter that is not an evaluation (a refused save, say). */
  add(environmentId: string, key: string, metric: UsageMetric, label = '', count = 1) {
    if (!this.enabled) return;
    const other = this.environmentTally(environmentId).other;
    // A refused create's key comes from the client: made a label like any other.
    const configKey = storedLabel(key);
    const dimension = storedLabel(label);
    const id = `${configKey}\u0000${metric}\u0000${dimension}`;
    const counted = other.get(id);
    if (counted) counted.count += count;
    else other.set(id, { environmentId, configKey, metric, dimension, count });
  }

  /** Adds counts an SDK reported for a period starting at `start`, to that period's minute. */
  addReported(counts: readonly UsageCount[], start: Date): void {
    if (!this.enabled) return;
    if (counts[0]) this.learnEnvironmentKey(counts[0].environmentId);
    const minute = new Date(periodStart(start.getTime(), UsageGranularity.Minute));
    for (const count of counts) {
      this.reported.add({ ...count, granularity: UsageGranularity.Minute, periodStart: minute });
    }
  }

  /** Adds counts to the /metrics counters. */
  private observe(counts: readonly UsageCount[]): void {
    const byEnvironment = new Map<string, UsageCount[]>();
    for (const count of counts) {
      const group = byEnvironment.get(count.environmentId);
      if (group) group.push(count);
      else byEnvironment.set(count.environmentId, [count]);
    }
    for (const [environmentId, group] of byEnvironment) {
      const environment = this.environmentKeys.get(environmentId) ?? environmentId;
      this.prometheus.observe(environmentId, environment, group);
    }
  }

  /** Writes what was counted; concurrent calls run one after the other. */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .then(() => this.write())
      .catch((error: unknown) => this.logger.error({ err: error }, 'Flushing usage counts failed'));
    return this.flushing;
  }

  private environmentTally(environmentId: string): EnvironmentTally {
    const now = this.now();
    if (now >= this.currentEnd || !this.current) {
      const minute = periodStart(now, UsageGranularity.Minute);
      this.current = this.minutes.get(minute);
      if (!this.current) this.minutes.set(minute, (this.current = new Map()));
      this.currentEnd = minute + MINUTE_MS;
    }
    let tally = this.current.get(environmentId);
    if (!tally) {
      this.current.set(environmentId, (tally = new EnvironmentTally()));
      this.learnEnvironmentKey(environmentId);
    }
    return tally;
  }

  private async write(): Promise<void> {
    await Promise.all([this.writeCounts(), this.writeSketches(), this.exposures.flush()]);
  }

  /**
   * Merges the sketches since the last flush into the open hours' (Redis, or this process);
   * when that fails they are merged back for the next try (merging twice changes nothing),
   * and hours past Redis's TTL are dropped.
   */
  private async writeSketches(): Promise<void> {
    let window = this.subjects.toSketches(ENVIRONMENT_WIDE);
    this.subjects = new SubjectWindow();
    if (!this.unsentSketches.isEmpty) {
      // Merged into the kept ones: the window's sketches may be shared between keys.
      this.unsentSketches.addAll(window.entries());
      window = this.unsentSketches;
      this.unsentSketches = new HourSketches();
    }
    if (window.isEmpty) return;
    try {
      await this.sketchStore.add(window);
      if (this.sketchesFailing) this.logger.log('Unique-user sketches are written again');
      this.sketchesFailing = false;
    } catch (error) {
      if (!this.sketchesFailing) {
        this.logger.warn(
          `Writing unique-user sketches failed; they are kept for the next try: ${String(error)}`,
        );
        this.sketchesFailing = true;
      }
      const oldest = periodStart(this.now() - SKETCH_TTL_MS, UsageGranularity.Hour) + HOUR_MS;
      this.unsentSketches.addAll(window.entries((hour) => hour >= oldest));
    }
  }

  private async writeCounts(): Promise<void> {
    const minutes = this.minutes;
    this.minutes = new Map();
    this.current = undefined;
    const rows = this.pending;
    this.pending = new UsageRows();
    const reported = this.reported.values();
    this.reported = new UsageRows();
    this.observe(reported);
    rows.addAll(reported);
    for (const [minute, environments] of minutes) {
      for (const [environmentId, tally] of environments) {
        const counts = countsOf(environmentId, tally);
        this.observe(counts);
        const start = new Date(minute);
        for (const count of counts) {
          rows.add({ ...count, granularity: UsageGranularity.Minute, periodStart: start });
        }
      }
    }
    if (rows.size === 0) return;
    const { unwritten, error } = await this.writeRows(rows.values());
    if (error) {
      this.keep(unwritten, error);
      return;
    }
    if (this.failing) this.logger.log('Usage counts are written again');
    this.failing = false;
  }

  /**
   * Writes rows (with their late rollups) in one statement. When the database refuses the
   * data itself (one bad row), the rows are written in halves until the refused ones stand
   * alone, and those are dropped with an error in the log: kept, they would fail every later
   * write with them. Another failure (the database down) leaves the rows not yet written,
   * to be kept for the next try.
   */
  private async writeRows(rows: UsageRow[]): Promise<{ unwritten: UsageRow[]; error?: unknown }> {
    try {
      const written = new UsageRows();
      written.addAll(withLateRollups(rows, this.now()));
      await this.repository.add(written.values());
      return { unwritten: [] };
    } catch (error) {
      if (!isRefusedData(error)) return { unwritten: rows, error };
      if (rows.length === 1) {
        const [row] = rows;
        this.logger.error(
          { err: error, configKey: row.configKey, metric: row.metric },
          'The database refused a usage row; it is dropped, not retried',
        );
        return { unwritten: [] };
      }
      const half = rows.length >> 1;
      const first = await this.writeRows(rows.slice(0, half));
      if (first.error)
        return { unwritten: [...first.unwritten, ...rows.slice(half)], error: first.error };
      return this.writeRows(rows.slice(half));
    }
  }

  private keep(rows: UsageRow[], error: unknown): void {
    if (!this.failing) {
      this.logger.warn(
        `Writing usage counts failed; they are kept for the next try (every ${this.config.USAGE_FLUSH_MS} ms): ${String(error)}`,
      );
      this.failing = true;
    }
    const newestFirst = rows.sort((a, b) => b.periodStart.getTime() - a.periodStart.getTime());
    // Rows counted since are newer than any of these: they take precedence.
    const room = Math.max(0, MAX_PENDING_ROWS - this.pending.size);
    this.pending.addAll(newestFirst.slice(0, room));
    if (newestFirst.length > room) {
      this.logger.warn(`Dropped ${newestFirst.length - room} usage rows kept too long`);
    }
  }

  /**
   * Looks the environment's key up once, in the background: a flush never waits for it, and
   * until it is known (the database down at first) the id stands in for it.
   */
  private learnEnvironmentKey(environmentId: string): void {
    if (this.environmentKeys.has(environmentId) || this.lookingUp.has(environmentId)) return;
    this.lookingUp.add(environmentId);
    this.environments
      .findById(environmentId)
      .then(
        (environment) => environment && this.environmentKeys.set(environmentId, environment.key),
        () => undefined,
      )
      .finally(() => this.lookingUp.delete(environmentId));
  }
}

/** The counters of one environment's tally. */
function countsOf(environmentId: string, tally: EnvironmentTally): UsageCount[] {
  const counts: UsageCount[] = [...tally.other.values()];
  const push = (configKey: string, [metric, dimension, count]: [UsageMetric, string, number]) =>
    counts.push({
      environmentId,
      configKey: storedLabel(configKey),
      metric,
      dimension: storedLabel(dimension),
      count,
    });
  SERVED_CHANNELS.forEach((channel, i) => {
    const { results, unknown } = tally.channels[i];
    for (const [result, { count }] of results) {
      for (const entry of countsOfResult(result, channel, count)) push(result.key, entry);
    }
    for (const [key, count] of unknown) {
      for (const entry of countsOfResult(flagNotFound(key), channel, count)) push(key, entry);
    }
  });
  return counts;
}
