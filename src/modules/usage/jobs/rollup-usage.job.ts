import { Logger } from '@nestjs/common';
import { AppConfig } from '../../../core/config/app-config';
import { Job, JobContext, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { DAY_MS, HOUR_MS, UsageGranularity } from '../usage-metric.util';
import { UsageSketches } from '../usage-sketches.service';
import { SPAN_SETTLE_MS } from '../usage-span.util';
import { UsageRepository } from '../usage.repository';

export type RollupUsageJobData = {
  /** The time the run treats as now (ms since the epoch); tests set it. */
  now?: number;
};

/** Minute rows are kept this long: alerts read them; analytics read hours and days. */
export const MINUTE_RETENTION_MS = 8 * DAY_MS;
/**
 * Hours re-summed from minutes each run: more than the longest a process holds counts it
 * could not write (the flush retries every USAGE_FLUSH_MS) in ordinary outages.
 */
export const ROLLUP_LOOKBACK_MS = 6 * HOUR_MS;
/** A usage report's batch id is remembered this long: retries come within it. */
export const BATCH_RETENTION_MS = 2 * DAY_MS;

/**
 * Recurring (every USAGE_ROLLUP_MS): stores closed hours' unique-user sketches in PostgreSQL
 * (hour and day rows), sums minute usage rows into hours and hour rows into days over a
 * recent window, prunes rows and sketches past their retention, and builds the day spans of
 * the days that closed. Idempotent: it sets sums from the rows below, never adds, and
 * merging a sketch again changes nothing.
 */
@Job({
  queue: QueueName.Maintenance,
  recurring: { id: 'maintenance:rollup-usage', everyMs: (config) => config.USAGE_ROLLUP_MS },
})
export class RollupUsageJob implements JobHandler<RollupUsageJobData> {
  private readonly logger = new Logger(RollupUsageJob.name);

  constructor(
    private readonly repository: UsageRepository,
    private readonly sketches: UsageSketches,
    private readonly config: AppConfig,
  ) {}

  async handle(data: RollupUsageJobData, context: JobContext): Promise<void> {
    const now = data.now ?? Date.now();
    // Redis down must not stop the counters' rollup: the hours are stored by a later run.
    const hours = await this.sketches.persistClosed(now).catch((error: unknown) => {
      this.logger.warn(`Storing unique-user sketches failed: ${String(error)}`);
      return 0;
    });
    const since = now - ROLLUP_LOOKBACK_MS;
    const pruned = await this.repository.rollup({
      hoursSince: new Date(since),
      daysSince: new Date(since),
      pruneBefore: {
        [UsageGranularity.Minute]: new Date(now - MINUTE_RETENTION_MS),
        [UsageGranularity.Hour]: new Date(now - this.config.USAGE_HOURLY_RETENTION_DAYS * DAY_MS),
        [UsageGranularity.Day]: new Date(now - this.config.USAGE_DAILY_RETENTION_DAYS * DAY_MS),
      },
      batchesBefore: new Date(now - BATCH_RETENTION_MS),
      spansSettledBefore: new Date(now - SPAN_SETTLE_MS),
    });
    this.logger.log(
      `job ${context.jobId}: usage rolled up, ${hours} hours of unique-user sketches stored; pruned ${pruned.minute} minute, ${pruned.hour} hour, ${pruned.day} day rows, ${pruned.sketches} sketches and ${pruned.batches} report batch ids; built ${pruned.spans} day spans`,
    );
  }
}
