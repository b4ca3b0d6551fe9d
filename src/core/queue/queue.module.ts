import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { BullMqJobQueue } from './bullmq-job-queue';
import { BullMqJobWorker } from './bullmq-job-worker';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueue } from './job-queue';
import { JobRegistry } from './job-registry';

/**
 * JobQueue for every module: BullMQ when REDIS_URL is set, in process otherwise. Handlers
 * are the @Job providers of any module; they run only in processes with the worker role.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobRegistry,
    {
      provide: JobQueue,
      inject: [AppConfig, RedisConnections, JobRegistry],
      useFactory: (config: AppConfig, redis: RedisConnections, registry: JobRegistry): JobQueue =>
        config.embeddedQueue
          ? new InProcessJobQueue(config, registry)
          : new BullMqJobQueue(config, redis, registry),
    },
    BullMqJobWorker,
  ],
  exports: [JobQueue, JobRegistry],
})
export class QueueModule {}
