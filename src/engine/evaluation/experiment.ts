import { BUCKETS, bucketsIn, compileBucketing } from '../bucketing';
import { ExperimentVariant, RunningExperiment } from '../experiment-state';
import { compileCondition } from './conditions';
import { SharedConditions } from './shared';
import { compileStickiness, Stickiness, stickinessPaths } from './stickiness';

/**
 * Step 3 of DESIGN.md's evaluation order, compiled: the index (in `experiment.variants`) of
 * the variant the subject is assigned, or -1 when the subject is not in the experiment.
 */
export type VariantPick = (context: unknown, targetingKey?: string) => number;

/** The salt of an experiment's traffic allocation. */
export const trafficSalt = (experimentKey: string) => `${experimentKey}:traffic`;
/** The salt that splits an experiment's traffic between its variants. */
export const variantSalt = (experimentKey: string) => `${experimentKey}:variant`;

/**
 * The variants' consecutive bucket ranges: variant i holds the buckets from `bounds[i - 1]`
 * (0 for the first) up to `bounds[i]`, each cumulative weight (percent, two decimals) times
 * 100. The last bound is every bucket, so a subject in the traffic always gets a variant.
 */
export function variantBounds(variants: readonly ExperimentVariant[]): number[] {
  let cumulative = 0;
  return variants.map((variant, i) => {
    cumulative += variant.weight;
    return i === variants.length - 1 ? BUCKETS : bucketsIn(cumulative);
  });
}

/** The index of the variant whose range holds `bucket` (see `variantBounds`). */
export function variantAt(bounds: readonly number[], bucket: number): number {
  let i = 0;
  while (i < bounds.length - 1 && bucket >= bounds[i]) i += 1;
  return i;
}

/**
 * Compiles an experiment's assignment with the config's stickiness:
 * - `consistent`: a subject with a stickiness value is in the traffic when its bucket of
 *   `<key>:traffic` is below the traffic percentage times 100, then gets the variant whose
 *   range holds its bucket of `<key>:variant`. The two hashes are independent, so growing the
 *   traffic only adds subjects: no one already in changes variant.
 * - `targeting`: only subjects whose context matches `targeting` (none: everyone), then as
 *   `consistent`.
 * - `random`: the variant stored for the subject in `assignments` (read at each evaluation:
 *   the snapshot keeps it current), else not in; assignment happens only in `assignVariant`.
 * A subject without a stickiness value is never in the experiment.
 */
export function compileExperiment(
  experiment: RunningExperiment,
  stickiness: Stickiness,
  shared?: SharedConditions,
): VariantPick {
  const { key, variants } = experiment;
  if (variants.length === 0) return () => -1;
  if (experiment.assignment === 'random') {
    const indexOf = new Map(variants.map((variant, i) => [variant.key, i]));
    return (context, targetingKey) => {
      const subject = stickiness(context, targetingKey);
      if (subject === undefined) return -1;
      const variant = experiment.assignments?.get(subject);
      return variant === undefined ? -1 : (indexOf.get(variant) ?? -1);
    };
  }
  const threshold = bucketsIn(experiment.trafficPercentage);
  if (threshold <= 0) return () => -1;
  const bounds = variantBounds(variants);
  const variantBucket = compileBucketing(variantSalt(key));
  const trafficBucket = compileBucketing(trafficSalt(key));
  const everyone = threshold >= BUCKETS;
  const consistent: VariantPick = (context, targetingKey) => {
    const subject = stickiness(context, targetingKey);
    if (subject === undefined || (!everyone && trafficBucket(subject) >= threshold)) return -1;
    return variantAt(bounds, variantBucket(subject));
  };
  if (experiment.assignment !== 'targeting' || !experiment.targeting) return consistent;
  const matches = compileCondition(experiment.targeting, shared);
  return (context, targetingKey) => (matches(context) ? consistent(context, targetingKey) : -1);
}

/**
 * The variant a subject gets, computed as evaluation computes it (`compileExperiment`):
 * for `consistent` and `targeting` its assigned variant, for `random` its stored one;
 * undefined when it is not in the experiment. `stickiness` is the config's (null: the default).
 */
export function assignExperimentVariant(
  experiment: RunningExperiment,
  context: unknown,
  options: { stickiness?: string | null; targetingKey?: string } = {},
): ExperimentVariant | undefined {
  const stickiness = compileStickiness(stickinessPaths(options.stickiness));
  const index = compileExperiment(experiment, stickiness)(context, options.targetingKey);
  return index < 0 ? undefined : experiment.variants[index];
}
