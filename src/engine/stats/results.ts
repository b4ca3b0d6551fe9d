import {
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  DifferenceEstimate,
  finite,
  holm,
  Interval,
  moments,
  relativeLift,
  sequentialHalfWidth,
  sequentialPValue,
  symmetricInterval,
  TestResult,
  twoProportion,
  welch,
  wilsonInterval,
} from './statistics';

/*
 * Experiment results from per-variant aggregates (issue 12, item 5): a pure function, no I/O.
 * Every formula and every decision (which test, which p-value the badge reads, what Holm
 * corrects over) is in docs/experiments-statistics.md.
 */

export const METRIC_KINDS = ['conversion', 'numeric'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];
export const METRIC_ROLES = ['primary', 'secondary', 'guardrail'] as const;
export type MetricRole = (typeof METRIC_ROLES)[number];

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_SEQUENTIAL_TUNING = 5000;
/** The sample-ratio-mismatch test flags at p below this. */
export const SRM_THRESHOLD = 0.001;
/** Fewer exposures than this in a variant → a FEW_EXPOSURES warning. */
export const MIN_EXPOSURES_PER_VARIANT = 100;
/** An expected chi-square cell count below this → a LOW_EXPECTED_COUNT warning. */
export const MIN_EXPECTED_CELL_COUNT = 5;

export interface VariantInput {
  key: string;
  /** Traffic share of the variant (percent, or any positive scale). */
  weight: number;
  control: boolean;
  /** Subjects exposed to the variant (each counted once). */
  exposures: number;
}

/** A conversion metric's aggregate: exposed subjects of the variant who converted. */
export interface ConversionAggregate {
  converters: number;
}

/**
 * A numeric metric's aggregate over the `n` subjects it is averaged over (the aggregator
 * decides whether exposed subjects without an event count as 0 values, i.e. n = exposures).
 */
export interface NumericAggregate {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export interface MetricInput {
  name: string;
  kind: MetricKind;
  role: MetricRole;
  /** Per variant key; a variant that is missing has no data (zeros). */
  variants: Readonly<Record<string, ConversionAggregate | NumericAggregate | undefined>>;
}

export interface ResultsOptions {
  /** Significance level; intervals are at 1 − alpha (95% by default). */
  alpha?: number;
  /** Decide with the always-valid sequential p-value instead of the fixed-horizon one. */
  sequential?: boolean;
  /** Sequential tuning η: the total sample size where the confidence sequence is tightest. */
  tuning?: number;
}

export interface ResultsInput {
  variants: readonly VariantInput[];
  metrics: readonly MetricInput[];
  options?: ResultsOptions;
}

export type WarningCode =
  | 'SAMPLE_RATIO_MISMATCH'
  | 'FEW_EXPOSURES'
  | 'LOW_EXPECTED_COUNT'
  | 'NO_CONTROL'
  | 'INVALID_AGGREGATE';

export interface ResultsWarning {
  code: WarningCode;
  message: string;
  variantKey?: string;
  metric?: string;
}

export interface SampleRatioResult extends TestResult {
  /** p < 0.001: assignment or exposure logging is broken; the results are not trustworthy. */
  mismatch: boolean;
  expected: { variantKey: string; exposures: number | null }[];
}

export interface SequentialComparison {
  /** Always-valid p-value (Howard et al.'s asymptotic confidence sequence). */
  pValue: number | null;
  /** Holm-adjusted across the same family as the fixed-horizon p-values. */
  adjustedPValue: number | null;
  absoluteInterval: Interval | null;
  relativeInterval: Interval | null;
}

export interface Comparison {
  test: 'two-proportion-z' | 'welch-t';
  absoluteLift: number | null;
  absoluteInterval: Interval | null;
  /** (treatment − control)/control; null when the control's rate or mean is 0. */
  relativeLift: number | null;
  relativeInterval: Interval | null;
  statistic: number | null;
  /** Welch–Satterthwaite df for the t-test; null for the z-test. */
  degreesOfFreedom: number | null;
  /** Fixed-horizon two-sided p-value. */
  pValue: number | null;
  /** Holm-adjusted across every (non-control variant × metric) comparison. */
  adjustedPValue: number | null;
  sequential: SequentialComparison;
  /** What the significance badge reads: adjusted sequential p in sequential mode, else adjusted p. */
  decisionPValue: number | null;
  significant: boolean;
}

export interface VariantMetricResult {
  variantKey: string;
  control: boolean;
  exposures: number;
  /** Conversion metrics. */
  converters: number | null;
  conversionRate: number | null;
  conversionInterval: Interval | null;
  /** Numeric metrics. */
  n: number | null;
  mean: number | null;
  variance: number | null;
  /** Versus the control; null for the control itself. */
  comparison: Comparison | null;
}

export interface MetricResult {
  name: string;
  kind: MetricKind;
  role: MetricRole;
  /** Conversion metrics: independence of variant and conversion over all variants. */
  chiSquare: TestResult | null;
  variants: VariantMetricResult[];
}

export interface ExperimentResults {
  alpha: number;
  sequential: boolean;
  tuning: number;
  totalExposures: number;
  sampleRatio: SampleRatioResult;
  /** False when the sample-ratio check flags a mismatch. */
  trustworthy: boolean;
  warnings: ResultsWarning[];
  metrics: MetricResult[];
}

interface Group {
  exposures: number;
  converters: number | null;
  n: number;
  mean: number | null;
  variance: number | null;
}

function count(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null;
}

function settings(options: ResultsOptions | undefined): {
  alpha: number;
  sequential: boolean;
  tuning: number;
} {
  const alpha = options?.alpha;
  const tuning = options?.tuning;
  return {
    alpha: typeof alpha === 'number' && alpha > 0 && alpha < 1 ? alpha : DEFAULT_ALPHA,
    sequential: options?.sequential === true,
    tuning:
      typeof tuning === 'number' && tuning > 0 && Number.isFinite(tuning)
        ? tuning
        : DEFAULT_SEQUENTIAL_TUNING,
  };
}

/** The per-variant figures of one metric; a bad aggregate counts as no data, with a warning. */
function group(
  metric: MetricInput,
  variant: VariantInput,
  exposures: number,
  warn: (w: ResultsWarning) => void,
): Group {
  const raw = metric.variants[variant.key];
  const invalid = (): Group => {
    warn({
      code: 'INVALID_AGGREGATE',
      metric: metric.name,
      variantKey: variant.key,
      message: `Metric "${metric.name}" has an invalid aggregate for variant "${variant.key}"; it counts as no data`,
    });
    return {
      exposures,
      converters: metric.kind === 'conversion' ? 0 : null,
      n: 0,
      mean: null,
      variance: null,
    };
  };
  if (metric.kind === 'conversion') {
    const converters = raw === undefined ? 0 : count((raw as ConversionAggregate).converters);
    if (converters === null || converters > exposures) return invalid();
    return {
      exposures,
      converters,
      n: exposures,
      mean: exposures > 0 ? converters / exposures : null,
      variance: null,
    };
  }
  if (raw === undefined) return { exposures, converters: null, n: 0, mean: null, variance: null };
  const { n, sum, sumOfSquares } = raw as NumericAggregate;
  if (count(n) === null || finite(sum) === null || count(sumOfSquares) === null) return invalid();
  return { exposures, converters: null, n, ...moments(n, sum, sumOfSquares) };
}

/** Variance of a group's mean: p̂(1−p̂)/n for a rate, s²/n for a numeric mean. */
function varianceOfMean(kind: MetricKind, g: Group): number {
  if (g.mean === null || !(g.n > 0)) return NaN;
  if (kind === 'conversion') return (g.mean * (1 - g.mean)) / g.n;
  return g.variance === null ? NaN : g.variance / g.n;
}

function compare(
  kind: MetricKind,
  t: Group,
  c: Group,
  alpha: number,
  tuning: number,
): Omit<Comparison, 'adjustedPValue' | 'decisionPValue' | 'significant' | 'sequential'> & {
  sequential: Omit<SequentialComparison, 'adjustedPValue'>;
} {
  const estimate: DifferenceEstimate | null =
    kind === 'conversion'
      ? twoProportion(t.converters ?? 0, t.exposures, c.converters ?? 0, c.exposures, alpha)
      : welch(t, c, alpha);
  const relative =
    t.mean !== null && c.mean !== null
      ? relativeLift(t.mean, varianceOfMean(kind, t), c.mean, varianceOfMean(kind, c))
      : null;
  const total = t.n + c.n;
  const absoluteLift = estimate ? finite(estimate.difference) : null;
  const relativeValue = relative ? relative.lift : null;
  const seAbs = estimate ? estimate.standardError : NaN;
  const seRel = relative ? relative.standardError : NaN;
  const critical = estimate ? estimate.critical : NaN;
  return {
    test: kind === 'conversion' ? 'two-proportion-z' : 'welch-t',
    absoluteLift,
    absoluteInterval: symmetricInterval(absoluteLift, critical * seAbs),
    relativeLift: relativeValue,
    relativeInterval: symmetricInterval(relativeValue, critical * seRel),
    statistic: estimate ? estimate.test.statistic : null,
    degreesOfFreedom: estimate ? estimate.test.degreesOfFreedom : null,
    pValue: estimate ? estimate.test.pValue : null,
    sequential: {
      pValue:
        absoluteLift === null ? null : sequentialPValue(absoluteLift, seAbs, total, alpha, tuning),
      absoluteInterval: symmetricInterval(
        absoluteLift,
        seAbs > 0 ? sequentialHalfWidth(seAbs, total, alpha, tuning) : NaN,
      ),
      relativeInterval: symmetricInterval(
        relativeValue,
        seRel > 0 ? sequentialHalfWidth(seRel, total, alpha, tuning) : NaN,
      ),
    },
  };
}

/** Results of an experiment from its aggregates. Never throws; numbers are finite or null. */
export function computeResults(input: ResultsInput): ExperimentResults {
  const { alpha, sequential, tuning } = settings(input.options);
  const warnings: ResultsWarning[] = [];
  const warn = (w: ResultsWarning): void => {
    warnings.push(w);
  };
  const variants = input.variants;
  const exposures = variants.map((v) => count(v.exposures) ?? 0);
  const totalExposures = exposures.reduce((a, b) => a + b, 0);

  const fit = chiSquareGoodnessOfFit(
    exposures,
    variants.map((v) => (Number.isFinite(v.weight) ? v.weight : 0)),
  );
  const mismatch = fit.pValue !== null && fit.pValue < SRM_THRESHOLD;
  if (mismatch) {
    warn({
      code: 'SAMPLE_RATIO_MISMATCH',
      message: `Exposures do not match the variant weights (chi-square p = ${fit.pValue!.toPrecision(3)} < ${SRM_THRESHOLD}); the results are not trustworthy`,
    });
  }
  variants.forEach((v, i) => {
    if (exposures[i] < MIN_EXPOSURES_PER_VARIANT) {
      warn({
        code: 'FEW_EXPOSURES',
        variantKey: v.key,
        message: `Variant "${v.key}" has ${exposures[i]} exposures, fewer than ${MIN_EXPOSURES_PER_VARIANT}`,
      });
    }
  });
  const controlIndex = variants.findIndex((v) => v.control);
  if (controlIndex < 0) {
    warn({ code: 'NO_CONTROL', message: 'No variant is the control; nothing is compared' });
  }

  const metrics: MetricResult[] = input.metrics.map((metric) => {
    const groups = variants.map((v, i) => group(metric, v, exposures[i], warn));
    let chiSquare: TestResult | null = null;
    if (metric.kind === 'conversion') {
      const { minExpected, ...test } = chiSquareIndependence(
        groups.map((g) => [g.converters ?? 0, g.exposures - (g.converters ?? 0)]),
      );
      chiSquare = test;
      if (minExpected === null || minExpected < MIN_EXPECTED_CELL_COUNT) {
        warn({
          code: 'LOW_EXPECTED_COUNT',
          metric: metric.name,
          message: `Metric "${metric.name}": an expected cell count is below ${MIN_EXPECTED_CELL_COUNT}; the chi-square test is unreliable`,
        });
      }
    }
    const control = controlIndex >= 0 ? groups[controlIndex] : null;
    return {
      name: metric.name,
      kind: metric.kind,
      role: metric.role,
      chiSquare,
      variants: variants.map((v, i): VariantMetricResult => {
        const g = groups[i];
        const conversion = metric.kind === 'conversion';
        const comparison =
          control && i !== controlIndex ? compare(metric.kind, g, control, alpha, tuning) : null;
        return {
          variantKey: v.key,
          control: i === controlIndex,
          exposures: g.exposures,
          converters: conversion ? g.converters : null,
          conversionRate: conversion ? g.mean : null,
          conversionInterval: conversion
            ? wilsonInterval(g.converters ?? 0, g.exposures, alpha)
            : null,
          n: conversion ? null : g.n,
          mean: conversion ? null : g.mean,
          variance: conversion ? null : g.variance,
          comparison: comparison
            ? {
                ...comparison,
                adjustedPValue: null,
                sequential: { ...comparison.sequential, adjustedPValue: null },
                decisionPValue: null,
                significant: false,
              }
            : null,
        };
      }),
    };
  });

  // Holm over the whole family: every non-control variant × every metric.
  const comparisons = metrics.flatMap((m) =>
    m.variants.flatMap((v) => (v.comparison ? [v.comparison] : [])),
  );
  const adjusted = holm(comparisons.map((c) => c.pValue));
  const adjustedSequential = holm(comparisons.map((c) => c.sequential.pValue));
  comparisons.forEach((c, i) => {
    c.adjustedPValue = adjusted[i];
    c.sequential.adjustedPValue = adjustedSequential[i];
    c.decisionPValue = sequential ? adjustedSequential[i] : adjusted[i];
    c.significant = c.decisionPValue !== null && c.decisionPValue < alpha;
  });

  return {
    alpha,
    sequential,
    tuning,
    totalExposures,
    sampleRatio: {
      statistic: fit.statistic,
      degreesOfFreedom: fit.degreesOfFreedom,
      pValue: fit.pValue,
      mismatch,
      expected: variants.map((v, i) => ({ variantKey: v.key, exposures: fit.expected[i] })),
    },
    trustworthy: !mismatch,
    warnings,
    metrics,
  };
}
