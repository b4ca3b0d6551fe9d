import { ValidationIssue, ValueConstraints, ValueType } from '../../engine/config-state';
import { ASSIGNMENT_TYPES } from '../../engine/experiment-state';
import { CONFIG_KEY, validateCondition, validateValue } from '../../engine/validate';
import { isPercentage, isPlainObject } from '../../engine/validate/issues';

/** Bounds of an experiment (docs/experiments.md). */
export const EXPERIMENT_LIMITS = {
  minVariants: 2,
  maxVariants: 10,
  maxSecondaryMetrics: 10,
  maxName: 200,
  maxHypothesis: 2000,
};

/** A variant key: letters, digits, "_" or "-", up to 64. */
export const VARIANT_KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** An event name: 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit. */
export const EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const METRIC_KINDS = ['conversion', 'numeric'];

/** An experiment's fields as stored (after defaults), before any check. */
export interface ExperimentFields {
  key: string;
  name: string;
  hypothesis: string;
  variants: unknown;
  trafficPercentage: unknown;
  assignment: unknown;
  targeting: unknown;
  primaryMetric: unknown;
  secondaryMetrics: unknown;
  sequentialTuning: unknown;
}

/** The config the variants' values are checked against. */
export interface ExperimentTarget {
  valueType: ValueType;
  constraints: ValueConstraints;
}

/** Every problem of an experiment at once, with paths from the input (e.g. `variants[1].weight`). */
export function validateExperiment(
  fields: ExperimentFields,
  target: ExperimentTarget,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, rule: string, message: string) => issues.push({ path, rule, message });
  if (!CONFIG_KEY.test(fields.key)) {
    add(
      'key',
      'key',
      'must be 1-128 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  if (fields.name.trim() === '' || fields.name.length > EXPERIMENT_LIMITS.maxName) {
    add('name', 'length', `must be 1-${EXPERIMENT_LIMITS.maxName} characters, not blank`);
  }
  if (fields.hypothesis.length > EXPERIMENT_LIMITS.maxHypothesis) {
    add('hypothesis', 'maxLength', `must be at most ${EXPERIMENT_LIMITS.maxHypothesis} characters`);
  }
  checkVariants(fields.variants, target, add, issues);
  if (!isPercentage(fields.trafficPercentage) || fields.trafficPercentage < 0.01) {
    add(
      'trafficPercentage',
      'percentage',
      'must be a number from 0.01 to 100 with at most two decimals',
    );
  }
  if (!ASSIGNMENT_TYPES.includes(fields.assignment as never)) {
    add('assignment', 'type', `must be one of ${ASSIGNMENT_TYPES.join(', ')}`);
  } else if (fields.assignment === 'targeting') {
    if (fields.targeting === null || fields.targeting === undefined) {
      add('targeting', 'required', 'a targeting experiment needs a condition');
    } else {
      issues.push(...validateCondition(fields.targeting, 'targeting'));
    }
  } else if (fields.targeting !== null && fields.targeting !== undefined) {
    add('targeting', 'unexpected', 'only a TARGETING experiment takes a condition');
  }
  checkMetric(fields.primaryMetric, 'primaryMetric', add);
  if (!Array.isArray(fields.secondaryMetrics)) {
    add('secondaryMetrics', 'type', 'must be a list');
  } else if (fields.secondaryMetrics.length > EXPERIMENT_LIMITS.maxSecondaryMetrics) {
    add(
      'secondaryMetrics',
      'maxItems',
      `at most ${EXPERIMENT_LIMITS.maxSecondaryMetrics} secondary and guardrail metrics`,
    );
  } else {
    fields.secondaryMetrics.forEach((metric, i) =>
      checkMetric(metric, `secondaryMetrics[${i}]`, add),
    );
  }
  const tuning = fields.sequentialTuning;
  if (typeof tuning !== 'number' || !Number.isFinite(tuning) || tuning <= 0 || tuning > 1e12) {
    add('sequentialTuning', 'range', 'must be a positive number (default 5,000)');
  }
  return issues;
}

function checkVariants(
  variants: unknown,
  target: ExperimentTarget,
  add: (path: string, rule: string, message: string) => void,
  issues: ValidationIssue[],
): void {
  const { minVariants, maxVariants } = EXPERIMENT_LIMITS;
  if (!Array.isArray(variants) || variants.length < minVariants || variants.length > maxVariants) {
    add('variants', 'count', `must be ${minVariants} to ${maxVariants} variants`);
    return;
  }
  const keys = new Set<string>();
  let buckets = 0;
  let weightsValid = true;
  let controls = 0;
  variants.forEach((variant: unknown, i) => {
    const path = `variants[${i}]`;
    if (!isPlainObject(variant)) {
      add(path, 'type', 'must be a variant {key, name, value, weight, control}');
      return;
    }
    const { key, name, weight, control, value } = variant;
    if (typeof key !== 'string' || !VARIANT_KEY.test(key)) {
      add(`${path}.key`, 'key', 'must be 1-64 letters, digits, "_" or "-"');
    } else if (keys.has(key)) {
      add(`${path}.key`, 'unique', `repeats the key "${key}" of an earlier variant`);
    } else {
      keys.add(key);
    }
    if (typeof name !== 'string' || name.trim() === '' || name.length > EXPERIMENT_LIMITS.maxName) {
      add(`${path}.name`, 'length', `must be 1-${EXPERIMENT_LIMITS.maxName} characters, not blank`);
    }
    if (!isPercentage(weight) || weight <= 0) {
      weightsValid = false;
      add(
        `${path}.weight`,
        'weight',
        'must be a number above 0, up to 100, with at most two decimals',
      );
    } else {
      buckets += Math.round(weight * 100);
    }
    if (control === true) controls += 1;
    issues.push(...validateValue(value, target.valueType, target.constraints, `${path}.value`));
  });
  if (weightsValid && buckets !== 10_000) {
    add('variants', 'weightSum', `the weights must sum to 100 (they sum to ${buckets / 100})`);
  }
  if (controls !== 1) {
    add('variants', 'control', `exactly one variant must be the control (found ${controls})`);
  }
}

function checkMetric(
  metric: unknown,
  path: string,
  add: (path: string, rule: string, message: string) => void,
): void {
  if (!isPlainObject(metric)) {
    add(path, 'required', 'must be a metric {event, kind}');
    return;
  }
  if (typeof metric.event !== 'string' || !EVENT_NAME.test(metric.event)) {
    add(
      `${path}.event`,
      'eventName',
      'must be 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    );
  }
  if (!METRIC_KINDS.includes(metric.kind as string)) {
    add(`${path}.kind`, 'type', `must be one of ${METRIC_KINDS.join(', ')}`);
  }
}
