import { Job, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { JobQueue } from '../../../core/queue/job-queue';
import { NotificationDeliverer } from '../notification-deliverer.service';
import { deliveryJobId, DeliverNotificationJob } from './deliver-notification.job';

/** Deliveries one sweep queues again at most. */
const SWEEP_BATCH = 500;

export type SweepNotificationsJobData = Record<string, never>;

/**
 * Recurring (every NOTIFICATION_SWEEP_MS): queues again the deliveries that are due but whose
 * queued attempt was lost: written by a process that died before queueing it, or by a caller
 * that recorded them in its own transaction and left the dispatch to this sweep.
 */
@Job({
  queue: QueueName.Notifications,
  recurring: { id: 'notifications:sweep', everyMs: (config) => config.NOTIFICATION_SWEEP_MS },
})
export class SweepNotificationsJob implements JobHandler<SweepNotificationsJobData> {
  constructor(
    private readonly deliverer: NotificationDeliverer,
    private readonly queue: JobQueue,
  ) {}

  async handle(): Promise<void> {
    for (const { id, attempts } of await this.deliverer.due(SWEEP_BATCH)) {
      await this.queue.add(
        DeliverNotificationJob,
        { deliveryId: id },
        { jobId: deliveryJobId(id, attempts) },
      );
    }
  }
}
