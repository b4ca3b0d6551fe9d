import { Module } from '@nestjs/common';
import { ConfigsModule } from '../configs/configs.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { UsageModule } from '../usage/usage.module';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsResolver } from './analytics.resolver';
import { AnalyticsService } from './analytics.service';

/** configAnalytics and staleConfigs: reads of the usage counters. See docs/analytics.md. */
@Module({
  imports: [EnvironmentsModule, ConfigsModule, UsageModule],
  providers: [AnalyticsRepository, AnalyticsService, AnalyticsResolver],
})
export class AnalyticsModule {}
