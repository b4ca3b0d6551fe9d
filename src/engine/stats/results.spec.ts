import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeResults, ExperimentResults, ResultsInput } from './results';
import { holm } from './statistics';

interface Scenario {
  name: string;
  input: ResultsInput;
  expected: Record<string, unknown>;
}

const reference = JSON.parse(
  readFileSync(join(__dirname, '../../../test/fixtures/stats/reference.json'), 'utf8'),
) as { scenarios: Scenario[] };

/** Relative tolerance of the comparison with scipy (docs/experiments-statistics.md, "Precision"). */
const RELATIVE = 1e-9;

/** Compares every field of `expected` (a subset of the output) with `actual`; returns mismatches. */
function differences(actual: unknown, expected: unknown, path: string, out: string[]): string[] {
  if (typeof expected === 'number') {
    const ok =
      typeof actual === 'number' &&
      (actual === expected ||
        Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(actual), Math.abs(expected)));
    if (!ok) out.push(`${path}: ${String(actual)} ≠ ${expected}`);
  } else if (expected === null || typeof expected !== 'object') {
    if (actual !== expected) out.push(`${path}: ${String(actual)} ≠ ${String(expected)}`);
  } else if (actual === null || typeof actual !== 'object') {
    out.push(`${path}: ${String(actual)} ≠ an object`);
  } else {
    for (const [key, value] of Object.entries(expected)) {
      if (key === 'minExpected') continue;
      differences((actual as Record<string, unknown>)[key], value, `${path}.${key}`, out);
    }
  }
  return out;
}

/** Every number in the output is finite; no NaN or Infinity ever leaves computeResults. */
function nonFinite(value: unknown, path = '$', out: string[] = []): string[] {
  if (typeof value === 'number' && !Number.isFinite(value)) out.push(path);
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) nonFinite(inner, `${path}.${key}`, out);
  }
  return out;
}

describe('computeResults against the scipy reference table', () => {
  it.each(reference.scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const results = computeResults(scenario.input);
    expect(differences(results, scenario.expected, '$', [])).toEqual([]);
    expect(nonFinite(results)).toEqual([]);
    const metrics = scenario.expected.metrics as { name: string; minExpected?: number }[];
    for (const metric of metrics) {
      const warned = results.warnings.some(
        (w) => w.code === 'LOW_EXPECTED_COUNT' && w.metric === metric.name,
      );
      expect(warned).toBe(metric.minExpected !== undefined && metric.minExpected < 5);
    }
    const srm = results.warnings.some((w) => w.code === 'SAMPLE_RATIO_MISMATCH');
    expect(srm).toBe((scenario.expected.sampleRatio as { mismatch: boolean }).mismatch);
  });

  it('covers what the table is meant to cover', () => {
    const all = reference.scenarios.map((s) => computeResults(s.input));
    const comparisons = all.flatMap((r) =>
      r.metrics.flatMap((m) => m.variants.flatMap((v) => (v.comparison ? [v.comparison] : []))),
    );
    expect(all.some((r) => r.sampleRatio.mismatch)).toBe(true);
    expect(all.some((r) => !r.sampleRatio.mismatch)).toBe(true);
    // Holm changes the decision somewhere: significant unadjusted, not after adjustment.
    expect(comparisons.some((c) => c.pValue! < 0.05 && c.adjustedPValue! >= 0.05)).toBe(true);
    expect(comparisons.some((c) => c.significant)).toBe(true);
    // The sequential p-value is more conservative than the fixed-horizon one.
    expect(comparisons.every((c) => c.sequential.pValue! >= c.pValue!)).toBe(true);
    expect(comparisons.some((c) => c.relativeLift === null)).toBe(true);
    expect(comparisons.some((c) => c.test === 'welch-t')).toBe(true);
  });
});

describe('holm', () => {
  it('steps down, keeps monotonicity, caps at 1 and skips nulls', () => {
    // m = 4 tested: 0.01·4, max(0.04, 0.02·3), max(0.06, 0.03·2), max(0.06, 0.5·1).
    expect(holm([0.03, null, 0.01, 0.5, 0.02])).toEqual([0.06, null, 0.04, 0.5, 0.06]);
    expect(holm([0.4, 0.3])).toEqual([0.6, 0.6]);
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});

function twoVariants(
  control: { exposures: number; converters?: number },
  treatment: { exposures: number; converters?: number },
  options?: ResultsInput['options'],
): ResultsInput {
  return {
    variants: [
      { key: 'control', weight: 50, control: true, exposures: control.exposures },
      { key: 'treatment', weight: 50, control: false, exposures: treatment.exposures },
    ],
    metrics: [
      {
        name: 'goal',
        kind: 'conversion',
        role: 'primary',
        variants: {
          control: { converters: control.converters ?? 0 },
          treatment: { converters: treatment.converters ?? 0 },
        },
      },
    ],
    options,
  };
}

function treatmentOf(results: ExperimentResults, metric = 0) {
  return results.metrics[metric].variants[1];
}

describe('edge cases never throw and never produce NaN', () => {
  const cases: [string, ResultsInput][] = [
    ['zero exposures everywhere', twoVariants({ exposures: 0 }, { exposures: 0 })],
    [
      'a variant with no exposures',
      twoVariants({ exposures: 500, converters: 50 }, { exposures: 0 }),
    ],
    [
      'all converted',
      twoVariants({ exposures: 200, converters: 200 }, { exposures: 210, converters: 210 }),
    ],
    ['nobody converted', twoVariants({ exposures: 200 }, { exposures: 210 })],
    ['control never converts', twoVariants({ exposures: 300 }, { exposures: 310, converters: 9 })],
    [
      'numeric metric with zero variance and a variant without data',
      {
        variants: [
          { key: 'a', weight: 50, control: true, exposures: 150 },
          { key: 'b', weight: 25, control: false, exposures: 70 },
          { key: 'c', weight: 25, control: false, exposures: 0 },
        ],
        metrics: [
          {
            name: 'value',
            kind: 'numeric',
            role: 'primary',
            variants: {
              a: { n: 150, sum: 300, sumOfSquares: 600 },
              b: { n: 70, sum: 140, sumOfSquares: 280 },
            },
          },
          { name: 'empty', kind: 'numeric', role: 'secondary', variants: {} },
          {
            name: 'single',
            kind: 'numeric',
            role: 'guardrail',
            variants: {
              a: { n: 1, sum: 5, sumOfSquares: 25 },
              b: { n: 1, sum: 7, sumOfSquares: 49 },
            },
          },
        ],
      },
    ],
    [
      'invalid aggregates, no control, zero and non-finite weights',
      {
        variants: [
          { key: 'a', weight: 0, control: false, exposures: 10 },
          { key: 'b', weight: Number.NaN, control: false, exposures: -3 },
        ],
        metrics: [
          {
            name: 'goal',
            kind: 'conversion',
            role: 'primary',
            variants: { a: { converters: 11 }, b: { converters: Number.NaN } },
          },
          {
            name: 'value',
            kind: 'numeric',
            role: 'primary',
            variants: { a: { n: 3, sum: Number.POSITIVE_INFINITY, sumOfSquares: 1 } },
          },
        ],
        options: { alpha: 7, tuning: -1 },
      },
    ],
    ['no variants, no metrics', { variants: [], metrics: [] }],
  ];

  it.each(cases)('%s', (_name, input) => {
    const results = computeResults(input);
    expect(nonFinite(results)).toEqual([]);
    expect(JSON.stringify(results)).not.toMatch(/NaN|Infinity/);
  });

  it('zero exposures: no rates, no tests, warnings for the sample size', () => {
    const results = computeResults(twoVariants({ exposures: 0 }, { exposures: 0 }));
    const t = treatmentOf(results);
    expect(t.conversionRate).toBeNull();
    expect(t.conversionInterval).toBeNull();
    expect(t.comparison).toMatchObject({ absoluteLift: null, pValue: null, significant: false });
    expect(results.metrics[0].chiSquare).toEqual({
      statistic: null,
      degreesOfFreedom: null,
      pValue: null,
    });
    expect(results.sampleRatio).toMatchObject({ statistic: null, pValue: null, mismatch: false });
    expect(results.trustworthy).toBe(true);
    expect(results.warnings.map((w) => w.code).sort()).toEqual([
      'FEW_EXPOSURES',
      'FEW_EXPOSURES',
      'LOW_EXPECTED_COUNT',
    ]);
  });

  it('all converted: the interval is [x, 1] and the test is undefined, not significant', () => {
    const results = computeResults(
      twoVariants({ exposures: 200, converters: 200 }, { exposures: 210, converters: 210 }),
    );
    const t = treatmentOf(results);
    expect(t.conversionRate).toBe(1);
    expect(t.conversionInterval!.upper).toBe(1);
    expect(t.conversionInterval!.lower).toBeGreaterThan(0.98);
    expect(t.comparison).toMatchObject({
      absoluteLift: 0,
      relativeLift: 0,
      statistic: null,
      pValue: null,
      significant: false,
    });
    expect(results.metrics[0].chiSquare!.pValue).toBeNull();
  });

  it('control with 0 conversions: relative lift null, absolute lift and z-test defined', () => {
    const t = treatmentOf(
      computeResults(twoVariants({ exposures: 300 }, { exposures: 310, converters: 9 })),
    );
    expect(t.comparison!.relativeLift).toBeNull();
    expect(t.comparison!.relativeInterval).toBeNull();
    expect(t.comparison!.sequential.relativeInterval).toBeNull();
    expect(t.comparison!.absoluteLift).toBeCloseTo(9 / 310, 12);
    expect(t.comparison!.pValue).toBeGreaterThan(0);
    expect(t.comparison!.pValue).toBeLessThan(0.01);
  });

  it('a weight-0 variant with exposures is a certain sample-ratio mismatch', () => {
    const results = computeResults({
      variants: [
        { key: 'a', weight: 100, control: true, exposures: 1000 },
        { key: 'b', weight: 0, control: false, exposures: 1 },
      ],
      metrics: [],
    });
    expect(results.sampleRatio).toMatchObject({ statistic: null, pValue: 0, mismatch: true });
    expect(results.trustworthy).toBe(false);
  });

  it('converters above exposures count as no data with a warning naming the metric and variant', () => {
    const results = computeResults(
      twoVariants({ exposures: 100, converters: 10 }, { exposures: 100, converters: 101 }),
    );
    expect(results.warnings).toContainEqual(
      expect.objectContaining({
        code: 'INVALID_AGGREGATE',
        metric: 'goal',
        variantKey: 'treatment',
      }),
    );
    expect(treatmentOf(results).converters).toBe(0);
  });

  it('options fall back to alpha 0.05 and tuning 5,000', () => {
    const results = computeResults({ variants: [], metrics: [], options: { alpha: 0, tuning: 0 } });
    expect(results).toMatchObject({ alpha: 0.05, tuning: 5000, sequential: false });
  });
});

describe('which p-value decides', () => {
  const input = twoVariants(
    { exposures: 2000, converters: 200 },
    { exposures: 2000, converters: 250 },
  );

  it('fixed horizon: the Holm-adjusted p; sequential: the adjusted always-valid p', () => {
    const fixed = treatmentOf(computeResults(input)).comparison!;
    const seq = treatmentOf(
      computeResults({ ...input, options: { sequential: true } }),
    ).comparison!;
    // p ≈ 0.013: significant at a fixed horizon, not yet with the always-valid p.
    expect(fixed.pValue).toBeLessThan(0.05);
    expect(fixed.decisionPValue).toBe(fixed.adjustedPValue);
    expect(fixed.significant).toBe(true);
    expect(seq.decisionPValue).toBe(seq.sequential.adjustedPValue);
    expect(seq.sequential.pValue).toBeGreaterThan(0.05);
    expect(seq.significant).toBe(false);
  });

  it('the always-valid p is below alpha exactly when the confidence sequence excludes 0', () => {
    for (const converters of [200, 230, 250, 260, 280, 320]) {
      const c = treatmentOf(
        computeResults(
          twoVariants({ exposures: 2000, converters: 200 }, { exposures: 2000, converters }),
        ),
      ).comparison!;
      const excludesZero =
        c.sequential.absoluteInterval!.lower > 0 || c.sequential.absoluteInterval!.upper < 0;
      expect(c.sequential.pValue! < 0.05).toBe(excludesZero);
      // The sequence is wider than the fixed-horizon interval.
      expect(c.sequential.absoluteInterval!.upper).toBeGreaterThan(c.absoluteInterval!.upper);
    }
  });
});

describe('the chi-square test of independence', () => {
  it('drops a variant without exposures; with two left it is the square of the z statistic', () => {
    const results = computeResults({
      variants: [
        { key: 'a', weight: 40, control: true, exposures: 1200 },
        { key: 'b', weight: 30, control: false, exposures: 1180 },
        { key: 'c', weight: 30, control: false, exposures: 0 },
      ],
      metrics: [
        {
          name: 'goal',
          kind: 'conversion',
          role: 'primary',
          variants: { a: { converters: 130 }, b: { converters: 160 } },
        },
      ],
    });
    const metric = results.metrics[0];
    const z = metric.variants[1].comparison!.statistic!;
    expect(metric.chiSquare!.degreesOfFreedom).toBe(1);
    expect(metric.chiSquare!.statistic).toBeCloseTo(z * z, 10);
    expect(metric.chiSquare!.pValue).toBeCloseTo(metric.variants[1].comparison!.pValue!, 12);
    expect(metric.variants[2].comparison).toMatchObject({ absoluteLift: null, pValue: null });
    // The variant of weight 30 with no exposures is a sample-ratio mismatch.
    expect(results.sampleRatio.mismatch).toBe(true);
  });
});
