import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ReportUsageInput, ReportUsagePayload } from './dto/report-usage.input';
import { UsageReportsService } from './usage-reports.service';

@Resolver()
export class UsageResolver {
  constructor(private readonly reports: UsageReportsService) {}

  @Mutation(() => ReportUsagePayload, {
    description:
      'Counts what an SDK evaluated locally (evaluations, cache hits and misses, errors) per config and period. Idempotent per batchId; entries for unknown keys are returned in `rejected`, the rest counted.',
  })
  @Allow(Role.SDK)
  reportUsage(
    @CurrentActor() actor: Actor,
    @Args('input') input: ReportUsageInput,
  ): Promise<ReportUsagePayload> {
    return this.reports.report(actor, input, 'input');
  }
}
