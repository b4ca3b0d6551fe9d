import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { FetchLogModule } from '../fetch-log/fetch-log.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { UsageModule } from '../usage/usage.module';
import { ExperimentEventsModule } from '../experiments/events/experiment-events.module';
import { MaintenanceResolver } from './maintenance.resolver';
import { MaintenanceService } from './maintenance.service';

@Module({
  imports: [ApiKeysModule, FetchLogModule, RealtimeModule, UsageModule, ExperimentEventsModule],
  providers: [MaintenanceService, MaintenanceResolver],
})
export class MaintenanceModule {}
