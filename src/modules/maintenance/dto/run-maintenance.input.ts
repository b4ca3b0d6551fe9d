import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';

export enum MaintenanceTask {
  PRUNE_REVOKED_API_KEYS = 'prune_revoked_api_keys',
  PRUNE_PUBLISHED_OUTBOX = 'prune_published_outbox',
  /** Sums usage minutes into hours and days and prunes them (retentionDays is refused). */
  ROLLUP_USAGE = 'rollup_usage',
  /** Deletes fetch-log records past each environment's own retention (retentionDays is refused). */
  PRUNE_FETCH_LOG = 'prune_fetch_log',
}

registerEnumType(MaintenanceTask, { name: 'MaintenanceTask' });

@InputType()
export class RunMaintenanceInput {
  @Field(() => MaintenanceTask)
  @IsEnum(MaintenanceTask)
  task!: MaintenanceTask;

  @Field(() => Int, {
    nullable: true,
    description:
      'Overrides the configured retention, in days: for PRUNE_REVOKED_API_KEYS and PRUNE_PUBLISHED_OUTBOX only (refused for the others).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;
}

@ObjectType()
export class RunMaintenancePayload {
  @Field({ description: 'The queued job; a worker runs it.' })
  jobId!: string;
}
