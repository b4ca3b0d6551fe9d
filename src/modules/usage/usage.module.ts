import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { RollupUsageJob } from './jobs/rollup-usage.job';
import { UniqueCounter } from './unique-counter';
import { UsageReportBatch } from './usage-report-batch.entity';
import { UsagePeriods } from './usage-periods.service';
import { UsageRecorderModule } from './usage-recorder.module';
import { UsageReportsService } from './usage-reports.service';
import { UsageSketches } from './usage-sketches.service';
import { UsageResolver } from './usage.resolver';

/**
 * Usage metrics: SDK reports, unique users and devices (UniqueCounter), totals per period for alerts (UsagePeriods), and the rollup and pruning job (scheduled with the other
 * housekeeping by MaintenanceService). See docs/usage-metrics.md.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UsageReportBatch]), UsageRecorderModule, EvaluationModule],
  providers: [
    UsageReportsService,
    UsageResolver,
    RollupUsageJob,
    UsagePeriods,
    { provide: UniqueCounter, useExisting: UsageSketches },
  ],
  exports: [UsageReportsService, RollupUsageJob, UniqueCounter, UsagePeriods],
})
export class UsageModule {}
