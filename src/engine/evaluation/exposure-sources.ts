import { EvaluationResult } from './result';

/**
 * What an EXPERIMENT result tells the exposure recorder: the experiment it comes from and how
 * to find the subject (the config's stickiness value) in the context it was served for.
 */
export interface ExposureSource {
  experimentId: string;
  variantKey: string;
  /** As evaluation found it: OFREP's `targetingKey`, when given, is the subject. */
  subject(context: unknown, targetingKey?: string): string | undefined;
}

/**
 * Results are compiled once per config version and shared, so the engine registers each
 * EXPERIMENT result's source once, when it compiles it; the recorder looks it up by identity.
 * A weak map: results of configs no longer in any snapshot go with them.
 */
const sources = new WeakMap<EvaluationResult, ExposureSource>();
let registered = false;

export function registerExposureSource(result: EvaluationResult, source: ExposureSource): void {
  sources.set(result, source);
  registered = true;
}

export function exposureSourceOf(result: EvaluationResult): ExposureSource | undefined {
  return sources.get(result);
}

/** Whether any experiment result was ever compiled: until then the hot path checks nothing. */
export function anyExposureSource(): boolean {
  return registered;
}
