import { Job, JobHandler } from '../../../core/queue/job';
import { JobQueue } from '../../../core/queue/job-queue';
import { QueueName } from '../../../core/queue/queue-name';
import { NotificationDeliverer } from '../notification-deliverer.service';

export type DeliverNotificationJobData = { deliveryId: string };

/**
 * One attempt of one delivery. Its retries are jobs of their own, scheduled by the attempt
 * (see NotificationDeliverer) and queued here; the job's own attempts cover a worker that died mid-attempt
 * or a database that could not be reached.
 */
@Job({ queue: QueueName.Notifications, attempts: 3, backoffMs: 5000, concurrency: 10 })
export class DeliverNotificationJob implements JobHandler<DeliverNotificationJobData> {
  constructor(
    private readonly deliverer: NotificationDeliverer,
    private readonly queue: JobQueue,
  ) {}

  async handle(data: DeliverNotificationJobData): Promise<void> {
    const next = await this.deliverer.attempt(data.deliveryId);
    if (!next) return;
    // Were this add lost, the delivery is still due in the database: the sweep queues it.
    await this.queue.add(
      DeliverNotificationJob,
      { deliveryId: next.deliveryId },
      { jobId: deliveryJobId(next.deliveryId, next.attempts), delayMs: next.delayMs },
    );
  }
}

/** The job id of a delivery's attempt number `attempts + 1`: adding it twice queues it once. */
export function deliveryJobId(deliveryId: string, attempts: number): string {
  return `delivery.${deliveryId}.${attempts}`;
}
