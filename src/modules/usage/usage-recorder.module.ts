import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '../environments/environments.module';
import { ConfigUsageMetric } from './config-usage-metric.entity';
import { EnvironmentUsageMetric } from './environment-usage-metric.entity';
import { UsageRecorder } from './usage-recorder';
import { UsageRepository } from './usage.repository';

/**
 * The usage recorder alone, for the modules whose hot paths count (evaluation, OFREP,
 * subscriptions, configs); the rest of usage (reports, rollups) is UsageModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ConfigUsageMetric, EnvironmentUsageMetric]),
    EnvironmentsModule,
  ],
  providers: [UsageRecorder, UsageRepository],
  exports: [UsageRecorder, UsageRepository],
})
export class UsageRecorderModule {}
