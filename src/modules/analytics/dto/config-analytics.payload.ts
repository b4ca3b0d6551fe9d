import { Field, Float, ObjectType } from '@nestjs/graphql';
import { AnalyticsGranularity } from './config-analytics.args';

/** Counts are whole numbers that can exceed 2^31: GraphQL Float (exact up to 2^53). */
const COUNT = 'A whole number (Float: counts can exceed 2^31; exact up to 2^53).';

@ObjectType('AnalyticsDimensionCount', {
  description: 'One count of a counter that has several (by rule id, by error code).',
})
export class AnalyticsDimensionCount {
  @Field({ description: 'The rule id or the error code.' })
  dimension!: string;

  @Field(() => Float, { description: COUNT })
  count!: number;
}

@ObjectType('EvaluationsByChannel', { description: 'Evaluations per channel. ' + COUNT })
export class EvaluationsByChannel {
  @Field(() => Float, { description: 'The GraphQL `evaluate` query.' })
  graphql!: number;

  @Field(() => Float, { description: 'OFREP, single and bulk.' })
  ofrep!: number;

  @Field(() => Float, { description: 'Results pushed by the `evaluationsChanged` subscription.' })
  subscription!: number;

  @Field(() => Float, { description: 'Local evaluations reported by SDKs (`reportUsage`).' })
  sdk!: number;
}

@ObjectType('AnalyticsCounts', {
  description:
    'The usage counters over a period, and the rates derived from them (see docs/analytics.md). Counts are whole numbers in Float (they can exceed 2^31).',
})
export class AnalyticsCounts {
  @Field(() => Float, { description: 'Evaluations on every channel. ' + COUNT })
  evaluations!: number;

  @Field(() => EvaluationsByChannel, { description: 'Evaluations per channel.' })
  evaluationsByChannel!: EvaluationsByChannel;

  @Field(() => Float, { description: 'Values served by a targeting rule. ' + COUNT })
  targetingMatches!: number;

  @Field(() => [AnalyticsDimensionCount], {
    description: 'Targeting matches per rule id, largest first.',
  })
  targetingMatchesByRule!: AnalyticsDimensionCount[];

  @Field(() => Float, {
    description: '`value` served inside a rollout below 100% (reason ROLLOUT). ' + COUNT,
  })
  rolloutReceipts!: number;

  @Field(() => Float, {
    description: '`value` served at a rollout of 100% (reason FALLTHROUGH). ' + COUNT,
  })
  fallthroughs!: number;

  @Field(() => Float, { description: '`defaultValue` served (reason DEFAULT). ' + COUNT })
  defaults!: number;

  @Field(() => Float, {
    description: '`defaultValue` served by an archived config (reason DISABLED). ' + COUNT,
  })
  disabled!: number;

  @Field(() => Float, { description: 'Evaluation errors, all codes. ' + COUNT })
  errors!: number;

  @Field(() => [AnalyticsDimensionCount], {
    description: 'Errors per code (FLAG_NOT_FOUND, TYPE_MISMATCH, …), largest first.',
  })
  errorsByCode!: AnalyticsDimensionCount[];

  @Field(() => Float, { description: 'Saves refused by validation. ' + COUNT })
  refusedSaves!: number;

  @Field(() => Float, { description: 'SDK-reported cache hits. ' + COUNT })
  cacheHits!: number;

  @Field(() => Float, { description: 'SDK-reported cache misses. ' + COUNT })
  cacheMisses!: number;

  @Field(() => Float, {
    description: 'cacheHits / (cacheHits + cacheMisses); 0 when both are 0.',
  })
  cacheHitRate!: number;

  @Field(() => Float, { description: 'targetingMatches / evaluations; 0 without evaluations.' })
  targetingMatchRate!: number;

  @Field(() => Float, { description: 'rolloutReceipts / evaluations; 0 without evaluations.' })
  rolloutReceiveRate!: number;

  @Field(() => Float, { description: 'errors / evaluations; 0 without evaluations.' })
  errorRate!: number;
}

@ObjectType('AnalyticsPoint', { description: 'The counters of one period (an hour or a day).' })
export class AnalyticsPoint extends AnalyticsCounts {
  @Field({ description: 'Start of the period (inclusive).' })
  periodStart!: Date;

  @Field({ description: 'End of the period (exclusive): the next point’s start.' })
  periodEnd!: Date;
}

@ObjectType('AnalyticsTotals', {
  description: 'The counters summed over the whole range, with distinct subjects.',
})
export class AnalyticsTotals extends AnalyticsCounts {
  @Field(() => Float, {
    description:
      'Distinct `user.id`s over the whole range, estimated from merged HyperLogLog sketches (never a sum of per-period counts).',
  })
  uniqueUsers!: number;

  @Field(() => Float, {
    description:
      'Distinct `device.id`s over the whole range, estimated from merged HyperLogLog sketches (never a sum of per-period counts).',
  })
  uniqueDevices!: number;
}

@ObjectType('AnalyticsSeries', {
  description:
    'A time series of the counters (every period of the range, zeros included) and their totals.',
})
export class AnalyticsSeries {
  @Field(() => String, {
    nullable: true,
    description: 'The config key; null for the whole environment.',
  })
  key!: string | null;

  @Field(() => AnalyticsTotals, { description: 'The counters over the whole range.' })
  totals!: AnalyticsTotals;

  @Field(() => [AnalyticsPoint], { description: 'One point per period, oldest first.' })
  points!: AnalyticsPoint[];
}

@ObjectType('AnalyticsTopConfig', { description: 'A config ranked by its counts over the range.' })
export class AnalyticsTopConfig {
  @Field({
    description:
      'The config key (or a key clients asked for that the environment does not have: FLAG_NOT_FOUND).',
  })
  key!: string;

  @Field(() => Float, { description: 'Evaluations over the range. ' + COUNT })
  evaluations!: number;

  @Field(() => Float, { description: 'Errors over the range. ' + COUNT })
  errors!: number;

  @Field(() => Float, { description: 'errors / evaluations; 0 without evaluations.' })
  errorRate!: number;
}

@ObjectType('ConfigAnalytics', {
  description: 'Usage analytics of an environment over a date range (see docs/analytics.md).',
})
export class ConfigAnalytics {
  @Field({ description: 'The environment key.' })
  environment!: string;

  @Field({ description: 'Start of the first point (the requested `from`, widened).' })
  from!: Date;

  @Field({ description: 'End of the last point (the requested `to`, widened).' })
  to!: Date;

  @Field(() => AnalyticsGranularity, { description: 'The length of each point.' })
  granularity!: AnalyticsGranularity;

  @Field({ description: 'The IANA time zone days are cut in.' })
  timezone!: string;

  @Field({
    description:
      'True when DAY points are cut at whole UTC hours that are not local midnight (zones with a non-whole-hour offset, such as Asia/Kolkata).',
  })
  approximated!: boolean;

  @Field(() => AnalyticsSeries, { description: 'The whole environment: every config summed.' })
  environmentSeries!: AnalyticsSeries;

  @Field(() => [AnalyticsSeries], {
    description: 'One series per requested key, in the order asked (duplicates once).',
  })
  configs!: AnalyticsSeries[];

  @Field(() => [AnalyticsTopConfig], {
    description: 'The 10 configs with the most evaluations over the range, most first.',
  })
  topByEvaluations!: AnalyticsTopConfig[];

  @Field(() => [AnalyticsTopConfig], {
    description: 'The 10 configs with the most errors over the range (those with any), most first.',
  })
  topByErrors!: AnalyticsTopConfig[];
}
