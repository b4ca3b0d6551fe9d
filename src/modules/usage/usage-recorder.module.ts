import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../core/config/app-config';
import { RedisConnections } from '../../core/redis/redis-connections';
import { EnvironmentsModule } from '../environments/environments.module';
import { ConfigUsageMetric } from './config-usage-metric.entity';
import { ConfigUsageTotal } from './config-usage-total.entity';
import { EnvironmentUsageMetric } from './environment-usage-metric.entity';
import { ExposureRecorder } from '../experiments/events/exposure-recorder';
import { UsageRecorder } from './usage-recorder';
import { MemorySketchStore, RedisSketchStore, SketchStore } from './usage-sketch-store';
import { UsageSketchRepository } from './usage-sketch.repository';
import { UsageSketches } from './usage-sketches.service';
import { UsageRepository } from './usage.repository';

/**
 * The usage recorder alone, for the modules whose hot paths count (evaluation, OFREP,
 * subscriptions, configs), with the unique-user sketches it feeds; the rest of usage
 * (reports, rollups) is UsageModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ConfigUsageMetric, ConfigUsageTotal, EnvironmentUsageMetric]),
    EnvironmentsModule,
  ],
  providers: [
    UsageRecorder,
    ExposureRecorder,
    UsageRepository,
    UsageSketchRepository,
    UsageSketches,
    {
      provide: SketchStore,
      inject: [AppConfig, RedisConnections],
      useFactory: (config: AppConfig, redis: RedisConnections): SketchStore =>
        config.REDIS_URL
          ? new RedisSketchStore(
              // Fails fast when Redis is down: the recorder keeps the sketches for the next flush.
              redis.create('usage-sketches', { maxRetriesPerRequest: 1 }),
              config.REDIS_PREFIX,
              config.USAGE_FLUSH_MS,
            )
          : new MemorySketchStore(),
    },
  ],
  exports: [UsageRecorder, UsageRepository, UsageSketches, ExposureRecorder],
})
export class UsageRecorderModule {}
