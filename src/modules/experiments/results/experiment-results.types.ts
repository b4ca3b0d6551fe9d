import { Field, Float, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MetricKind } from '../experiment.entity';

/*
 * GraphQL mirror of src/engine/stats/results.ts's output (ExperimentResults). Every number is a
 * Float; a figure the statistics cannot compute (no data, zero variance…) is null.
 * docs/experiments-statistics.md defines each one.
 */

export enum ExperimentMetricRole {
  PRIMARY = 'primary',
  SECONDARY = 'secondary',
  GUARDRAIL = 'guardrail',
}
registerEnumType(ExperimentMetricRole, {
  name: 'ExperimentMetricRole',
  description: "A metric's place in the experiment: the primary one decides, the others inform.",
});

export enum ExperimentComparisonTest {
  TWO_PROPORTION_Z = 'two-proportion-z',
  WELCH_T = 'welch-t',
}
registerEnumType(ExperimentComparisonTest, {
  name: 'ExperimentComparisonTest',
  description:
    "The fixed-horizon test of a variant against the control: two-proportion z-test (conversion metrics) or Welch's t-test (numeric metrics).",
});

export enum ExperimentResultsWarningCode {
  SAMPLE_RATIO_MISMATCH = 'SAMPLE_RATIO_MISMATCH',
  FEW_EXPOSURES = 'FEW_EXPOSURES',
  LOW_EXPECTED_COUNT = 'LOW_EXPECTED_COUNT',
  NO_CONTROL = 'NO_CONTROL',
  INVALID_AGGREGATE = 'INVALID_AGGREGATE',
}
registerEnumType(ExperimentResultsWarningCode, {
  name: 'ExperimentResultsWarningCode',
  description:
    'SAMPLE_RATIO_MISMATCH: exposures do not match the weights (p < 0.001); FEW_EXPOSURES: a variant has fewer than 100; LOW_EXPECTED_COUNT: an expected chi-square cell count is below 5; NO_CONTROL: no control variant; INVALID_AGGREGATE: an aggregate was unusable and counts as no data.',
});

@ObjectType('ExperimentInterval', {
  description: 'A confidence interval (or sequence) [lower, upper].',
})
export class ExperimentInterval {
  @Field(() => Float, { description: 'Lower bound.' })
  lower!: number;

  @Field(() => Float, { description: 'Upper bound.' })
  upper!: number;
}

@ObjectType('ExperimentTestResult', {
  description: 'A statistical test: statistic, df and p-value.',
})
export class ExperimentTestResult {
  @Field(() => Float, { nullable: true, description: 'Test statistic; null when not computable.' })
  statistic!: number | null;

  @Field(() => Float, { nullable: true, description: 'Degrees of freedom; null for z-tests.' })
  degreesOfFreedom!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Two-sided p-value; null when not computable.',
  })
  pValue!: number | null;
}

@ObjectType('ExperimentExpectedExposures', {
  description: "A variant's exposures expected from its weight, given the total.",
})
export class ExperimentExpectedExposures {
  @Field({ description: 'Variant key.' })
  variantKey!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Total exposures × the variant’s weight share.',
  })
  exposures!: number | null;
}

@ObjectType('ExperimentSampleRatio', {
  description: 'Sample-ratio-mismatch check: chi-square goodness of fit of exposures vs weights.',
})
export class ExperimentSampleRatio extends ExperimentTestResult {
  @Field({
    description:
      'p < 0.001: assignment or exposure logging is broken; results are not trustworthy.',
  })
  mismatch!: boolean;

  @Field(() => [ExperimentExpectedExposures], { description: 'Expected exposures per variant.' })
  expected!: ExperimentExpectedExposures[];
}

@ObjectType('ExperimentSequentialComparison', {
  description: "Always-valid figures (Howard et al.'s asymptotic confidence sequence, mSPRT-like).",
})
export class ExperimentSequentialComparison {
  @Field(() => Float, { nullable: true, description: 'Always-valid p-value.' })
  pValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Holm-adjusted across the same family as the fixed-horizon p-values.',
  })
  adjustedPValue!: number | null;

  @Field(() => ExperimentInterval, {
    nullable: true,
    description: 'Confidence sequence of the absolute lift.',
  })
  absoluteInterval!: ExperimentInterval | null;

  @Field(() => ExperimentInterval, {
    nullable: true,
    description: 'Confidence sequence of the relative lift.',
  })
  relativeInterval!: ExperimentInterval | null;
}

@ObjectType('ExperimentComparison', { description: 'A variant against the control on one metric.' })
export class ExperimentComparison {
  @Field(() => ExperimentComparisonTest, { description: 'The fixed-horizon test used.' })
  test!: ExperimentComparisonTest;

  @Field(() => Float, {
    nullable: true,
    description: 'Treatment minus control (rate or mean).',
  })
  absoluteLift!: number | null;

  @Field(() => ExperimentInterval, {
    nullable: true,
    description: 'Fixed-horizon interval of the absolute lift at 1 − alpha.',
  })
  absoluteInterval!: ExperimentInterval | null;

  @Field(() => Float, {
    nullable: true,
    description: "(treatment − control)/control; null when the control's rate or mean is 0.",
  })
  relativeLift!: number | null;

  @Field(() => ExperimentInterval, {
    nullable: true,
    description: 'Fixed-horizon interval of the relative lift (delta method).',
  })
  relativeInterval!: ExperimentInterval | null;

  @Field(() => Float, { nullable: true, description: 'z or t statistic.' })
  statistic!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Welch–Satterthwaite df for the t-test; null for the z-test.',
  })
  degreesOfFreedom!: number | null;

  @Field(() => Float, { nullable: true, description: 'Fixed-horizon two-sided p-value.' })
  pValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Holm-adjusted across every (non-control variant × metric) comparison.',
  })
  adjustedPValue!: number | null;

  @Field(() => ExperimentSequentialComparison, { description: 'Always-valid figures.' })
  sequential!: ExperimentSequentialComparison;

  @Field(() => Float, {
    nullable: true,
    description:
      'What the significance badge reads: the adjusted sequential p-value in sequential mode, else the adjusted fixed-horizon one.',
  })
  decisionPValue!: number | null;

  @Field({ description: 'decisionPValue < alpha.' })
  significant!: boolean;
}

@ObjectType('ExperimentVariantMetricResult', { description: 'One variant on one metric.' })
export class ExperimentVariantMetricResult {
  @Field({ description: 'Variant key.' })
  variantKey!: string;

  @Field({ description: 'Whether this is the control.' })
  control!: boolean;

  @Field(() => Float, { description: 'Subjects exposed to the variant (each once).' })
  exposures!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Conversion metrics: exposed subjects with at least one counted event.',
  })
  converters!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Conversion metrics: converters / exposures.',
  })
  conversionRate!: number | null;

  @Field(() => ExperimentInterval, {
    nullable: true,
    description: 'Conversion metrics: 95% (1 − alpha) Wilson interval of the rate.',
  })
  conversionInterval!: ExperimentInterval | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Numeric metrics: subjects averaged over — every exposed subject, those without events counting 0.',
  })
  n!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Numeric metrics: mean of the subjects' totals.",
  })
  mean!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Numeric metrics: sample variance of the subjects' totals.",
  })
  variance!: number | null;

  @Field(() => ExperimentComparison, {
    nullable: true,
    description: 'Versus the control; null for the control itself.',
  })
  comparison!: ExperimentComparison | null;
}

@ObjectType('ExperimentVariantHistoryPoint', {
  description: 'One variant of one metric at the end of a day: the counts so far and p-values.',
})
export class ExperimentVariantHistoryPoint {
  @Field({ description: 'Variant key.' })
  variantKey!: string;

  @Field(() => Float, { description: 'Subjects exposed up to the end of the day.' })
  exposures!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Conversion metrics: converters up to the end of the day.',
  })
  converters!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Numeric metrics: mean per exposed subject up to the end of the day.',
  })
  mean!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Fixed-horizon p-value vs the control; null for the control.',
  })
  pValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Always-valid (sequential) p-value vs the control, unadjusted; null for the control.',
  })
  sequentialPValue!: number | null;
}

@ObjectType('ExperimentMetricHistoryPoint', {
  description: "A metric's results as they stood at the end of one UTC day.",
})
export class ExperimentMetricHistoryPoint {
  @Field({ description: 'The start of the UTC day; the counts are those up to its end.' })
  at!: Date;

  @Field(() => [ExperimentVariantHistoryPoint], { description: 'Per variant, in order.' })
  variants!: ExperimentVariantHistoryPoint[];
}

@ObjectType('ExperimentMetricResult', { description: 'Results of one metric.' })
export class ExperimentMetricResult {
  @Field({ description: 'The event name.' })
  name!: string;

  @Field(() => MetricKind, { description: 'conversion or numeric.' })
  kind!: MetricKind;

  @Field(() => ExperimentMetricRole, { description: 'primary, secondary or guardrail.' })
  role!: ExperimentMetricRole;

  @Field(() => ExperimentTestResult, {
    nullable: true,
    description:
      'Conversion metrics: chi-square test of independence of variant and conversion over all variants ("does any variant differ").',
  })
  chiSquare!: ExperimentTestResult | null;

  @Field(() => [ExperimentVariantMetricResult], {
    description: 'Per variant, in the order of the experiment.',
  })
  variants!: ExperimentVariantMetricResult[];

  @Field(() => [ExperimentMetricHistoryPoint], {
    description:
      'Per UTC day that added exposures or events (in order), the results up to its end, from the daily aggregates: the sequential p-value over time.',
  })
  history!: ExperimentMetricHistoryPoint[];
}

@ObjectType('ExperimentResultsWarning', { description: 'Why the results need care.' })
export class ExperimentResultsWarning {
  @Field(() => ExperimentResultsWarningCode, { description: 'What kind of warning.' })
  code!: ExperimentResultsWarningCode;

  @Field({ description: 'Readable explanation.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The variant it concerns, if one.' })
  variantKey?: string;

  @Field(() => String, { nullable: true, description: 'The metric it concerns, if one.' })
  metric?: string;
}

@ObjectType('ExperimentResults', {
  description:
    'Results of an experiment from its aggregates (events folded by the aggregation job). See docs/experiments-statistics.md.',
})
export class ExperimentResults {
  @Field({ description: "The experiment's key." })
  experimentKey!: string;

  @Field(() => Float, { description: 'Significance level; intervals are at 1 − alpha.' })
  alpha!: number;

  @Field({ description: 'Whether the decision reads the always-valid sequential p-value.' })
  sequential!: boolean;

  @Field(() => Float, { description: 'Sequential tuning (the sample size where it is tightest).' })
  tuning!: number;

  @Field(() => Float, { description: 'Exposed subjects over all variants.' })
  totalExposures!: number;

  @Field(() => ExperimentSampleRatio, { description: 'Sample-ratio-mismatch check.' })
  sampleRatio!: ExperimentSampleRatio;

  @Field({ description: 'False when the sample-ratio check flags a mismatch.' })
  trustworthy!: boolean;

  @Field(() => [ExperimentResultsWarning], { description: 'Warnings, empty when none.' })
  warnings!: ExperimentResultsWarning[];

  @Field(() => [ExperimentMetricResult], {
    description: 'The primary metric first, then the others.',
  })
  metrics!: ExperimentMetricResult[];
}
