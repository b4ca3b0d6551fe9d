import { Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { EvaluationResult } from '../../engine/evaluation/result';
import { FetchChannel } from './config-fetch-log.entity';
import { FetchSubject, subjectOf, valueHash } from './fetch-log.util';

/** Records turned into rows and written per statement. */
export const WRITE_SLICE = 1_000;

/** What every record of one sampled request shares. */
interface FetchedBy extends FetchSubject {
  environmentId: string;
  revision: number;
  channel: FetchChannel;
  fetchedAt: Date;
}

/** A record as buffered: the result is kept by reference (results are frozen), hashed at flush. */
interface PendingFetch {
  by: FetchedBy;
  result: EvaluationResult;
}

/** A row as written. */
export interface FetchLogRow extends FetchSubject {
  environmentId: string;
  configKey: string;
  valueHash: string | null;
  reason: string;
  errorCode: string | null;
  ruleId: string | null;
  variant: string | null;
  configVersion: number;
  revision: number;
  channel: FetchChannel;
  fetchedAt: Date;
}

export interface FetchLogRates {
  /** The environment's sample rate, 0 to 1, from memory. */
  rateOf(environmentId: string): number;
}

export interface FetchLogWriter {
  /** Writes the rows with as few multi-row statements as it can. */
  insert(rows: FetchLogRow[]): Promise<void>;
}

export interface FetchLogRecorderOptions {
  /** Records held between flushes; beyond it new records are dropped and counted. */
  capacity: number;
  flushIntervalMs: number;
  random: () => number;
  now: () => Date;
}

export const DEFAULT_FETCH_LOG_OPTIONS: FetchLogRecorderOptions = {
  capacity: 20_000,
  flushIntervalMs: 5_000,
  random: Math.random,
  now: () => new Date(),
};

/** The Prometheus counter of records lost, by reason. */
export const DROPPED_METRIC = 'config_fetch_log_records_dropped_total';

/** What one sampled evaluation batch adds to; absent when the batch is not sampled. */
export interface FetchLogBatch {
  add(result: EvaluationResult): void;
}

/** The snapshot facts a record carries. */
export interface ServedFrom {
  environmentId: string;
  revision: number;
}

/**
 * Samples evaluation batches (one random draw per request, not per config) and buffers
 * every result of a sampled one in memory; a timer, and shutdown, write the buffer with
 * multi-row inserts. The buffer is bounded: when full, records are dropped and counted.
 */
export class FetchLogRecorder {
  private readonly logger = new Logger(FetchLogRecorder.name);
  private buffer: PendingFetch[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Set by stop: requests still served after the last flush are not sampled. */
  private stopped = false;
  private readonly hashes = new WeakMap<EvaluationResult, string>();
  /** Records dropped since start: buffer full, or a failed write. */
  dropped = 0;
  private readonly droppedFull: Counter.Internal;
  private readonly droppedFailed: Counter.Internal;

  constructor(
    private readonly rates: FetchLogRates,
    private readonly writer: FetchLogWriter,
    private readonly options: FetchLogRecorderOptions = DEFAULT_FETCH_LOG_OPTIONS,
    /** Where the dropped-records counter is registered (none: counted, not exported). */
    registry?: Registry,
  ) {
    const counter = new Counter({
      name: DROPPED_METRIC,
      help: 'Sampled fetch-log records lost: buffer_full (more sampled between flushes than the buffer holds) or write_failed (the database refused a flush)',
      labelNames: ['reason'] as const,
      registers: registry ? [registry] : [],
    });
    this.droppedFull = counter.labels('buffer_full');
    this.droppedFailed = counter.labels('write_failed');
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Decides whether this evaluation batch is sampled: one draw, no allocation when it is not. */
  sample(served: ServedFrom, channel: FetchChannel, context: unknown): FetchLogBatch | null {
    const rate = this.stopped ? 0 : this.rates.rateOf(served.environmentId);
    if (rate <= 0 || (rate < 1 && this.options.random() >= rate)) return null;
    const by: FetchedBy = {
      ...subjectOf(context),
      environmentId: served.environmentId,
      revision: served.revision,
      channel,
      fetchedAt: this.options.now(),
    };
    return { add: (result) => this.push({ by, result }) };
  }

  /** `sample` for results already collected. */
  record(
    served: ServedFrom,
    channel: FetchChannel,
    context: unknown,
    results: readonly EvaluationResult[],
  ): void {
    const batch = this.sample(served, channel, context);
    if (batch) for (const result of results) batch.add(result);
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes what is buffered; flushes never overlap, and one in progress is waited for. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private push(record: PendingFetch): void {
    if (this.buffer.length < this.options.capacity) {
      this.buffer.push(record);
      return;
    }
    this.dropped += 1;
    this.droppedFull.inc();
  }

  /**
   * Rows are built and written a slice at a time, so a full buffer never holds the event
   * loop for long; a failed slice drops the rest of this flush.
   */
  private async write(): Promise<void> {
    const records = this.buffer;
    this.buffer = [];
    for (let i = 0; i < records.length; i += WRITE_SLICE) {
      try {
        await this.writer.insert(records.slice(i, i + WRITE_SLICE).map((r) => this.toRow(r)));
      } catch (error) {
        // The fetch log is a sample: losing a flush is better than holding memory unbounded.
        const lost = records.length - i;
        this.dropped += lost;
        this.droppedFailed.inc(lost);
        this.logger.warn(
          `dropped ${lost} fetch-log records (${this.dropped} since start): ${String(error)}`,
        );
        return;
      }
    }
  }

  /** Spelled out: object spread and rest cost more than the rest of the flush together. */
  private toRow({ by, result }: PendingFetch): FetchLogRow {
    return {
      environmentId: by.environmentId,
      userId: by.userId,
      deviceId: by.deviceId,
      appVersion: by.appVersion,
      revision: by.revision,
      channel: by.channel,
      fetchedAt: by.fetchedAt,
      configKey: result.key,
      valueHash: this.hashOf(result),
      reason: result.reason,
      errorCode: result.errorCode ?? null,
      ruleId: result.ruleId ?? null,
      variant: result.variant ?? null,
      configVersion: result.version,
    };
  }

  /** Results are shared between evaluations (frozen), so each is hashed once. */
  private hashOf(result: EvaluationResult): string | null {
    if (result.errorCode) return null;
    let hash = this.hashes.get(result);
    if (hash === undefined) {
      hash = valueHash(result.value);
      this.hashes.set(result, hash);
    }
    return hash;
  }
}
