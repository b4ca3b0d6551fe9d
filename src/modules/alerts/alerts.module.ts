import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigsModule } from '../configs/configs.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsageModule } from '../usage/usage.module';
import { AlertEvaluationRepository } from './alert-evaluation.repository';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertEventsService } from './alert-events.service';
import { AlertMeasures } from './alert-measures.service';
import { AlertRulesService } from './alert-rules.service';
import { AlertUpdates } from './alert-updates.service';
import { AlertEventsResolver, AlertsResolver } from './alerts.resolver';
import { ConfigAlertEvent } from './config-alert-event.entity';
import {
  ConfigAlert,
  ConfigAlertEmailRecipient,
  ConfigAlertWebhookEndpoint,
} from './config-alert.entity';
import { EvaluateAlertsJob } from './jobs/evaluate-alerts.job';

/**
 * Alert rules on the usage counters, their evaluation on the `alerts` queue, alert events
 * with acknowledgement and `alertTriggered`; firing notifies through NotificationsService and
 * trips guarded deployments through GuardService (docs/alerts.md).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ConfigAlert,
      ConfigAlertWebhookEndpoint,
      ConfigAlertEmailRecipient,
      ConfigAlertEvent,
    ]),
    EnvironmentsModule,
    ConfigsModule,
    DeploymentsModule,
    NotificationsModule,
    UsageModule,
  ],
  providers: [
    AlertRulesService,
    AlertEventsService,
    AlertMeasures,
    AlertEvaluationRepository,
    AlertEvaluator,
    AlertUpdates,
    AlertsResolver,
    AlertEventsResolver,
    EvaluateAlertsJob,
  ],
  exports: [AlertEvaluator],
})
export class AlertsModule {}
