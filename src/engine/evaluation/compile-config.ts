import { bucketsIn, compileBucketing } from '../bucketing';
import { ConfigState, ValueType } from '../config-state';
import { RunningExperiment } from '../experiment-state';
import { compileCondition, Predicate } from './conditions';
import { compileExperiment } from './experiment';
import { registerExposureSource } from './exposure-sources';
import { deepFreeze, EvaluationResult } from './result';
import { beginSession, memoize, SharedConditions } from './shared';
import { compileStickiness, Stickiness, stickinessPaths } from './stickiness';

// Where callers found them before stickiness.ts (the experiments service among them).
export { compileStickiness, DEFAULT_STICKINESS } from './stickiness';
export type { Stickiness } from './stickiness';

export interface StoredConfig {
  key: string;
  version: number;
  state: ConfigState;
  /** The config's running experiment, if any (step 3 of the evaluation order). */
  experiment?: RunningExperiment | null;
}

export interface CompiledConfig {
  readonly key: string;
  readonly version: number;
  readonly valueType: ValueType;
  /**
   * Never throws, whatever the context. The result is shared and frozen. A `targetingKey`
   * (OpenFeature's subject id) is the stickiness value of every rollout when given.
   */
  evaluate(context: unknown, targetingKey?: string): EvaluationResult;
  /** `evaluate` inside the caller's session (see `evaluateAll`). */
  evaluateInSession(context: unknown, targetingKey?: string): EvaluationResult;
}

/** Inside a rollout, outside it, or undecidable for want of a stickiness value. */
export type RolloutTest = (context: unknown, targetingKey?: string) => boolean | undefined;

/**
 * `percentage` of subjects by `salt`: 100 takes everyone and 0 no one, with or without a
 * stickiness value; in between, a subject without one is outside (undefined, so the reason
 * can say why). Hashes only then.
 */
export function compileRollout(
  percentage: number,
  salt: string,
  stickiness: Stickiness,
): RolloutTest {
  if (percentage >= 100) return () => true;
  if (percentage <= 0) return () => false;
  const bucketOf = compileBucketing(salt);
  const threshold = bucketsIn(percentage);
  return (context, targetingKey) => {
    const subject = stickiness(context, targetingKey);
    return subject === undefined ? undefined : bucketOf(subject) < threshold;
  };
}

interface CompiledRule {
  matches: Predicate;
  inRollout: RolloutTest;
  result: EvaluationResult;
}

/**
 * Compiles a stored config version (with its running experiment, if any) once into closures;
 * evaluation allocates nothing. Configs compiled with the same `shared` table share equal
 * conditions (see shared.ts). A config without an experiment pays nothing for step 3: which
 * evaluator runs is chosen here, not per evaluation.
 */
export function compileConfig(
  { key, version, state, experiment }: StoredConfig,
  shared?: SharedConditions,
): CompiledConfig {
  const outcome = (
    value: unknown,
    reason: EvaluationResult['reason'],
    extra: Partial<EvaluationResult> = {},
  ) => deepFreeze<EvaluationResult>({ key, value, reason, version, ...extra });

  if (state.archived) {
    const disabled = outcome(state.defaultValue, 'DISABLED');
    const evaluate = () => disabled;
    return { key, version, valueType: state.valueType, evaluate, evaluateInSession: evaluate };
  }

  const paths = stickinessPaths(state.stickiness);
  const stickiness = shared
    ? shared.intern('stickiness', JSON.stringify(paths), () => memoize(compileStickiness(paths)))
    : compileStickiness(paths);
  const rules: CompiledRule[] = state.targetingRules.map((rule) => ({
    matches: compileCondition(rule.condition, shared),
    inRollout: compileRollout(rule.rolloutPercentage ?? 100, `${key}:${rule.id}`, stickiness),
    result: outcome(rule.value, 'TARGETING_MATCH', { ruleId: rule.id }),
  }));
  const inRollout = compileRollout(state.rolloutPercentage, key, stickiness);
  const served = outcome(state.value, state.rolloutPercentage >= 100 ? 'FALLTHROUGH' : 'ROLLOUT');
  const fallback = outcome(state.defaultValue, 'DEFAULT');
  const noSubject = outcome(state.defaultValue, 'DEFAULT', { errorCode: 'TARGETING_KEY_MISSING' });

  const evaluateRules = (context: unknown, targetingKey?: string): EvaluationResult => {
    for (const rule of rules) {
      if (rule.matches(context) && rule.inRollout(context, targetingKey) === true)
        return rule.result;
    }
    const inside = inRollout(context, targetingKey);
    return inside === true ? served : inside === false ? fallback : noSubject;
  };
  let evaluateInSession = evaluateRules;
  if (experiment) {
    const pick = compileExperiment(experiment, stickiness, shared);
    const variants = experiment.variants.map((variant) =>
      outcome(variant.value, 'EXPERIMENT', { variant: variant.key }),
    );
    // Once per compile, so the usage flush can record exposures; evaluation does nothing more.
    variants.forEach((result, i) =>
      registerExposureSource(result, {
        experimentId: experiment.id,
        variantKey: experiment.variants[i].key,
        subject: stickiness,
      }),
    );
    evaluateInSession = (context, targetingKey) => {
      const index = pick(context, targetingKey);
      return index < 0 ? evaluateRules(context, targetingKey) : variants[index];
    };
  }
  return {
    key,
    version,
    valueType: state.valueType,
    evaluateInSession,
    evaluate(context, targetingKey) {
      beginSession();
      return evaluateInSession(context, targetingKey);
    },
  };
}

/**
 * Evaluates configs for one context in one session, so the conditions they share are
 * computed once; `visit` gets each config and its result, in the order of `configs`.
 */
export function evaluateEach(
  configs: Iterable<CompiledConfig>,
  context: unknown,
  targetingKey: string | undefined,
  visit: (config: CompiledConfig, result: EvaluationResult) => void,
): void {
  beginSession();
  for (const config of configs) visit(config, config.evaluateInSession(context, targetingKey));
}

/** `evaluateEach`, the results collected. */
export function evaluateAll(
  configs: Iterable<CompiledConfig>,
  context: unknown,
  targetingKey?: string,
): EvaluationResult[] {
  const results: EvaluationResult[] = [];
  evaluateEach(configs, context, targetingKey, (_config, result) => results.push(result));
  return results;
}
