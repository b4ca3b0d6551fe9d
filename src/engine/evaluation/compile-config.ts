import { bucketOf, isInPercentage } from '../bucketing';
import { ConfigState } from '../config-state';
import { compileAttribute, AttributeGetter } from './attribute';
import { compileCondition, Predicate } from './conditions';
import { deepFreeze, EvaluationResult } from './result';

export interface StoredConfig {
  key: string;
  version: number;
  state: ConfigState;
}

export interface CompiledConfig {
  readonly key: string;
  readonly version: number;
  /** Never throws, whatever the context. The result is shared and frozen. */
  evaluate(context: unknown): EvaluationResult;
}

/** The stickiness used when a config names none: the user, then the device. */
export const DEFAULT_STICKINESS = ['user.id', 'device.id'];

/**
 * The subject's stickiness value: the first of the paths that holds a non-empty string or a
 * finite number (numbers in their JavaScript string form), else undefined.
 */
export function compileStickiness(
  paths: readonly string[],
): (context: unknown) => string | undefined {
  const getters: AttributeGetter[] = paths.map(compileAttribute);
  return (context) => {
    for (const get of getters) {
      const value = get(context);
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    }
    return undefined;
  };
}

/** Inside a rollout, outside it, or undecidable for want of a stickiness value. */
export type RolloutTest = (context: unknown) => boolean | undefined;

/**
 * `percentage` of subjects by `salt`: 100 takes everyone and 0 no one, with or without a
 * stickiness value; in between, a subject without one is outside (undefined, so the reason
 * can say why). Hashes only then.
 */
export function compileRollout(
  percentage: number,
  salt: string,
  stickiness: (context: unknown) => string | undefined,
): RolloutTest {
  if (percentage >= 100) return () => true;
  if (percentage <= 0) return () => false;
  return (context) => {
    const subject = stickiness(context);
    return subject === undefined ? undefined : isInPercentage(bucketOf(salt, subject), percentage);
  };
}

interface CompiledRule {
  matches: Predicate;
  inRollout: RolloutTest;
  result: EvaluationResult;
}

/** Compiles a stored config version once into closures; evaluation allocates nothing. */
export function compileConfig({ key, version, state }: StoredConfig): CompiledConfig {
  const outcome = (
    value: unknown,
    reason: EvaluationResult['reason'],
    extra: Partial<EvaluationResult> = {},
  ) => deepFreeze<EvaluationResult>({ key, value, reason, version, ...extra });

  if (state.archived) {
    const disabled = outcome(state.defaultValue, 'DISABLED');
    return { key, version, evaluate: () => disabled };
  }

  const stickiness = compileStickiness(state.stickiness ? [state.stickiness] : DEFAULT_STICKINESS);
  const rules: CompiledRule[] = state.targetingRules.map((rule) => ({
    matches: compileCondition(rule.condition),
    inRollout: compileRollout(rule.rolloutPercentage ?? 100, `${key}:${rule.id}`, stickiness),
    result: outcome(rule.value, 'TARGETING_MATCH', { ruleId: rule.id }),
  }));
  const inRollout = compileRollout(state.rolloutPercentage, key, stickiness);
  const served = outcome(state.value, state.rolloutPercentage >= 100 ? 'FALLTHROUGH' : 'ROLLOUT');
  const fallback = outcome(state.defaultValue, 'DEFAULT');
  const noSubject = outcome(state.defaultValue, 'DEFAULT', { errorCode: 'TARGETING_KEY_MISSING' });

  return {
    key,
    version,
    evaluate(context) {
      for (const rule of rules) {
        if (rule.matches(context) && rule.inRollout(context) === true) return rule.result;
      }
      const inside = inRollout(context);
      return inside === true ? served : inside === false ? fallback : noSubject;
    },
  };
}
