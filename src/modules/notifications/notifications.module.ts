import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '../environments/environments.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { HostResolver } from './delivery/host-resolver';
import { Mailer } from './delivery/mailer';
import { WebhookSender } from './delivery/webhook-sender';
import { EmailRecipient } from './email-recipient.entity';
import { EmailRecipientsService } from './email-recipients.service';
import { DeliverNotificationJob } from './jobs/deliver-notification.job';
import { PruneNotificationDeliveriesJob } from './jobs/prune-notification-deliveries.job';
import { SweepNotificationsJob } from './jobs/sweep-notifications.job';
import { NotificationDeliverer } from './notification-deliverer.service';
import { NotificationDelivery } from './notification-delivery.entity';
import { NOTIFIER } from './notification-event-type';
import { NotificationsResolver } from './notifications.resolver';
import { NotificationsService } from './notifications.service';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/**
 * Notifications by signed webhook and by email (docs/notifications.md). Other domains send
 * through NotificationsService.notify; config changes and experiment transitions are
 * notified from the outbox relay.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEndpoint, EmailRecipient, NotificationDelivery]),
    EnvironmentsModule,
    RealtimeModule,
  ],
  providers: [
    NotificationsService,
    { provide: NOTIFIER, useExisting: NotificationsService },
    NotificationDeliverer,
    WebhookEndpointsService,
    EmailRecipientsService,
    NotificationsResolver,
    HostResolver,
    WebhookSender,
    Mailer,
    DeliverNotificationJob,
    SweepNotificationsJob,
    PruneNotificationDeliveriesJob,
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}
