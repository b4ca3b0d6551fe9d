import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { AppError } from '../../core/errors/app-error';
import { JobQueue } from '../../core/queue/job-queue';
import { PruneRevokedApiKeysJob } from '../api-keys/jobs/prune-revoked-api-keys.job';
import { assertUnscoped } from '../environments/environments.service';
import { PruneFetchLogJob } from '../fetch-log/jobs/prune-fetch-log.job';
import { PruneOutboxJob } from '../realtime/jobs/prune-outbox.job';
import { RollupUsageJob } from '../usage/jobs/rollup-usage.job';
import { AggregateExperimentEventsJob } from '../experiments/events/jobs/aggregate-experiment-events.job';
import { PruneExperimentEventsJob } from '../experiments/events/jobs/prune-experiment-events.job';
import { MaintenanceTask, RunMaintenanceInput } from './dto/run-maintenance.input';

const HOURLY_MS = 60 * 60 * 1000;
const DAILY_MS = 24 * HOURLY_MS;

/** Schedules recurring housekeeping on workers and runs a task on demand. */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorker) return;
    await this.queue.upsertRecurring(
      PruneRevokedApiKeysJob,
      'maintenance:prune-revoked-api-keys',
      DAILY_MS,
      {},
    );
    await this.queue.upsertRecurring(PruneOutboxJob, 'maintenance:prune-outbox', HOURLY_MS, {});
    await this.queue.upsertRecurring(
      PruneFetchLogJob,
      'maintenance:prune-fetch-log',
      HOURLY_MS,
      {},
    );
    await this.queue.upsertRecurring(
      RollupUsageJob,
      'maintenance:rollup-usage',
      this.config.USAGE_ROLLUP_MS,
      {},
    );
    await this.queue.upsertRecurring(
      AggregateExperimentEventsJob,
      'maintenance:aggregate-experiment-events',
      this.config.EXPERIMENT_AGGREGATE_MS,
      {},
    );
    await this.queue.upsertRecurring(
      PruneExperimentEventsJob,
      'maintenance:prune-experiment-events',
      HOURLY_MS,
      {},
    );
  }

  /** Housekeeping spans every environment, so it needs an unscoped admin. */
  async run(actor: Actor, input: RunMaintenanceInput): Promise<string> {
    assertUnscoped(actor, 'run maintenance');
    if (input.retentionDays !== undefined && input.retentionDays !== null) {
      assertRetentionApplies(input.task);
    }
    switch (input.task) {
      case MaintenanceTask.PRUNE_REVOKED_API_KEYS:
        return this.queue.add(PruneRevokedApiKeysJob, { retentionDays: input.retentionDays });
      case MaintenanceTask.PRUNE_PUBLISHED_OUTBOX:
        return this.queue.add(PruneOutboxJob, {
          retentionHours: input.retentionDays && input.retentionDays * 24,
        });
      case MaintenanceTask.ROLLUP_USAGE:
        return this.queue.add(RollupUsageJob, {});
      case MaintenanceTask.PRUNE_FETCH_LOG:
        return this.queue.add(PruneFetchLogJob, {});
    }
  }
}

/** The tasks whose retention is their own (per environment, or none): retentionDays is refused. */
const WITHOUT_RETENTION_DAYS: ReadonlySet<MaintenanceTask> = new Set([
  MaintenanceTask.ROLLUP_USAGE,
  MaintenanceTask.PRUNE_FETCH_LOG,
]);

function assertRetentionApplies(task: MaintenanceTask): void {
  if (!WITHOUT_RETENTION_DAYS.has(task)) return;
  const name = Object.entries(MaintenanceTask).find(([, value]) => value === task)![0];
  throw AppError.badInput(`retentionDays does not apply to ${name}`, [
    {
      path: 'input.retentionDays',
      rule: 'notApplicable',
      message: `${name} keeps its own retention (the usage retention settings, or each environment's fetch-log retention): leave retentionDays out`,
    },
  ]);
}
