import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Allow } from 'class-validator';

/**
 * The shapes of `reportUsage`. The rules (sizes, counts, periods) are checked by
 * readUsageReport, the same for GraphQL and `POST /v1/usage`.
 */
@InputType()
export class UsageSdkInput {
  @Field({ description: 'The SDK, e.g. "business-config-js".' })
  @Allow()
  name!: string;

  @Field()
  @Allow()
  version!: string;
}

@InputType()
export class UsageErrorCountInput {
  @Field({ description: 'An error code such as FLAG_NOT_FOUND or TYPE_MISMATCH.' })
  @Allow()
  code!: string;

  @Field(() => Int)
  @Allow()
  count!: number;
}

@InputType()
export class UsageEntryInput {
  @Field({ description: 'The config key.' })
  @Allow()
  key!: string;

  @Field(() => Int, { description: 'Evaluations the SDK made locally in the period.' })
  @Allow()
  evaluations!: number;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  @Allow()
  cacheHits?: number;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  @Allow()
  cacheMisses?: number;

  @Field(() => [UsageErrorCountInput], { nullable: true })
  @Allow()
  errors?: UsageErrorCountInput[];

  @Field(() => Date)
  @Allow()
  periodStart!: Date;

  @Field(() => Date, {
    description: 'At most one day after periodStart, and not in the future.',
  })
  @Allow()
  periodEnd!: Date;
}

@InputType()
export class ReportUsageInput {
  @Field({
    description:
      'Chosen by the SDK, unique per report: a retry with the same id and content gets the same answer and is counted once; the same id with other content is refused.',
  })
  @Allow()
  batchId!: string;

  @Field(() => UsageSdkInput)
  @Allow()
  sdk!: UsageSdkInput;

  @Field(() => [UsageEntryInput], { description: 'At most 1,000 entries.' })
  @Allow()
  entries!: UsageEntryInput[];

  @Field({
    nullable: true,
    description: 'The environment, for keys not scoped to one; an sdk key reports in its own.',
  })
  @Allow()
  environment?: string;
}

@ObjectType('RejectedUsageEntry')
export class RejectedUsageEntry {
  @Field(() => Int, { description: 'The entry’s position in the report.' })
  index!: number;

  @Field()
  key!: string;

  @Field({
    description: 'Why it was not counted: FLAG_NOT_FOUND for a key the environment has not.',
  })
  errorCode!: string;
}

@ObjectType('ReportUsagePayload')
export class ReportUsagePayload {
  @Field()
  batchId!: string;

  @Field(() => Int, { description: 'Entries counted.' })
  accepted!: number;

  @Field(() => [RejectedUsageEntry], { description: 'Entries not counted, each with why.' })
  rejected!: RejectedUsageEntry[];
}
