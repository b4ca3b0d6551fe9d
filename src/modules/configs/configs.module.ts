import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '../environments/environments.module';
import { HistoryModule } from '../history/history.module';
import { UsageRecorderModule } from '../usage/usage-recorder.module';
import { BusinessConfig } from './business-config.entity';
import { ConfigChangeEvents } from './config-change-events';
import { ConfigChangeService } from './config-change.service';
import { ConfigsResolver } from './configs.resolver';
import { ConfigsService } from './configs.service';
import { JsonSchemaWarmup } from './json-schema-warmup';
import { ValidationFailuresService } from './validation-failures.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([BusinessConfig]),
    EnvironmentsModule,
    HistoryModule,
    UsageRecorderModule,
  ],
  providers: [
    ConfigsService,
    ConfigChangeService,
    ConfigChangeEvents,
    ValidationFailuresService,
    ConfigsResolver,
    JsonSchemaWarmup,
  ],
  exports: [ConfigsService, ConfigChangeService, ConfigChangeEvents, ValidationFailuresService],
})
export class ConfigsModule {}
