import { bucketOf, bucketsIn } from '../bucketing';
import { ExperimentVariant, RunningExperiment } from '../experiment-state';
import { compileCondition } from './conditions';

/**
 * Whether a subject enters an experiment's traffic (salt `<key>:traffic`): 100 takes every
 * subject with a stickiness value, 0 none.
 */
export function inExperimentTraffic(experiment: RunningExperiment, subject: string): boolean {
  if (experiment.trafficPercentage >= 100) return true;
  return bucketOf(`${experiment.key}:traffic`, subject) < bucketsIn(experiment.trafficPercentage);
}

/** The variant whose consecutive bucket range (by weight, in order) holds `bucket`. */
export function variantAtBucket(
  variants: readonly ExperimentVariant[],
  bucket: number,
): ExperimentVariant {
  let upper = 0;
  for (const variant of variants) {
    upper += bucketsIn(variant.weight);
    if (bucket < upper) return variant;
  }
  return variants[variants.length - 1];
}

/**
 * The variant a subject (its stickiness value; undefined when the context has none) gets, or
 * null when it is outside the experiment: no stickiness value, outside the traffic, not
 * matching the targeting, or — for `random` — no stored assignment. Pure; the engine's step 3
 * and `assignVariant` share it (DESIGN.md, "Evaluation").
 */
export function assignExperimentVariant(
  experiment: RunningExperiment,
  context: unknown,
  subject: string | undefined,
): ExperimentVariant | null {
  if (subject === undefined) return null;
  if (experiment.assignment === 'targeting') {
    if (!experiment.targeting || !compileCondition(experiment.targeting)(context)) return null;
  }
  if (!inExperimentTraffic(experiment, subject)) return null;
  if (experiment.assignment === 'random') {
    const key = experiment.assignments?.get(subject);
    return experiment.variants.find((variant) => variant.key === key) ?? null;
  }
  return variantAtBucket(experiment.variants, bucketOf(`${experiment.key}:variant`, subject));
}
