/** Why a value was served. The order of evaluation is DESIGN.md's "Evaluation" section. */
export type EvaluationReason =
  'DISABLED' | 'EXPERIMENT' | 'TARGETING_MATCH' | 'ROLLOUT' | 'FALLTHROUGH' | 'DEFAULT' | 'ERROR';

/** Error codes, as OpenFeature names them. */
export type EvaluationErrorCode = 'FLAG_NOT_FOUND' | 'TARGETING_KEY_MISSING';

export interface EvaluationResult {
  key: string;
  value: unknown;
  reason: EvaluationReason;
  version: number;
  ruleId?: string;
  variant?: string;
  errorCode?: EvaluationErrorCode;
  /** Set when an active deployment's candidate state served (step 4); absent for the stable. */
  deploymentId?: string;
}

/** The answer for a key the environment does not have: the client keeps its own default. */
export function flagNotFound(key: string): EvaluationResult {
  return { key, value: null, reason: 'ERROR', version: 0, errorCode: 'FLAG_NOT_FOUND' };
}

/** Results are shared between evaluations, so nothing may change them or the values inside. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
