import {
  chiSquareSurvival,
  normalCritical,
  normalTwoSidedP,
  tCritical,
  tTwoSidedP,
} from './distributions';

/*
 * The statistical building blocks of experiment results, each a pure function of aggregates.
 * Every formula is written out in docs/experiments-statistics.md; the tests compare each with
 * scipy (test/fixtures/stats/reference.json). A quantity that is undefined for the data (a
 * rate over zero exposures, a test with zero variance) is `null`, never NaN or ±Infinity.
 */

export interface Interval {
  lower: number;
  upper: number;
}

/** `x` if it is a finite number, else null: the one gate between arithmetic and output. */
export function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function interval(lower: number, upper: number): Interval | null {
  return Number.isFinite(lower) && Number.isFinite(upper) ? { lower, upper } : null;
}

/** `estimate ± halfWidth`, or null when either is undefined. */
export function symmetricInterval(estimate: number | null, halfWidth: number): Interval | null {
  return estimate === null ? null : interval(estimate - halfWidth, estimate + halfWidth);
}

/**
 * Wilson score interval for a proportion x/n at confidence 1 − alpha:
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). Null when n is 0.
 */
export function wilsonInterval(x: number, n: number, alpha: number): Interval | null {
  if (!(n > 0) || x < 0 || x > n) return null;
  const z = normalCritical(alpha);
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return interval(Math.max(0, center - half), Math.min(1, center + half));
}

/** Mean and unbiased sample variance from n, Σx and Σx² (variance null below n = 2). */
export function moments(
  n: number,
  sum: number,
  sumOfSquares: number,
): { mean: number | null; variance: number | null } {
  if (!(n > 0)) return { mean: null, variance: null };
  const mean = sum / n;
  if (!(n > 1)) return { mean: finite(mean), variance: null };
  // Σ(x−x̄)² = Σx² − x̄·Σx; clamped at 0 against rounding when every value is equal.
  const variance = Math.max(0, (sumOfSquares - mean * sum) / (n - 1));
  return { mean: finite(mean), variance: finite(variance) };
}

export interface TestResult {
  statistic: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
}

export interface DifferenceEstimate {
  /** Treatment minus control. */
  difference: number;
  /** Standard error of the difference, unpooled (used for the intervals and the sequential test). */
  standardError: number;
  /** Critical value of the fixed-horizon interval at 1 − alpha (z, or t with Welch's df). */
  critical: number;
  test: TestResult;
}

/**
 * Two proportions, treatment t vs control c. The test uses the pooled standard error (the
 * null hypothesis says both rates are equal, so one rate is estimated from both groups):
 * z = (p̂t − p̂c) / √(p̂(1−p̂)(1/nt + 1/nc)), p̂ = (xt + xc)/(nt + nc); two-sided normal p.
 * The interval does not assume the null, so it uses the unpooled standard error
 * √(p̂t(1−p̂t)/nt + p̂c(1−p̂c)/nc). Null when either group has no exposures.
 */
export function twoProportion(
  xt: number,
  nt: number,
  xc: number,
  nc: number,
  alpha: number,
): DifferenceEstimate | null {
  if (!(nt > 0 && nc > 0) || xt < 0 || xc < 0 || xt > nt || xc > nc) return null;
  const pt = xt / nt;
  const pc = xc / nc;
  const pooled = (xt + xc) / (nt + nc);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc));
  const z = pooledSe > 0 ? (pt - pc) / pooledSe : NaN;
  return {
    difference: pt - pc,
    standardError: Math.sqrt((pt * (1 - pt)) / nt + (pc * (1 - pc)) / nc),
    critical: normalCritical(alpha),
    test: {
      statistic: finite(z),
      degreesOfFreedom: null,
      pValue: Number.isFinite(z) ? normalTwoSidedP(z) : null,
    },
  };
}

/**
 * Welch's t-test of two means (unequal variances), treatment t vs control c, from each
 * group's n, mean and sample variance: t = (x̄t − x̄c)/√(vt/nt + vc/nc), with the
 * Welch–Satterthwaite degrees of freedom (vt/nt + vc/nc)² / ((vt/nt)²/(nt−1) + (vc/nc)²/(nc−1)).
 * Null when a group has fewer than 2 values; the test is null when both variances are 0.
 */
export function welch(
  t: { n: number; mean: number | null; variance: number | null },
  c: { n: number; mean: number | null; variance: number | null },
  alpha: number,
): DifferenceEstimate | null {
  if (t.mean === null || c.mean === null || t.variance === null || c.variance === null) {
    return null;
  }
  const at = t.variance / t.n;
  const ac = c.variance / c.n;
  const standardError = Math.sqrt(at + ac);
  const df = ((at + ac) * (at + ac)) / ((at * at) / (t.n - 1) + (ac * ac) / (c.n - 1));
  const statistic = (t.mean - c.mean) / standardError;
  const testable = standardError > 0 && Number.isFinite(df) && Number.isFinite(statistic);
  return {
    difference: t.mean - c.mean,
    standardError,
    critical: testable ? tCritical(alpha, df) : NaN,
    test: {
      statistic: testable ? statistic : null,
      degreesOfFreedom: testable ? df : null,
      pValue: testable ? tTwoSidedP(statistic, df) : null,
    },
  };
}

/**
 * Relative lift (t − c)/c and its standard error by the delta method on the ratio of two
 * independent means: Var ≈ Var(t̄)/c̄² + t̄²·Var(c̄)/c̄⁴, with Var(x̄) = s²/n (p̂(1−p̂)/n for a
 * rate). Null when the control mean is 0 (the lift is undefined).
 */
export function relativeLift(
  meanT: number,
  varianceOfMeanT: number,
  meanC: number,
  varianceOfMeanC: number,
): { lift: number; standardError: number } | null {
  if (meanC === 0) return null;
  const lift = (meanT - meanC) / meanC;
  const variance =
    varianceOfMeanT / (meanC * meanC) + (meanT * meanT * varianceOfMeanC) / meanC ** 4;
  if (!Number.isFinite(lift) || !Number.isFinite(variance)) return null;
  return { lift, standardError: Math.sqrt(variance) };
}

/**
 * Pearson's chi-square test of independence of an r × c table of counts (rows with a total of
 * 0 are dropped), df = (r−1)(c−1). Also returns the smallest expected cell count. The test is
 * null when fewer than two rows or columns have counts (expected counts of 0).
 */
export function chiSquareIndependence(
  table: readonly (readonly number[])[],
): TestResult & { minExpected: number | null } {
  const rows = table.filter((row) => row.reduce((a, b) => a + b, 0) > 0);
  const none = { statistic: null, degreesOfFreedom: null, pValue: null, minExpected: null };
  if (rows.length === 0) return none;
  const columns = rows[0].length;
  const rowTotals = rows.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = Array.from({ length: columns }, (_, j) =>
    rows.reduce((a, row) => a + row[j], 0),
  );
  const total = rowTotals.reduce((a, b) => a + b, 0);
  let statistic = 0;
  let minExpected = Infinity;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < columns; j++) {
      const expected = (rowTotals[i] * columnTotals[j]) / total;
      minExpected = Math.min(minExpected, expected);
      if (expected > 0) statistic += (rows[i][j] - expected) ** 2 / expected;
    }
  }
  const usedColumns = columnTotals.filter((x) => x > 0).length;
  if (rows.length < 2 || usedColumns < 2) return { ...none, minExpected: finite(minExpected) };
  const df = (rows.length - 1) * (columns - 1);
  return {
    statistic,
    degreesOfFreedom: df,
    pValue: chiSquareSurvival(statistic, df),
    minExpected,
  };
}

/**
 * Pearson's chi-square goodness of fit of observed counts to expected proportions
 * (`weights`, any positive scale), df = k − 1 over the categories with a positive weight.
 * A count in a category of weight 0 cannot happen under the hypothesis: statistic null, p 0.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  weights: readonly number[],
): TestResult & { expected: (number | null)[] } {
  const total = observed.reduce((a, b) => a + b, 0);
  const weightTotal = weights.reduce((a, b) => a + (b > 0 ? b : 0), 0);
  const expected = weights.map((w) => (w > 0 && weightTotal > 0 ? (total * w) / weightTotal : 0));
  const categories = weights.filter((w) => w > 0).length;
  const impossible = observed.some((o, i) => o > 0 && !(weights[i] > 0));
  if (impossible) {
    return {
      statistic: null,
      degreesOfFreedom: categories - 1,
      pValue: 0,
      expected: expected.map((e) => finite(e)),
    };
  }
  if (!(total > 0) || categories < 2) {
    return {
      statistic: null,
      degreesOfFreedom: null,
      pValue: null,
      expected: expected.map((e) => finite(e)),
    };
  }
  let statistic = 0;
  observed.forEach((o, i) => {
    if (expected[i] > 0) statistic += (o - expected[i]) ** 2 / expected[i];
  });
  return {
    statistic,
    degreesOfFreedom: categories - 1,
    pValue: chiSquareSurvival(statistic, categories - 1),
    expected,
  };
}

/**
 * Holm's step-down adjustment: sort the m p-values ascending, p̃(i) = max over j ≤ i of
 * min(1, (m − j + 1)·p(j)). Nulls are not tested, are not counted in m and stay null.
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues
    .map((p, index) => ({ p, index }))
    .filter((entry): entry is { p: number; index: number } => entry.p !== null)
    .sort((a, b) => a.p - b.p);
  const m = tested.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Howard et al.'s asymptotic confidence sequence for a difference, parameterised as
 * GrowthBook documents it. With N the total sample size of the two groups, σ̂² = SE²·N and the
 * tuning η (the N where the sequence is tightest):
 *   ρ = √((−2 ln α + ln(−2 ln α + 1)) / η)
 *   half-width = σ̂ · √( 2(Nρ² + 1) · ln(√(Nρ² + 1) / α) / (Nρ)² )
 * and the always-valid p-value is the reciprocal of the mixture e-value, capped at 1:
 *   p = min(1, √(Nρ² + 1) · exp(−ρ²·N·d²/SE² / (2(Nρ² + 1))))
 * so that p < α exactly when the sequence at level α excludes 0.
 */
export function sequentialRho(alpha: number, tuning: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

export function sequentialHalfWidth(
  standardError: number,
  total: number,
  alpha: number,
  tuning: number,
): number {
  const rho = sequentialRho(alpha, tuning);
  const nr2 = total * rho * rho;
  const sigma = standardError * Math.sqrt(total);
  return sigma * Math.sqrt((2 * (nr2 + 1) * Math.log(Math.sqrt(nr2 + 1) / alpha)) / (nr2 * total));
}

export function sequentialPValue(
  difference: number,
  standardError: number,
  total: number,
  alpha: number,
  tuning: number,
): number | null {
  if (!(standardError > 0) || !(total > 0)) return null;
  const rho = sequentialRho(alpha, tuning);
  const nr2p1 = total * rho * rho + 1;
  const st2 = (difference * difference * total) / (standardError * standardError);
  const logP = Math.log(Math.sqrt(nr2p1)) - (rho * rho * st2) / (2 * nr2p1);
  return finite(Math.min(1, Math.exp(logP)));
}
