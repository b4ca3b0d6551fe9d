import { bucketOf, BUCKETS, isInPercentage } from '../bucketing';
import { Condition } from '../config-state';
import { compileAttribute, isMissing } from './attribute';
import {
  compileConfig,
  compileStickiness,
  DEFAULT_STICKINESS,
  StoredConfig,
} from './compile-config';
import { compileCondition } from './conditions';
import { EvaluationResult } from './result';

export type ExplainKind = 'ARCHIVED' | 'RULE' | 'ALL' | 'ANY' | 'CONDITION' | 'ROLLOUT';

/**
 * One node of the explanation, in tree order (a parent before its children); `path` says
 * where in the config it is (`targetingRules[0].condition.all[1]`).
 */
export interface ExplainStep {
  path: string;
  kind: ExplainKind;
  outcome: boolean;
  ruleId?: string;
  attribute?: string;
  operator?: string;
  /** The context's value at `attribute`; undefined when it is missing. */
  actual?: unknown;
  detail?: string;
}

export interface Explanation {
  result: EvaluationResult;
  steps: ExplainStep[];
}

/**
 * Evaluates a config for one context and says why: every rule and every condition with its
 * outcome (all of them, not only up to the first that decides) and each rollout with the
 * subject's bucket. The result is the compiled evaluator's; the leaves use the same compiled
 * predicates, so the explanation cannot disagree with what is served.
 */
export function explainConfig(stored: StoredConfig, context: unknown): Explanation {
  const result = compileConfig(stored).evaluate(context);
  const { key, state } = stored;
  const steps: ExplainStep[] = [];
  if (state.archived) {
    steps.push({
      path: '',
      kind: 'ARCHIVED',
      outcome: true,
      detail: 'archived: every context gets the default value',
    });
    return { result, steps };
  }
  const stickiness = state.stickiness ? [state.stickiness] : DEFAULT_STICKINESS;
  const subject = compileStickiness(stickiness)(context);
  const rollout = (path: string, percentage: number, salt: string): ExplainStep => {
    const step = { path, kind: 'ROLLOUT' as const };
    if (percentage >= 100) return { ...step, outcome: true, detail: '100%: every subject' };
    if (percentage <= 0) return { ...step, outcome: false, detail: '0%: no subject' };
    if (subject === undefined) {
      return {
        ...step,
        outcome: false,
        detail: `no stickiness value at ${stickiness.join(' or ')}: outside ${percentage}%`,
      };
    }
    const bucket = bucketOf(salt, subject);
    const inside = isInPercentage(bucket, percentage);
    return {
      ...step,
      outcome: inside,
      detail: `bucket ${bucket} of ${BUCKETS} for "${subject}" (salt "${salt}") is ${inside ? 'inside' : 'outside'} ${percentage}%`,
    };
  };

  state.targetingRules.forEach((rule, i) => {
    const path = `targetingRules[${i}]`;
    const ruleStep: ExplainStep = { path, kind: 'RULE', outcome: false, ruleId: rule.id };
    steps.push(ruleStep);
    const matched = explainCondition(rule.condition, `${path}.condition`, context, steps);
    const inRollout = rollout(
      `${path}.rolloutPercentage`,
      rule.rolloutPercentage ?? 100,
      `${key}:${rule.id}`,
    );
    steps.push(inRollout);
    ruleStep.outcome = matched && inRollout.outcome;
    if (result.ruleId === rule.id) ruleStep.detail = "serves this rule's value";
  });
  steps.push(rollout('rolloutPercentage', state.rolloutPercentage, key));
  return { result, steps };
}

function explainCondition(
  condition: Condition,
  path: string,
  context: unknown,
  steps: ExplainStep[],
): boolean {
  if ('all' in condition || 'any' in condition) {
    const kind = 'all' in condition ? 'ALL' : 'ANY';
    const children = 'all' in condition ? condition.all : condition.any;
    const step: ExplainStep = { path, kind, outcome: false };
    steps.push(step);
    const outcomes = children.map((child, i) =>
      explainCondition(child, `${path}.${kind.toLowerCase()}[${i}]`, context, steps),
    );
    step.outcome = kind === 'ALL' ? outcomes.every(Boolean) : outcomes.some(Boolean);
    return step.outcome;
  }
  const actual = compileAttribute(condition.attribute)(context);
  const outcome = compileCondition(condition)(context);
  steps.push({
    path,
    kind: 'CONDITION',
    outcome,
    attribute: condition.attribute,
    operator: condition.negate ? `not ${condition.operator}` : condition.operator,
    ...(isMissing(actual) ? { detail: 'attribute missing' } : { actual }),
  });
  return outcome;
}
