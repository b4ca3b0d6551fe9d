import {
  BeforeApplicationShutdown,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsService } from '../../core/metrics/metrics.service';
import { EnvironmentsModule } from '../environments/environments.module';
import { SERVED_FETCH_LOG_READER } from '../evaluation/explain-served.service';
import { ConfigFetchLog } from './config-fetch-log.entity';
import { DEFAULT_FETCH_LOG_OPTIONS, FetchLogRecorder } from './fetch-log-recorder';
import { FetchLogSettings } from './fetch-log-settings';
import { FetchLogRepository } from './fetch-log.repository';
import { FetchLogResolver } from './fetch-log.resolver';
import { FetchLogService } from './fetch-log.service';
import { PruneFetchLogJob } from './jobs/prune-fetch-log.job';

/** Starts the flush timer and writes the last records at shutdown (PruneFetchLogJob is recurring). */
@Injectable()
export class FetchLogLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly recorder: FetchLogRecorder) {}

  onApplicationBootstrap(): void {
    this.recorder.start();
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
      inject: [FetchLogSettings, FetchLogRepository, MetricsService],
      useFactory: (
        settings: FetchLogSettings,
        writer: FetchLogRepository,
        metrics: MetricsService,
      ) => new FetchLogRecorder(settings, writer, DEFAULT_FETCH_LOG_OPTIONS, metrics.registry),
    },
    { provide: SERVED_FETCH_LOG_READER, useExisting: FetchLogService },
    FetchLogLifecycle,
  ],
  exports: [FetchLogRecorder, SERVED_FETCH_LOG_READER, PruneFetchLogJob],
})
export class FetchLogModule {}
