import { bucketsIn, compileBucketing } from '../bucketing';
import { ConfigState, ValueType } from '../config-state';
import { ActiveDeployment } from '../deployment-state';
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
  /** The config's active deployment, if any (step 4): `state` is then the stable state. */
  deployment?: ActiveDeployment | null;
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

/** The salt that picks a deployment's subjects: `<configKey>:<deploymentId>`. */
export const deploymentSalt = (configKey: string, deploymentId: string) =>
  `${configKey}:${deploymentId}`;

type Evaluator = (context: unknown, targetingKey?: string) => EvaluationResult;

interface CompiledRule {
  matches: Predicate;
  inRollout: RolloutTest;
  result: EvaluationResult;
}

/** The stickiness of a state, shared by every config compiled with `shared` that has it. */
function stateStickiness(state: ConfigState, shared?: SharedConditions): Stickiness {
  const paths = stickinessPaths(state.stickiness);
  return shared
    ? shared.intern('stickiness', JSON.stringify(paths), () => memoize(compileStickiness(paths)))
    : compileStickiness(paths);
}

/**
 * Steps 2 and 5-7 of one state (the config's, or a deployment's candidate): DISABLED when
 * archived, else its rules in order, then its rollout. Every result it can give is made here,
 * frozen, with `extra` (a candidate's carry its deployment's id).
 */
function compileState(
  key: string,
  version: number,
  state: ConfigState,
  shared: SharedConditions | undefined,
  extra: Partial<EvaluationResult> = {},
): Evaluator {
  const outcome = (
    value: unknown,
    reason: EvaluationResult['reason'],
    more: Partial<EvaluationResult> = {},
  ) => deepFreeze<EvaluationResult>({ key, value, reason, version, ...more, ...extra });
  if (state.archived) {
    const disabled = outcome(state.defaultValue, 'DISABLED');
    return () => disabled;
  }
  const stickiness = stateStickiness(state, shared);
  const rules: CompiledRule[] = state.targetingRules.map((rule) => ({
    matches: compileCondition(rule.condition, shared),
    inRollout: compileRollout(rule.rolloutPercentage ?? 100, `${key}:${rule.id}`, stickiness),
    result: outcome(rule.value, 'TARGETING_MATCH', { ruleId: rule.id }),
  }));
  const inRollout = compileRollout(state.rolloutPercentage, key, stickiness);
  const served = outcome(state.value, state.rolloutPercentage >= 100 ? 'FALLTHROUGH' : 'ROLLOUT');
  const fallback = outcome(state.defaultValue, 'DEFAULT');
  const noSubject = outcome(state.defaultValue, 'DEFAULT', { errorCode: 'TARGETING_KEY_MISSING' });
  return (context, targetingKey) => {
    for (const rule of rules) {
      if (rule.matches(context) && rule.inRollout(context, targetingKey) === true)
        return rule.result;
    }
    const inside = inRollout(context, targetingKey);
    return inside === true ? served : inside === false ? fallback : noSubject;
  };
}

/**
 * Step 4: subjects whose bucket of `<configKey>:<deploymentId>` (by the stable state's
 * stickiness) is below the percentage get the candidate state, the rest `stable`. At 100
 * everyone gets the candidate and at 0 no one, chosen here; in between a subject without a
 * stickiness value stays on the stable state.
 */
function compileDeployment(
  key: string,
  version: number,
  deployment: ActiveDeployment,
  stable: Evaluator,
  stickiness: Stickiness,
  shared: SharedConditions | undefined,
): Evaluator {
  if (deployment.percentage <= 0) return stable;
  const candidate = compileState(key, version, deployment.candidate, shared, {
    deploymentId: deployment.id,
  });
  if (deployment.percentage >= 100) return candidate;
  const bucketOf = compileBucketing(deploymentSalt(key, deployment.id));
  const threshold = bucketsIn(deployment.percentage);
  return (context, targetingKey) => {
    const subject = stickiness(context, targetingKey);
    return subject !== undefined && bucketOf(subject) < threshold
      ? candidate(context, targetingKey)
      : stable(context, targetingKey);
  };
}

/**
 * Compiles a stored config version (with its running experiment and active deployment, if
 * any) once into closures; evaluation allocates nothing. Configs compiled with the same
 * `shared` table share equal conditions (see shared.ts). A config without an experiment or a
 * deployment pays nothing for steps 3 and 4: which evaluator runs is chosen here, not per
 * evaluation.
 */
export function compileConfig(
  { key, version, state, experiment, deployment }: StoredConfig,
  shared?: SharedConditions,
): CompiledConfig {
  let evaluateInSession = compileState(key, version, state, shared);
  if (state.archived) {
    return {
      key,
      version,
      valueType: state.valueType,
      evaluate: evaluateInSession,
      evaluateInSession,
    };
  }
  const stickiness = stateStickiness(state, shared);
  if (deployment) {
    evaluateInSession = compileDeployment(
      key,
      version,
      deployment,
      evaluateInSession,
      stickiness,
      shared,
    );
  }
  if (experiment) {
    const pick = compileExperiment(experiment, stickiness, shared);
    const variants = experiment.variants.map((variant) =>
      deepFreeze<EvaluationResult>({
        key,
        value: variant.value,
        reason: 'EXPERIMENT',
        version,
        variant: variant.key,
      }),
    );
    // Once per compile, so the usage flush can record exposures; evaluation does nothing more.
    variants.forEach((result, i) =>
      registerExposureSource(result, {
        experimentId: experiment.id,
        variantKey: experiment.variants[i].key,
        subject: stickiness,
      }),
    );
    const rest = evaluateInSession;
    evaluateInSession = (context, targetingKey) => {
      const index = pick(context, targetingKey);
      return index < 0 ? rest(context, targetingKey) : variants[index];
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
