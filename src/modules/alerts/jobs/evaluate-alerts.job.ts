import { Job, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { AlertEvaluator } from '../alert-evaluator.service';

export type EvaluateAlertsJobData = Record<string, never>;

/**
 * Recurring (every ALERT_EVALUATION_INTERVAL_MS): evaluates every enabled rule. Not retried:
 * the next run comes within the interval, and a rule evaluated twice in one slot is not
 * (AlertEvaluator claims each rule per slot).
 */
@Job({
  queue: QueueName.Alerts,
  concurrency: 1,
  attempts: 1,
  recurring: { id: 'alerts:evaluate', everyMs: (config) => config.ALERT_EVALUATION_INTERVAL_MS },
})
export class EvaluateAlertsJob implements JobHandler<EvaluateAlertsJobData> {
  constructor(private readonly evaluator: AlertEvaluator) {}

  async handle(): Promise<void> {
    await this.evaluator.evaluateAll();
  }
}
