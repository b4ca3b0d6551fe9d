import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { RollupUsageJob } from './jobs/rollup-usage.job';
import { UsageReportBatch } from './usage-report-batch.entity';
import { UsageRecorderModule } from './usage-recorder.module';
import { UsageReportsService } from './usage-reports.service';
import { UsageResolver } from './usage.resolver';

/**
 * Usage metrics: SDK reports, and the rollup and pruning job (scheduled with the other
 * housekeeping by MaintenanceService). See docs/usage-metrics.md.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UsageReportBatch]), UsageRecorderModule, EvaluationModule],
  providers: [UsageReportsService, UsageResolver, RollupUsageJob],
  exports: [UsageReportsService, RollupUsageJob],
})
export class UsageModule {}
