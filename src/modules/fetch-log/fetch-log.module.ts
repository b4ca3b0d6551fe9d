import {
  BeforeApplicationShutdown,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../core/config/app-config';
import { JobQueue } from '../../core/queue/job-queue';
import { EnvironmentsModule } from '../environments/environments.module';
import { SERVED_FETCH_LOG_READER } from '../evaluation/explain-served.service';
import { ConfigFetchLog } from './config-fetch-log.entity';
import { FetchLogRecorder } from './fetch-log-recorder';
import { FetchLogSettings } from './fetch-log-settings';
import { FetchLogRepository } from './fetch-log.repository';
import { FetchLogResolver } from './fetch-log.resolver';
import { FetchLogService } from './fetch-log.service';
import { PruneFetchLogJob } from './jobs/prune-fetch-log.job';

const HOURLY_MS = 60 * 60 * 1000;

/** Starts the flush timer, writes the last records at shutdown, schedules pruning on workers. */
@Injectable()
export class FetchLogLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly recorder: FetchLogRecorder,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.recorder.start();
    if (this.config.runsWorker) {
      await this.queue.upsertRecurring(
        PruneFetchLogJob,
        'maintenance:prune-fetch-log',
        HOURLY_MS,
        {},
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.recorder.stop();
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([ConfigFetchLog]), EnvironmentsModule],
  providers: [
    FetchLogRepository,
    FetchLogSettings,
    FetchLogService,
    FetchLogResolver,
    PruneFetchLogJob,
    {
      provide: FetchLogRecorder,
      inject: [FetchLogSettings, FetchLogRepository],
      useFactory: (settings: FetchLogSettings, writer: FetchLogRepository) =>
        new FetchLogRecorder(settings, writer),
    },
    { provide: SERVED_FETCH_LOG_READER, useExisting: FetchLogService },
    FetchLogLifecycle,
  ],
  exports: [FetchLogRecorder, SERVED_FETCH_LOG_READER],
})
export class FetchLogModule {}
