import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueue } from './job-queue';
import { JobRegistry } from './job-registry';
import { RecurringJobs } from './recurring-jobs';

/** The BullMQ consumer of a worker process with Redis (see BullMqJobWorker); none otherwise. */
const JOB_WORKER = 'BullMqJobWorker';

/**
 * JobQueue for every module: BullMQ when REDIS_URL is set, in process otherwise. Handlers
 * are the @Job providers of any module; they run only in processes with the worker role,
 * which also register the schedules of the recurring ones (RecurringJobs).
 * The BullMQ adapters are imported only when chosen, so the embedded mode never loads bullmq.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobRegistry,
    {
      provide: JobQueue,
      inject: [AppConfig, RedisConnections, JobRegistry],
      useFactory: async (
        config: AppConfig,
        redis: RedisConnections,
        registry: JobRegistry,
      ): Promise<JobQueue> => {
        if (config.embeddedQueue) return new InProcessJobQueue(config, registry);
        const { BullMqJobQueue } = await import('./bullmq-job-queue');
        return new BullMqJobQueue(config, redis, registry);
      },
    },
    {
      provide: JOB_WORKER,
      inject: [AppConfig, RedisConnections, JobRegistry],
      useFactory: async (config: AppConfig, redis: RedisConnections, registry: JobRegistry) => {
        if (config.embeddedQueue || !config.runsWorker) return null;
        const { BullMqJobWorker } = await import('./bullmq-job-worker');
        return new BullMqJobWorker(config, redis, registry);
      },
    },
    RecurringJobs,
  ],
  exports: [JobQueue, JobRegistry],
})
export class QueueModule {}
