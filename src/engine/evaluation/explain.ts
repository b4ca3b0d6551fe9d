import { bucketOf, BUCKETS, isInPercentage } from '../bucketing';
import { Condition, ConfigState } from '../config-state';
import { AttributeGetter, compileAttribute, isMissing } from './attribute';
import { compileConfig, deploymentSalt, StoredConfig } from './compile-config';
import { compileCondition, Predicate } from './conditions';
import { EvaluationResult } from './result';
import { trafficSalt, variantBounds, variantSalt } from './experiment';
import { RunningExperiment } from '../experiment-state';
import { ActiveDeployment } from '../deployment-state';
import { beginSession, SharedConditions } from './shared';
import { isPlainObject } from '../validate/issues';
import { compileStickiness, stickinessPaths } from './stickiness';

export type ExplainKind =
  | 'ARCHIVED'
  | 'EXPERIMENT'
  | 'VARIANT'
  | 'DEPLOYMENT'
  | 'RULE'
  | 'ALL'
  | 'ANY'
  | 'CONDITION'
  | 'ROLLOUT';

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

/** Which state an active deployment (step 4) served a subject, and why. */
export interface DeploymentExplanation {
  deploymentId: string;
  percentage: number;
  /** `candidate` or `stable`; null when a running experiment served before step 4. */
  served: 'stable' | 'candidate' | null;
  /** The subject's bucket of `salt`; null when the context has no stickiness value. */
  bucket: number | null;
  /** `<configKey>:<deploymentId>`. */
  salt: string;
}

export interface Explanation {
  result: EvaluationResult;
  steps: ExplainStep[];
  /** Present when the config has an active deployment. */
  deployment?: DeploymentExplanation;
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
 * doing any work for it. Counts a draft as written; once valid, it is the exact count. An
 * active deployment adds its own step and every step of its candidate state.
 */
export function explainStepCount(
  state: Pick<ConfigState, 'archived' | 'targetingRules'>,
  experiment?: RunningExperiment | null,
  deployment?: ActiveDeployment | null,
): number {
  if (state.archived) return 1;
  return (
    stateStepCount(state) +
    (experiment ? experimentStepCount(experiment) : 0) +
    (deployment ? 1 + stateStepCount(deployment.candidate) : 0)
  );
}

/** A state's steps: its rules (each itself, its condition and its rollout), then its rollout. */
function stateStepCount(state: Pick<ConfigState, 'archived' | 'targetingRules'>): number {
  if (state.archived) return 1;
  const rules: unknown[] = Array.isArray(state.targetingRules) ? state.targetingRules : [];
  return rules.reduce(
    (n: number, rule) => n + 2 + conditionSize(isPlainObject(rule) ? rule.condition : undefined),
    1,
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
    if (assignment === 'targeting' && !targeting) {
      skip('not reached: a targeting experiment without a condition takes no one');
      return undefined;
    }
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
 * Explains one state's rules and rollout (the config's, or a deployment's candidate, whose
 * paths start with `prefix`): pushes their steps, evaluated, or all not reached with `skip`
 * as the reason when a step before decided.
 */
type StateExplainer = (context: unknown, steps: ExplainStep[], skip?: string) => void;

function compileStateExplainer(
  key: string,
  state: ConfigState,
  prefix: string,
  shared: SharedConditions,
): StateExplainer {
  const at = (path: string) => (prefix ? `${prefix}.${path}` : path);
  if (state.archived) {
    return (_context, steps, skip) =>
      steps.push({
        path: prefix,
        kind: 'ARCHIVED',
        reached: skip === undefined,
        outcome: skip === undefined,
        detail: skip ?? 'archived: the default value, DISABLED',
      });
  }
  const paths = stickinessPaths(state.stickiness);
  const stickiness = compileStickiness(paths);
  const rules = state.targetingRules.map((rule, i) => ({
    id: rule.id,
    path: at(`targetingRules[${i}]`),
    condition: planCondition(rule.condition, at(`targetingRules[${i}].condition`), shared),
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

  return (context, steps, skip) => {
    const subject = stickiness(context);
    // Why the steps from here on were not reached, once something served.
    let decided = skip;
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
        ? rollout(at('rolloutPercentage'), state.rolloutPercentage, key, subject)
        : notReached(at('rolloutPercentage'), decided),
    );
  };
}

/**
 * Explains step 4: pushes the deployment's step and returns which state went on (the
 * evaluator's answer, read from `result`; the bucket is the reference `bucketOf`'s).
 */
function explainDeployment(
  key: string,
  deployment: ActiveDeployment,
  paths: readonly string[],
  subject: string | undefined,
  result: EvaluationResult,
  steps: ExplainStep[],
  skip: string | undefined,
): DeploymentExplanation {
  const { id, percentage } = deployment;
  const salt = deploymentSalt(key, id);
  const bucket = subject === undefined ? null : bucketOf(salt, subject);
  const candidate = result.deploymentId === id;
  const served = skip !== undefined ? null : candidate ? 'candidate' : 'stable';
  const serves = `the ${served} state serves`;
  const detail =
    skip ??
    (percentage >= 100
      ? `deployment "${id}" at 100%: ${serves} every subject`
      : percentage <= 0
        ? `deployment "${id}" at 0%: ${serves} every subject`
        : bucket === null
          ? `deployment "${id}" at ${percentage}%: no stickiness value at ${paths.join(' or ')}, ${serves}`
          : `deployment "${id}" at ${percentage}%: bucket ${bucket} of ${BUCKETS} for "${subject}" (salt "${salt}") is ${candidate ? 'inside' : 'outside'}, ${serves}`);
  steps.push({
    path: 'deployment',
    kind: 'DEPLOYMENT',
    reached: skip === undefined,
    outcome: skip === undefined && candidate,
    detail,
  });
  return { deploymentId: id, percentage, served, bucket, salt };
}

/**
 * Compiles a config to explain contexts: the result (the compiled evaluator's, so the
 * explanation cannot disagree with what is served) and the path evaluation took to it, each
 * rule, condition and rollout with its outcome, and the rest marked not reached. With an
 * active deployment, its step says which state served, and both states' steps are listed
 * (the candidate's under `deployment.candidate`), the one not serving as not reached.
 */
export function compileExplainer(stored: StoredConfig): Explainer {
  // The leaves share the evaluator's compiled tests: one compilation per distinct condition.
  const shared = new SharedConditions();
  const evaluator = compileConfig(stored, shared);
  const { key, state, deployment } = stored;
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
  const stable = compileStateExplainer(key, state, '', shared);
  const candidate =
    deployment && compileStateExplainer(key, deployment.candidate, 'deployment.candidate', shared);

  const explain = (context: unknown): Explanation => {
    const result = evaluator.evaluate(context);
    // The leaves' memo answers for this context from here on (see shared.ts).
    beginSession();
    const subject = stickiness(context);
    const steps: ExplainStep[] = [];
    const decided = experiment ? experiment(context, subject, result, steps) : undefined;
    if (!deployment || !candidate) {
      stable(context, steps, decided);
      return { result, steps };
    }
    const explained = explainDeployment(key, deployment, paths, subject, result, steps, decided);
    const { served } = explained;
    stable(
      context,
      steps,
      decided ??
        (served === 'candidate'
          ? `not reached: deployment "${deployment.id}" serves the candidate state`
          : undefined),
    );
    candidate(
      context,
      steps,
      decided ?? (served === 'stable' ? 'not reached: the stable state serves' : undefined),
    );
    return { result, steps, deployment: explained };
  };
  return { explain };
}

/** `compileExplainer` for one context. */
export function explainConfig(stored: StoredConfig, context: unknown): Explanation {
  return compileExplainer(stored).explain(context);
}
