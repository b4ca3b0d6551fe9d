import betainc from '@stdlib/math-base-special-betainc';
import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/*
 * The distributions the results need, from @stdlib (docs/experiments-statistics.md, "Library").
 * Tail probabilities go through the special functions (erfc, the regularized incomplete gamma
 * and beta functions) rather than `1 - cdf`, so a p-value of 1e-20 stays 1e-20 instead of
 * rounding to 0: that is what lets the tests compare with scipy's `sf` to 1e-9 relative.
 */

/** Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z|/√2). */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** z such that P(|Z| ≤ z) = 1 − alpha. */
export function normalCritical(alpha: number): number {
  return normalQuantile(1 - alpha / 2, 0, 1);
}

/**
 * Two-sided p-value of Student's t with `df` degrees of freedom:
 * P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2).
 */
export function tTwoSidedP(t: number, df: number): number {
  return betainc(df / (df + t * t), df / 2, 0.5, true, false);
}

/** t such that P(|T| ≤ t) = 1 − alpha for `df` degrees of freedom. */
export function tCritical(alpha: number, df: number): number {
  return tQuantile(1 - alpha / 2, df);
}

/** Upper tail of the chi-square distribution: P(X ≥ x) = Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  return gammainc(x / 2, df / 2, true, true);
}
