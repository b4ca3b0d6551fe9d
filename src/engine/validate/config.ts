import {
  ConfigState,
  DEPLOYMENT_STRATEGIES,
  ValidationIssue,
  VALUE_TYPES,
  ValueConstraints,
  ValueType,
} from '../config-state';
import { planDeployment } from '../deployment-schedule';
import { checkConstraints } from './constraints';
import { attributePathProblem, isPercentage, isPlainObject, Issues } from './issues';
import { checkCondition, checkTargetingRules } from './targeting';
import { checkValue } from './value';

export const CONFIG_KEY = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const MAX_DESCRIPTION = 2000;
const MAX_DEPLOYMENT_CONFIG_BYTES = 16 * 1024;

function constraintsOf(state: ConfigState): ValueConstraints {
  return {
    minValue: state.minValue ?? null,
    maxValue: state.maxValue ?? null,
    minLength: state.minLength ?? null,
    maxLength: state.maxLength ?? null,
    pattern: state.pattern ?? null,
    allowedValues: state.allowedValues ?? null,
    validationSchema: state.validationSchema ?? null,
  };
}

/**
 * Every check a config must pass before it is saved, all problems at once: key and
 * description, type, the constraints themselves, value and default value against them,
 * the targeting rules (structure, limits, values), rollout, stickiness and deployment defaults.
 */
export function validateConfigState(state: ConfigState): ValidationIssue[] {
  const issues = new Issues();
  if (typeof state.key !== 'string' || !CONFIG_KEY.test(state.key)) {
    issues.add(
      'key',
      'key',
      'must be 1-128 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  if (typeof state.description !== 'string' || state.description.length > MAX_DESCRIPTION) {
    issues.add(
      'description',
      'maxLength',
      `must be a string of at most ${MAX_DESCRIPTION} characters`,
    );
  }
  if (!VALUE_TYPES.includes(state.valueType)) {
    issues.add('valueType', 'type', `must be one of ${VALUE_TYPES.join(', ')}`);
    return issues.result();
  }
  checkConfigValues(issues, state.valueType, constraintsOf(state), state);
  if (!isPercentage(state.rolloutPercentage)) {
    issues.add(
      'rolloutPercentage',
      'rolloutPercentage',
      'must be a number from 0 to 100 with at most two decimals',
    );
  }
  const stickinessProblem =
    state.stickiness === null
      ? undefined
      : attributePathProblem(state.stickiness, 'must be a dotted attribute path such as user.id');
  if (stickinessProblem) issues.add('stickiness', 'attribute', stickinessProblem);
  if (!DEPLOYMENT_STRATEGIES.includes(state.deploymentStrategy)) {
    issues.add('deploymentStrategy', 'type', `must be one of ${DEPLOYMENT_STRATEGIES.join(', ')}`);
  }
  if (
    !isPlainObject(state.deploymentConfig) ||
    JSON.stringify(state.deploymentConfig).length > MAX_DEPLOYMENT_CONFIG_BYTES
  ) {
    issues.add(
      'deploymentConfig',
      'type',
      `must be an object of at most ${MAX_DEPLOYMENT_CONFIG_BYTES / 1024} KB`,
    );
  } else if (DEPLOYMENT_STRATEGIES.includes(state.deploymentStrategy)) {
    // The defaults a deployment starts with must plan, or the start would fail later.
    const planned = planDeployment({
      strategy: state.deploymentStrategy,
      parameters: state.deploymentConfig,
    });
    if ('issues' in planned) {
      for (const issue of planned.issues) {
        issues.add(
          issue.path.replace(/^parameters/, 'deploymentConfig'),
          issue.rule,
          issue.message,
        );
      }
    }
  }
  return issues.result();
}

function checkConfigValues(
  issues: Issues,
  type: ValueType,
  constraints: ValueConstraints,
  state: Pick<ConfigState, 'value' | 'defaultValue' | 'targetingRules'>,
): void {
  const usable = checkConstraints(issues, type, constraints);
  checkValue(issues, state.value, type, usable, 'value');
  checkValue(issues, state.defaultValue, type, usable, 'defaultValue');
  checkTargetingRules(issues, state.targetingRules, type, usable);
}

/**
 * One value against a config's type and constraints, for the writers that carry values of
 * their own (experiment variants, deployment candidates).
 */
export function validateValue(
  value: unknown,
  type: ValueType,
  constraints: ValueConstraints,
  path: string,
): ValidationIssue[] {
  const issues = new Issues();
  checkValue(issues, value, type, constraints, path);
  return issues.result();
}

/** A condition tree of a writer other than a targeting rule (an experiment's targeting). */
export function validateCondition(condition: unknown, path: string): ValidationIssue[] {
  const issues = new Issues();
  checkCondition(issues, condition, path);
  return issues.result();
}
