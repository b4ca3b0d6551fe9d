import { computeResults, ResultsInput } from './results';

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): a small seeded PRNG, so the
 * simulation is the same on every run. Uniform in [0, 1).
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Binomial(n, p) draw by inverting its CDF with one uniform (n ≤ a few hundred here). */
function binomial(n: number, p: number, u: number): number {
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  let k = 0;
  while (cdf < u && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    k += 1;
    cdf += pmf;
  }
  return k;
}

interface Totals {
  exposures: number;
  converters: number;
  n: number;
  sum: number;
  sumOfSquares: number;
}

function input(control: Totals, treatment: Totals): ResultsInput {
  const numeric = (t: Totals) => ({ n: t.n, sum: t.sum, sumOfSquares: t.sumOfSquares });
  return {
    variants: [
      { key: 'control', weight: 50, control: true, exposures: control.exposures },
      { key: 'treatment', weight: 50, control: false, exposures: treatment.exposures },
    ],
    metrics: [
      {
        name: 'conversion',
        kind: 'conversion',
        role: 'primary',
        variants: {
          control: { converters: control.converters },
          treatment: { converters: treatment.converters },
        },
      },
      {
        name: 'revenue',
        kind: 'numeric',
        role: 'secondary',
        variants: { control: numeric(control), treatment: numeric(treatment) },
      },
    ],
    options: { sequential: true },
  };
}

/*
 * A/A experiments (both variants identical: 10% conversion, exponential revenue with mean 20)
 * with 400 subjects a day split by a fair coin (binomial draws), looked at every day for 30 days (up to 12,000
 * subjects, around the default tuning of 5,000). An experiment is a false positive if any look
 * shows a significant badge. The Monte Carlo margin is 3 standard errors of a proportion α over
 * EXPERIMENTS runs: 3·√(0.05·0.95/1000) ≈ 0.0207.
 *
 * Observed with this seed (kept here, not asserted beyond the bounds below):
 *   sequential mode, any badge (2 metrics) on any of the 30 looks: 0.014
 *   fixed horizon, conversion p < 0.05 on any of the 30 looks:      0.292  (peeking inflates it ~6×)
 *   fixed horizon, conversion p < 0.05 on day 30 only:             0.057  (one look errs at ≈ α)
 */
const EXPERIMENTS = 1000;
const DAYS = 30;
const SUBJECTS_PER_DAY = 400;
const ALPHA = 0.05;
const MARGIN = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / EXPERIMENTS);

describe('A/A experiments peeked at daily', () => {
  it('keep the sequential false-positive rate at or below alpha; fixed-horizon peeking does not', () => {
    const random = mulberry32(20261202);
    let sequentialFalsePositives = 0;
    let peekedFixedFalsePositives = 0;
    let finalFixedFalsePositives = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const groups: Totals[] = [0, 1].map(() => ({
        exposures: 0,
        converters: 0,
        n: 0,
        sum: 0,
        sumOfSquares: 0,
      }));
      let sequentialHit = false;
      let fixedHit = false;
      let finalFixed = false;
      for (let day = 1; day <= DAYS; day++) {
        const inControl = binomial(SUBJECTS_PER_DAY, 0.5, random());
        groups.forEach((g, index) => {
          const subjects = index === 0 ? inControl : SUBJECTS_PER_DAY - inControl;
          g.exposures += subjects;
          g.converters += binomial(subjects, 0.1, random());
          g.n += subjects;
          for (let s = 0; s < subjects; s++) {
            const revenue = -20 * Math.log(1 - random());
            g.sum += revenue;
            g.sumOfSquares += revenue * revenue;
          }
        });
        const results = computeResults(input(groups[0], groups[1]));
        const comparisons = results.metrics.map((m) => m.variants[1].comparison!);
        if (comparisons.some((c) => c.significant)) sequentialHit = true;
        const fixed = comparisons[0].pValue !== null && comparisons[0].pValue < ALPHA;
        if (fixed) fixedHit = true;
        if (day === DAYS) finalFixed = fixed;
      }
      sequentialFalsePositives += sequentialHit ? 1 : 0;
      peekedFixedFalsePositives += fixedHit ? 1 : 0;
      finalFixedFalsePositives += finalFixed ? 1 : 0;
    }
    const sequentialRate = sequentialFalsePositives / EXPERIMENTS;
    const peekedFixedRate = peekedFixedFalsePositives / EXPERIMENTS;
    const finalFixedRate = finalFixedFalsePositives / EXPERIMENTS;

    expect(sequentialRate).toBeLessThanOrEqual(ALPHA + MARGIN);
    // The simulation is calibrated (one look at a fixed horizon errs at about α) and sensitive
    // (daily looks at the fixed-horizon p-value err far more often than α).
    expect(Math.abs(finalFixedRate - ALPHA)).toBeLessThanOrEqual(MARGIN);
    expect(peekedFixedRate).toBeGreaterThan(ALPHA + MARGIN);
  });
});
