import { ArgsType, Field, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsDate, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';

export enum AnalyticsGranularity {
  HOUR = 'hour',
  DAY = 'day',
}
registerEnumType(AnalyticsGranularity, {
  name: 'AnalyticsGranularity',
  description:
    'The length of one point of a series: an hour (ranges up to 31 days), or a day of the time zone (ranges up to 400 days).',
});

/** At most this many config keys in one configAnalytics query. */
export const MAX_ANALYTICS_KEYS = 100;

/**
 * Points one answer may hold, over its series (each key's and the environment's): every point
 * is some 25 fields to resolve and send. 100 keys of 31 days of hours (75,000 points) answered
 * 31 MB after blocking the event loop for seconds; the console asks at most 10 keys, so 11
 * series of 744 hours.
 */
export const MAX_ANALYTICS_POINTS = 10_000;

@ArgsType()
export class ConfigAnalyticsArgs {
  @Field({ description: 'The environment key.' })
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => [String], {
    nullable: true,
    description: `Config keys to break down, at most ${MAX_ANALYTICS_KEYS} (a key with no counts gets zeros), and at most ${MAX_ANALYTICS_POINTS.toLocaleString('en-US')} points over the series ((keys + 1) × points). Absent: no per-config breakdown, only the environment's totals, series and top configs.`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ANALYTICS_KEYS)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  keys?: string[];

  @Field({
    description: 'Start of the range (inclusive), widened to the start of the period it falls in.',
  })
  @IsDate()
  from!: Date;

  @Field({
    description:
      'End of the range (exclusive), widened to the end of the period it falls in. After `from`; at most 400 days after it (31 days for HOUR).',
  })
  @IsDate()
  to!: Date;

  @Field(() => AnalyticsGranularity, { description: 'HOUR or DAY points.' })
  @IsEnum(AnalyticsGranularity)
  granularity!: AnalyticsGranularity;

  @Field({
    defaultValue: 'UTC',
    description:
      'IANA time zone (e.g. `Europe/Paris`) that DAY points are cut in: a day starts at local midnight, on a whole UTC hour (in zones with a non-whole-hour offset, the start of the UTC hour that holds local midnight: approximated).',
  })
  @IsString()
  @MaxLength(64)
  timezone!: string;
}
