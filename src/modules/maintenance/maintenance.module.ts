import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { MaintenanceResolver } from './maintenance.resolver';
import { MaintenanceService } from './maintenance.service';

@Module({
  imports: [ApiKeysModule],
  providers: [MaintenanceService, MaintenanceResolver],
})
export class MaintenanceModule {}
