import { EvaluationResult } from '../../engine/evaluation/result';

/**
 * The OpenFeature Remote Evaluation Protocol's shapes (https://openfeature.dev/specification/
 * appendix-c), and how our evaluation results map onto them.
 */
export type OfrepErrorCode =
  | 'PARSE_ERROR'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'
  | 'GENERAL';

export interface OfrepSuccess {
  key: string;
  value: unknown;
  reason: string;
  variant?: string;
  metadata: Record<string, string | number | boolean>;
}

export interface OfrepFailure {
  key?: string;
  errorCode: OfrepErrorCode;
  errorDetails: string;
}

/**
 * OpenFeature's reasons where one fits: a rollout or an experiment is a SPLIT; the others
 * keep our names (OpenFeature allows any string). Our own reason is in the metadata.
 */
const REASONS: Record<EvaluationResult['reason'], string> = {
  DISABLED: 'DISABLED',
  EXPERIMENT: 'SPLIT',
  TARGETING_MATCH: 'TARGETING_MATCH',
  ROLLOUT: 'SPLIT',
  FALLTHROUGH: 'STATIC',
  DEFAULT: 'DEFAULT',
  ERROR: 'ERROR',
};

/**
 * One result in OFREP form. Decimal configs travel as JSON strings with us; OpenFeature has
 * no decimal type, so they are served as numbers here with the exact text in
 * `metadata.decimal`.
 */
export function toOfrep(
  result: EvaluationResult,
  valueType: string | undefined,
): OfrepSuccess | OfrepFailure {
  if (result.errorCode === 'FLAG_NOT_FOUND') {
    return {
      key: result.key,
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: `flag "${result.key}" was not found in this environment`,
    };
  }
  const metadata: OfrepSuccess['metadata'] = { reason: result.reason, version: result.version };
  if (result.ruleId) metadata.ruleId = result.ruleId;
  if (result.errorCode) metadata.errorCode = result.errorCode;
  if (result.deploymentId) metadata.deploymentId = result.deploymentId;
  let value = result.value;
  if (valueType === 'decimal' && typeof value === 'string') {
    metadata.decimal = value;
    value = Number(value);
  }
  return {
    key: result.key,
    value,
    reason: REASONS[result.reason],
    ...(result.variant ? { variant: result.variant } : {}),
    metadata,
  };
}

export function isFailure<T extends object>(item: T | OfrepFailure): item is OfrepFailure {
  return 'errorCode' in item;
}

/**
 * `toOfrep` as JSON text. Results are frozen and shared by every evaluation of a config
 * version, so each one's text is built once and kept as long as the result lives.
 */
const texts = new WeakMap<EvaluationResult, string>();

export function toOfrepJson(result: EvaluationResult, valueType: string | undefined): string {
  let text = texts.get(result);
  if (text === undefined) {
    text = JSON.stringify(toOfrep(result, valueType));
    if (Object.isFrozen(result)) texts.set(result, text);
  }
  return text;
}
