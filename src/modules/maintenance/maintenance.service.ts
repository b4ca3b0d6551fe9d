import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { JobQueue } from '../../core/queue/job-queue';
import { PruneRevokedApiKeysJob } from '../api-keys/jobs/prune-revoked-api-keys.job';
import { assertUnscoped } from '../environments/environments.service';
import { PruneFetchLogJob } from '../fetch-log/jobs/prune-fetch-log.job';
import { PruneOutboxJob } from '../realtime/jobs/prune-outbox.job';
import { RollupUsageJob } from '../usage/jobs/rollup-usage.job';
import { MaintenanceTask, RunMaintenanceInput } from './dto/run-maintenance.input';

/** Runs a housekeeping task on demand (the recurring ones declare their schedule in their @Job). */
@Injectable()
export class MaintenanceService {
  constructor(private readonly queue: JobQueue) {}

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
