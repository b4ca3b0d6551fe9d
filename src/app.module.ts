import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from './core/auth/auth.guard';
import { AppConfig } from './core/config/app-config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { GraphQLApiModule } from './core/graphql/graphql-api.module';
import { GraphQLExceptionFilter } from './core/graphql/graphql-exception.filter';
import { InputValidationPipe } from './core/graphql/input-validation.pipe';
import { HealthModule } from './core/health/health.module';
import { LoggingModule } from './core/logging/logging.module';
import { MetricsModule } from './core/metrics/metrics.module';
import { PubSubModule } from './core/pubsub/pubsub.module';
import { QueueModule } from './core/queue/queue.module';
import { RedisModule } from './core/redis/redis.module';
import { AlertsModule } from './modules/alerts/alerts.module';
import { AnalyticsModule } from './modules/analytics/analytics.module';
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { ConfigsModule } from './modules/configs/configs.module';
import { EnvironmentsModule } from './modules/environments/environments.module';
import { EvaluationModule } from './modules/evaluation/evaluation.module';
import { ExplainServedModule } from './modules/evaluation/explain-served.module';
import { DeploymentsModule } from './modules/deployments/deployments.module';
import { ExperimentsModule } from './modules/experiments/experiments.module';
import { HistoryModule } from './modules/history/history.module';
import { OfrepModule } from './modules/ofrep/ofrep.module';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { UsageModule } from './modules/usage/usage.module';
import { ExperimentEventsModule } from './modules/experiments/events/experiment-events.module';
import { ExperimentResultsModule } from './modules/experiments/results/experiment-results.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** The PostgreSQL URL: DATABASE_URL, or the embedded server's. */
  databaseUrl: string;
}

/**
 * Every role loads the same domains (so job handlers and services are complete everywhere);
 * only `api` serves GraphQL, and only `worker` consumes queues (see QueueModule).
 */
@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule.forRoot(databaseUrl, config.embeddedDatabase, config.databaseTimeouts),
        RedisModule,
        PubSubModule,
        QueueModule,
        MetricsModule,
        HealthModule,
        EnvironmentsModule,
        ApiKeysModule,
        MaintenanceModule,
        RealtimeModule,
        HistoryModule,
        ConfigsModule,
        EvaluationModule,
        ExperimentsModule,
        DeploymentsModule,
        ExplainServedModule,
        UsageModule,
        ExperimentEventsModule,
        ExperimentResultsModule,
        AnalyticsModule,
        NotificationsModule,
        AlertsModule,
        ApprovalsModule,
        ...(config.runsApi ? [GraphQLApiModule.forRoot(ApiKeysModule), OfrepModule] : []),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
      ],
    };
  }
}
