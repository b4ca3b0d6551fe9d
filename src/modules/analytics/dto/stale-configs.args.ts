import { ArgsType, Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_STALE_DAYS = 400;

@ArgsType()
export class StaleConfigsArgs {
  @Field({ description: 'The environment key.' })
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => Int, {
    defaultValue: 30,
    description: `How many days without evaluations, or serving one value unchanged, make a config stale (1–${MAX_STALE_DAYS}).`,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_STALE_DAYS)
  days!: number;
}

export enum StaleReason {
  NOT_EVALUATED = 'not_evaluated',
  SINGLE_VALUE = 'single_value',
}
registerEnumType(StaleReason, {
  name: 'StaleReason',
  description: 'Why a config is a candidate for clean-up (see docs/analytics.md).',
  valuesMap: {
    NOT_EVALUATED: { description: 'No evaluation counted in the last `days` days (or ever).' },
    SINGLE_VALUE: {
      description:
        'Every path of the config serves the same value (no rule serves another, rollout 0 or 100), and it has not changed for `days` days.',
    },
  },
});

@ObjectType('StaleConfig', { description: 'A config that is a candidate for clean-up.' })
export class StaleConfig {
  @Field({ description: 'The config key.' })
  key!: string;

  @Field(() => [StaleReason], { description: 'Why it is stale: one reason or both.' })
  reasons!: StaleReason[];

  @Field(() => Date, {
    nullable: true,
    description:
      'Start of the latest period with evaluations (to the minute within 8 days, the hour within the hourly retention, the day beyond); null when never evaluated (or not within the daily retention).',
  })
  lastEvaluatedAt!: Date | null;

  @Field({ description: 'When the config last changed (created, edited, archived or restored).' })
  lastChangedAt!: Date;
}
