import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { JobQueue } from '../../core/queue/job-queue';
import { EvaluateAlertsJob } from './jobs/evaluate-alerts.job';

/** Registers the recurring evaluation of alert rules on workers (one schedule, a fixed id). */
@Injectable()
export class AlertSchedule implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorker) return;
    await this.queue.upsertRecurring(
      EvaluateAlertsJob,
      'alerts:evaluate',
      this.config.ALERT_EVALUATION_INTERVAL_MS,
      {},
    );
  }
}
