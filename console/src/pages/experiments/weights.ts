/**
 * Variant weights: percents with two decimals that must sum to 100. Arithmetic runs in
 * hundredths of a percent (integers), so 33.33 + 33.33 + 33.34 is exactly 100.
 */

const TOTAL = 10_000;

const toHundredths = (weight: number) => Math.round(weight * 100);
const fromHundredths = (hundredths: number) => hundredths / 100;

/** `n` weights as even as two decimals allow; the first ones take the leftover hundredths. */
export function splitEvenly(n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(TOTAL / n);
  const left = TOTAL - base * n;
  return Array.from({ length: n }, (_, i) => fromHundredths(base + (i < left ? 1 : 0)));
}

/** The weights' sum, exact to two decimals. */
export function weightSum(weights: readonly number[]): number {
  return fromHundredths(weights.reduce((sum, w) => sum + toHundredths(w), 0));
}

/** Whether the weights sum to exactly 100. */
export const sumsTo100 = (weights: readonly number[]) => weightSum(weights) === 100;

/** Why a weight is not acceptable, or undefined. */
export function weightProblem(weight: number): string | undefined {
  if (!Number.isFinite(weight)) return 'Enter a weight';
  if (weight <= 0 || weight > 100) return 'Above 0, up to 100';
  if (Math.abs(toHundredths(weight) - weight * 100) > 1e-6) return 'At most two decimals';
  return undefined;
}

/**
 * Sets one weight and takes the difference from the last variant (or, when the last is the
 * one set, from the one before), so the sum stays 100. When that variant cannot absorb it
 * (it would go below 0), only the edited weight changes and the sum shows the mismatch.
 */
export function setWeight(weights: readonly number[], index: number, weight: number): number[] {
  const next = [...weights];
  next[index] = fromHundredths(toHundredths(weight));
  if (next.length < 2) return next;
  const absorber = index === next.length - 1 ? next.length - 2 : next.length - 1;
  const others = next.reduce((sum, w, i) => (i === absorber ? sum : sum + toHundredths(w)), 0);
  const rest = TOTAL - others;
  if (rest >= 0 && rest <= TOTAL) next[absorber] = fromHundredths(rest);
  return next;
}

/** The sum's line under the editor: the total, and what to do when it is not 100. */
export function sumMessage(weights: readonly number[]): { text: string; ok: boolean } {
  const sum = weightSum(weights);
  if (sum === 100) return { text: 'Weights sum to 100%', ok: true };
  const diff = fromHundredths(Math.abs(TOTAL - toHundredths(sum)));
  return {
    text: `Weights sum to ${sum}%: ${sum > 100 ? 'remove' : 'add'} ${diff} points, or split evenly`,
    ok: false,
  };
}
