import { bucketOf, BUCKETS, isInPercentage } from '../bucketing';
import { Condition, ConfigState } from '../config-state';
import { AttributeGetter, compileAttribute, isMissing } from './attribute';
import { compileConfig, StoredConfig } from './compile-config';
import { compileCondition, Predicate } from './conditions';
import { EvaluationResult } from './result';
import { trafficSalt, variantBounds, variantSalt } from './experiment';
import { RunningExperiment } from '../experiment-state';
import { beginSession, SharedConditions } from './shared';
import { isPlainObject } from '../validate/issues';
import { compileStickiness, stickinessPaths } from './stickiness';

export type ExplainKind =
  'ARCHIVED' | 'EXPERIMENT' | 'VARIANT' | 'RULE' | 'ALL' | 'ANY' | 'CONDITION' | 'ROLLOUT';

/**
 * One node of the explanation, in tree order (a parent before its children); `path` says
 * where in the config it is (`targetingRules[0].condition.all[1]`).
 */
export interface ExplainStep {
  path: string;
  kind: ExplainKind;
  /**
   * Whether evaluation got here. Evaluation stops at what decides: the first rule served, an
   * `all` at its first false child, an `any` at its first true one, a rule's rollout when its
   * condition is false. A step not reached was not evaluated: its outcome is false.
   */
  reached: boolean;
  outcome: boolean;
  ruleId?: string;
  /** The experiment's variant (a VARIANT step that served). */
  variant?: string;
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

/** A config compiled once to explain any number of contexts. */
export interface Explainer {
  explain(context: unknown): Explanation;
}

type Plan =
  | { kind: 'ALL' | 'ANY'; path: string; children: Plan[] }
  | {
      kind: 'CONDITION';
      path: string;
      attribute: string;
      operator: string;
      read: AttributeGetter;
      holds: Predicate;
    };

function planCondition(condition: Condition, path: string, shared: SharedConditions): Plan {
  if ('all' in condition || 'any' in condition) {
    const kind = 'all' in condition ? 'ALL' : 'ANY';
    const children = 'all' in condition ? condition.all : condition.any;
    return {
      kind,
      path,
      children: children.map((child, i) =>
        planCondition(child, `${path}.${kind.toLowerCase()}[${i}]`, shared),
      ),
    };
  }
  return {
    kind: 'CONDITION',
    path,
    attribute: condition.attribute,
    operator: condition.negate ? `not ${condition.operator}` : condition.operator,
    read: compileAttribute(condition.attribute),
    holds: compileCondition(condition, shared),
  };
}

/** Nodes in a condition as written, valid or not: a group and its children, else one. */
function conditionSize(condition: unknown): number {
  if (!isPlainObject(condition)) return 1;
  const children = Array.isArray(condition.all) ? condition.all : condition.any;
  if (!Array.isArray(children)) return 1;
  return children.reduce((n: number, child) => n + conditionSize(child), 1);
}

/**
 * Steps in each explanation of `state` (every node is listed, reached or not): known before
 * anything is validated or compiled, so a caller can refuse a preview over its budget before
 * doing any work for it. Counts a draft as written; once valid, it is the exact count.
 */
export function explainStepCount(
  state: Pick<ConfigState, 'archived' | 'targetingRules'>,
  experiment?: RunningExperiment | null,
): number {
  if (state.archived) return 1;
  const rules: unknown[] = Array.isArray(state.targetingRules) ? state.targetingRules : [];
  return rules.reduce(
    (n: number, rule) => n + 2 + conditionSize(isPlainObject(rule) ? rule.condition : undefined),
    1 + (experiment ? experimentStepCount(experiment) : 0),
  );
}

/** The experiment's steps: itself, its targeting, then its traffic and variant (or stored one). */
function experimentStepCount(experiment: RunningExperiment): number {
  if (experiment.assignment === 'random') return 2;
  const targeting = experiment.assignment === 'targeting' ? experiment.targeting : undefined;
  return 3 + (targeting ? conditionSize(targeting) : 0);
}

/**
 * Explains step 3 for one context: pushes the experiment's steps and answers why the later
 * steps were not reached when it served, else undefined. The variant is the evaluator's
 * (`result`), the buckets are the reference `bucketOf`'s.
 */
type ExperimentExplainer = (
  context: unknown,
  subject: string | undefined,
  result: EvaluationResult,
  steps: ExplainStep[],
) => string | undefined;

function compileExperimentExplainer(
  experiment: RunningExperiment,
  stickiness: readonly string[],
  shared: SharedConditions,
): ExperimentExplainer {
  const { key, assignment, trafficPercentage, variants } = experiment;
  const targeting =
    assignment === 'targeting' && experiment.targeting
      ? planCondition(experiment.targeting, 'experiment.targeting', shared)
      : undefined;
  const bounds = variantBounds(variants);
  const noSubject = `no stickiness value at ${stickiness.join(' or ')}: not in the experiment`;
  return (context, subject, result, steps) => {
    const served = result.reason === 'EXPERIMENT' ? result.variant : undefined;
    const index = variants.findIndex((variant) => variant.key === served);
    const head: ExplainStep = {
      path: 'experiment',
      kind: 'EXPERIMENT',
      reached: true,
      outcome: served !== undefined,
      detail:
        served === undefined
          ? `${assignment} experiment "${key}": the subject is not in it`
          : `${assignment} experiment "${key}" serves variant "${served}"`,
    };
    steps.push(head);
    const variantStep = (detail: string, reached: boolean): ExplainStep => ({
      path: index < 0 ? 'experiment.variants' : `experiment.variants[${index}]`,
      kind: 'VARIANT',
      reached,
      outcome: served !== undefined,
      ...(served !== undefined ? { variant: served } : {}),
      detail,
    });
    if (assignment === 'random') {
      const stored = subject === undefined ? undefined : experiment.assignments?.get(subject);
      const detail =
        subject === undefined
          ? noSubject
          : served !== undefined
            ? `variant "${served}" stored for "${subject}"`
            : stored === undefined
              ? `no variant stored for "${subject}": not in the experiment (assignVariant assigns)`
              : `variant "${stored}" stored for "${subject}" is not one of the experiment's`;
      steps.push({ ...variantStep(detail, true), path: 'experiment.assignments' });
      return served && `not reached: experiment "${key}" served variant "${served}"`;
    }
    const traffic = {
      path: 'experiment.trafficPercentage',
      kind: 'ROLLOUT' as const,
      reached: true,
      outcome: false,
    };
    const skip = (detail: string) => {
      steps.push({ ...traffic, reached: false, detail });
      steps.push(variantStep(detail, false));
    };
    if (targeting && !explainPlan(targeting, context, steps)) {
      skip('not reached: the targeting condition is false');
      return undefined;
    }
    if (subject === undefined) {
      steps.push({ ...traffic, detail: noSubject });
      steps.push(variantStep(`not reached: ${noSubject}`, false));
      return undefined;
    }
    const salt = trafficSalt(key);
    const bucket = bucketOf(salt, subject);
    const inside = isInPercentage(bucket, trafficPercentage);
    steps.push({
      ...traffic,
      outcome: inside,
      detail: `bucket ${bucket} of ${BUCKETS} for "${subject}" (salt "${salt}") is ${inside ? 'inside' : 'outside'} ${trafficPercentage}%`,
    });
    if (!inside) {
      steps.push(variantStep('not reached: outside the traffic', false));
      return undefined;
    }
    const at = bucketOf(variantSalt(key), subject);
    const from = index > 0 ? bounds[index - 1] : 0;
    steps.push(
      variantStep(
        `bucket ${at} of ${BUCKETS} for "${subject}" (salt "${variantSalt(key)}") is in [${from}, ${bounds[index]}): variant "${served}"`,
        true,
      ),
    );
    return `not reached: experiment "${key}" served variant "${served}"`;
  };
}

/** The steps of a plan that evaluation did not reach, each saying why. */
function skipped(plan: Plan, steps: ExplainStep[], detail: string): void {
  const { path, kind } = plan;
  if (plan.kind === 'CONDITION') {
    const { attribute, operator } = plan;
    steps.push({ path, kind, reached: false, outcome: false, attribute, operator, detail });
    return;
  }
  steps.push({ path, kind, reached: false, outcome: false, detail });
  for (const child of plan.children) skipped(child, steps, detail);
}

/**
 * Evaluates `plan` in the order the compiled evaluator does (`&&` and `||` left to right) and
 * records each step; children after the one that decided are listed as not reached.
 */
function explainPlan(plan: Plan, context: unknown, steps: ExplainStep[]): boolean {
  const { path, kind } = plan;
  if (plan.kind === 'CONDITION') {
    const actual = plan.read(context);
    const outcome = plan.holds(context);
    steps.push({
      path,
      kind,
      reached: true,
      outcome,
      attribute: plan.attribute,
      operator: plan.operator,
      ...(isMissing(actual) ? { detail: 'attribute missing' } : { actual }),
    });
    return outcome;
  }
  const step: ExplainStep = { path, kind, reached: true, outcome: kind === 'ALL' };
  steps.push(step);
  let decidedBy: Plan | undefined;
  for (const child of plan.children) {
    if (decidedBy) {
      const why = kind === 'ALL' ? 'is false' : 'holds';
      skipped(child, steps, `not reached: ${decidedBy.path} ${why}`);
      continue;
    }
    const outcome = explainPlan(child, context, steps);
    if (outcome !== (kind === 'ALL')) {
      step.outcome = outcome;
      decidedBy = child;
    }
  }
  return step.outcome;
}

/**
 * Compiles a config to explain contexts: the result (the compiled evaluator's, so the
 * explanation cannot disagree with what is served) and the path evaluation took to it, each
 * rule, condition and rollout with its outcome, and the rest marked not reached.
 */
export function compileExplainer(stored: StoredConfig): Explainer {
  // The leaves share the evaluator's compiled tests: one compilation per distinct condition.
  const shared = new SharedConditions();
  const evaluator = compileConfig(stored, shared);
  const { key, state } = stored;
  if (state.archived) {
    return {
      explain: (context) => ({
        result: evaluator.evaluate(context),
        steps: [
          {
            path: '',
            kind: 'ARCHIVED',
            reached: true,
            outcome: true,
            detail: 'archived: every context gets the default value',
          },
        ],
      }),
    };
  }
  const paths = stickinessPaths(state.stickiness);
  const stickiness = compileStickiness(paths);
  const experiment =
    stored.experiment && compileExperimentExplainer(stored.experiment, paths, shared);
  const rules = state.targetingRules.map((rule, i) => ({
    id: rule.id,
    path: `targetingRules[${i}]`,
    condition: planCondition(rule.condition, `targetingRules[${i}].condition`, shared),
    percentage: rule.rolloutPercentage ?? 100,
    salt: `${key}:${rule.id}`,
  }));

  const rollout = (
    path: string,
    percentage: number,
    salt: string,
    subject: string | undefined,
  ): ExplainStep => {
    const step = { path, kind: 'ROLLOUT' as const, reached: true };
    if (percentage >= 100) return { ...step, outcome: true, detail: '100%: every subject' };
    if (percentage <= 0) return { ...step, outcome: false, detail: '0%: no subject' };
    if (subject === undefined) {
      return {
        ...step,
        outcome: false,
        detail: `no stickiness value at ${paths.join(' or ')}: outside ${percentage}%`,
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
  const notReached = (path: string, detail: string): ExplainStep => ({
    path,
    kind: 'ROLLOUT',
    reached: false,
    outcome: false,
    detail,
  });

  const explain = (context: unknown): Explanation => {
    const result = evaluator.evaluate(context);
    // The leaves' memo answers for this context from here on (see shared.ts).
    beginSession();
    const subject = stickiness(context);
    const steps: ExplainStep[] = [];
    // Why the steps from here on were not reached, once something served.
    let decided = experiment ? experiment(context, subject, result, steps) : undefined;
    for (const rule of rules) {
      const rolloutPath = `${rule.path}.rolloutPercentage`;
      if (decided !== undefined) {
        const detail = decided;
        steps.push({
          path: rule.path,
          kind: 'RULE',
          reached: false,
          outcome: false,
          ruleId: rule.id,
          detail,
        });
        skipped(rule.condition, steps, detail);
        steps.push(notReached(rolloutPath, detail));
        continue;
      }
      const ruleStep: ExplainStep = {
        path: rule.path,
        kind: 'RULE',
        reached: true,
        outcome: false,
        ruleId: rule.id,
      };
      steps.push(ruleStep);
      if (!explainPlan(rule.condition, context, steps)) {
        steps.push(notReached(rolloutPath, 'not reached: the condition is false'));
        continue;
      }
      const inRollout = rollout(rolloutPath, rule.percentage, rule.salt, subject);
      steps.push(inRollout);
      if (inRollout.outcome) {
        ruleStep.outcome = true;
        ruleStep.detail = "serves this rule's value";
        decided = `not reached: rule ${rule.id} served`;
      }
    }
    steps.push(
      decided === undefined
        ? rollout('rolloutPercentage', state.rolloutPercentage, key, subject)
        : notReached('rolloutPercentage', decided),
    );
    return { result, steps };
  };
  return { explain };
}

/** `compileExplainer` for one context. */
export function explainConfig(stored: StoredConfig, context: unknown): Explanation {
  return compileExplainer(stored).explain(context);
}
