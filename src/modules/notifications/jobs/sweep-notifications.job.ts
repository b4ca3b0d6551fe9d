import { Job, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { NotificationsService } from '../notifications.service';

export type SweepNotificationsJobData = Record<string, never>;

/**
 * Queues again the deliveries that are due but whose queued attempt was lost: written by a
 * process that died before queueing it, or by a caller that recorded them in its own
 * transaction and left the dispatch to this sweep.
 */
@Job({ queue: QueueName.Notifications })
export class SweepNotificationsJob implements JobHandler<SweepNotificationsJobData> {
  constructor(private readonly notifications: NotificationsService) {}

  async handle(): Promise<void> {
    await this.notifications.sweep();
  }
}
