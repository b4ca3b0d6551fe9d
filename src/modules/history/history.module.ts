import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '../environments/environments.module';
import { ConfigChangeLog } from './config-change-log.entity';
import { HistoryResolver } from './history.resolver';
import { HistoryService } from './history.service';

@Module({
  imports: [TypeOrmModule.forFeature([ConfigChangeLog]), EnvironmentsModule],
  providers: [HistoryService, HistoryResolver],
  exports: [HistoryService],
})
export class HistoryModule {}
