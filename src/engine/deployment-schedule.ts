import { DEPLOYMENT_STRATEGIES, DeploymentStrategy, ValidationIssue } from './config-state';
import { DeploymentPlan, DeploymentStep } from './deployment-state';
import { isPlainObject, Issues } from './validate/issues';

/**
 * A deployment's schedule, computed once when it starts and stored (docs/deployments.md,
 * "Schedules"). Percentages are worked in hundredths (whole buckets), so no step drifts.
 */

/** A schedule has at most this many steps. */
export const MAX_DEPLOYMENT_STEPS = 100;
/** The longest wait between two steps: 30 days. */
export const MAX_STEP_SECONDS = 30 * 24 * 60 * 60;

/** Each strategy's parameters when the plan leaves them out. */
export const DEPLOYMENT_DEFAULTS: Readonly<
  Record<DeploymentStrategy, Readonly<Record<string, number>>>
> = {
  immediate: {},
  canary: { canaryPercentage: 5, holdMinutes: 30 },
  linear: { stepPercentage: 10, intervalMinutes: 15 },
  exponential: { initialPercentage: 1, factor: 2, intervalMinutes: 10 },
};

/**
 * The parameters each strategy takes. Within a group of alternatives at most one may be given:
 * the wait in minutes or in seconds; the shape (canary percentage, step, initial and factor)
 * or an explicit `percentages` list.
 */
export const DEPLOYMENT_PARAMETERS: Readonly<Record<DeploymentStrategy, readonly string[]>> = {
  immediate: [],
  canary: ['canaryPercentage', 'percentages', 'holdMinutes', 'holdSeconds'],
  linear: ['stepPercentage', 'percentages', 'intervalMinutes', 'intervalSeconds'],
  exponential: ['initialPercentage', 'factor', 'percentages', 'intervalMinutes', 'intervalSeconds'],
};

const HUNDREDTHS = 100 * 100;

type Parameters = Record<string, unknown>;

/** Reads a plan's parameters, recording each problem under `parameters.<name>`. */
class ParameterReader {
  constructor(
    private readonly parameters: Parameters,
    private readonly issues: Issues,
  ) {}

  private add(name: string, rule: string, message: string): undefined {
    this.issues.add(`parameters.${name}`, rule, message);
    return undefined;
  }

  given(name: string): boolean {
    return Object.hasOwn(this.parameters, name);
  }

  /** The first of `names` given, refusing the others; undefined when none is. */
  oneOf(...names: string[]): string | undefined {
    const given = names.filter((name) => this.given(name));
    for (const name of given.slice(1)) {
      this.add(
        name,
        'exclusive',
        `cannot be given with ${given[0]}: give one of ${names.join(', ')}`,
      );
    }
    return given[0];
  }

  /** A finite number, or undefined (an issue recorded) when the value is not one. */
  private number(name: string, value: unknown): number | undefined {
    if (typeof value !== 'number') return this.add(name, 'type', 'must be a number');
    if (!Number.isFinite(value)) return this.add(name, 'range', 'must be a finite number');
    return value;
  }

  /** A percentage in hundredths: above `min` (exclusive) up to `max`, at most two decimals. */
  hundredths(name: string, value: unknown, max = 100): number | undefined {
    const n = this.number(name, value);
    if (n === undefined) return undefined;
    if (n <= 0 || n > max) {
      const upTo = max === 100 ? 'up to 100' : `below 100`;
      return this.add(name, 'range', `must be greater than 0 and ${upTo} (percent)`);
    }
    if (Math.round(n * 100) / 100 !== n) {
      return this.add(name, 'decimals', 'must have at most two decimals');
    }
    return Math.round(n * 100);
  }

  /** The percentage `name` (its default when not given), in hundredths. */
  percentage(name: string, fallback: number, max = 100): number | undefined {
    return this.given(name) ? this.hundredths(name, this.parameters[name], max) : fallback * 100;
  }

  /** The growth factor `name`: a finite number above 1. */
  factor(name: string, fallback: number): number | undefined {
    if (!this.given(name)) return fallback;
    const n = this.number(name, this.parameters[name]);
    if (n === undefined) return undefined;
    return n > 1 ? n : this.add(name, 'range', 'must be greater than 1');
  }

  /**
   * The wait given as `<base>Minutes` or `<base>Seconds` (the default minutes when neither),
   * in whole seconds from 1 s to 30 days.
   */
  seconds(base: string, fallbackMinutes: number): number | undefined {
    const name = this.oneOf(`${base}Minutes`, `${base}Seconds`);
    if (name === undefined) return fallbackMinutes * 60;
    const n = this.number(name, this.parameters[name]);
    if (n === undefined) return undefined;
    const inMinutes = name.endsWith('Minutes');
    const seconds = inMinutes ? n * 60 : n;
    const whole = Math.round(seconds);
    if (seconds <= 0) return this.add(name, 'range', 'must be greater than 0');
    // 0.1 minutes is 6.000000000000001 seconds in binary floating point.
    if (Math.abs(seconds - whole) > 1e-9 || whole < 1) {
      const unit = inMinutes ? ' (minutes × 60)' : '';
      return this.add(name, 'wholeSeconds', `must be a whole number of seconds${unit}, at least 1`);
    }
    if (whole > MAX_STEP_SECONDS) {
      const most = inMinutes ? `${MAX_STEP_SECONDS / 60} minutes` : `${MAX_STEP_SECONDS} seconds`;
      return this.add(name, 'range', `must be at most ${most} (30 days)`);
    }
    return whole;
  }

  /** The explicit `percentages`: 1-100 of them, strictly increasing, the last 100. */
  list(name: string): number[] | undefined {
    const value = this.parameters[name];
    if (!Array.isArray(value) || value.length === 0) {
      return this.add(name, 'type', 'must be a non-empty list of percentages');
    }
    if (value.length > MAX_DEPLOYMENT_STEPS) {
      return this.add(name, 'maxSteps', `must have at most ${MAX_DEPLOYMENT_STEPS} steps`);
    }
    const list: number[] = [];
    let valid = true;
    value.forEach((item, i) => {
      const h = this.hundredths(`${name}[${i}]`, item);
      if (h === undefined) valid = false;
      else if (list.length > 0 && h <= list[list.length - 1]) {
        this.add(`${name}[${i}]`, 'increasing', 'must be greater than the percentage before it');
        valid = false;
      }
      if (h !== undefined) list.push(h);
    });
    if (!valid) return undefined;
    if (list[list.length - 1] !== HUNDREDTHS) {
      const last = `${name}[${list.length - 1}]`;
      return this.add(
        last,
        'endsAt100',
        'the last percentage must be 100: a deployment completes there',
      );
    }
    return list;
  }

  unknown(strategy: DeploymentStrategy): void {
    const known = DEPLOYMENT_PARAMETERS[strategy];
    for (const name of Object.keys(this.parameters)) {
      if (known.includes(name)) continue;
      const takes = known.length === 0 ? 'takes no parameters' : `takes ${known.join(', ')}`;
      this.add(name, 'unknownParameter', `is not a parameter of ${strategy}: it ${takes}`);
    }
  }

  tooMany(name: string, count: string): undefined {
    return this.add(
      name,
      'maxSteps',
      `gives ${count} steps: a deployment has at most ${MAX_DEPLOYMENT_STEPS}`,
    );
  }

  /** `name` given with parameters it replaces. */
  clash(name: string, others: readonly string[]): undefined {
    return this.add(
      name,
      'exclusive',
      `cannot be given with ${others.join(' and ')}: give the list or the shape, not both`,
    );
  }
}

/** `step`, 2 × step, … up to 100 (the last step 100 whatever the step divides). */
function linearSteps(step: number): number[] {
  const count = Math.ceil(HUNDREDTHS / step);
  return Array.from({ length: count }, (_, i) => Math.min((i + 1) * step, HUNDREDTHS));
}

/**
 * `initial`, then each step the previous times `factor` rounded to hundredths (at least one
 * more), until 100; at most `limit` + 1 steps are computed, to tell the caller there are too many.
 */
function exponentialSteps(initial: number, factor: number, limit: number): number[] {
  const steps = [initial];
  while (steps[steps.length - 1] < HUNDREDTHS && steps.length <= limit) {
    const previous = steps[steps.length - 1];
    steps.push(Math.min(Math.max(Math.round(previous * factor), previous + 1), HUNDREDTHS));
  }
  return steps;
}

/** The parameters that shape each strategy's percentages, when no explicit list is given. */
const SHAPE: Readonly<Record<DeploymentStrategy, readonly string[]>> = {
  immediate: [],
  canary: ['canaryPercentage'],
  linear: ['stepPercentage'],
  exponential: ['initialPercentage', 'factor'],
};

/** The percentages (in hundredths) a strategy's parameters give, or undefined (issues added). */
function percentagesOf(strategy: DeploymentStrategy, read: ParameterReader): number[] | undefined {
  const defaults = DEPLOYMENT_DEFAULTS[strategy];
  if (strategy === 'immediate') return [HUNDREDTHS];
  if (read.given('percentages')) {
    const list = read.list('percentages');
    const clash = SHAPE[strategy].filter((name) => read.given(name));
    return clash.length > 0 ? read.clash('percentages', clash) : list;
  }
  if (strategy === 'canary') {
    const canary = read.percentage('canaryPercentage', defaults.canaryPercentage, 99.99);
    return canary === undefined ? undefined : [canary, HUNDREDTHS];
  }
  if (strategy === 'linear') {
    const step = read.percentage('stepPercentage', defaults.stepPercentage);
    if (step === undefined) return undefined;
    const count = Math.ceil(HUNDREDTHS / step);
    if (count > MAX_DEPLOYMENT_STEPS) return read.tooMany('stepPercentage', `${count}`);
    return linearSteps(step);
  }
  const initial = read.percentage('initialPercentage', defaults.initialPercentage);
  const factor = read.factor('factor', defaults.factor);
  if (initial === undefined || factor === undefined) return undefined;
  const steps = exponentialSteps(initial, factor, MAX_DEPLOYMENT_STEPS);
  if (steps.length <= MAX_DEPLOYMENT_STEPS) return steps;
  return read.tooMany(
    read.given('factor') ? 'factor' : 'initialPercentage',
    `more than ${MAX_DEPLOYMENT_STEPS}`,
  );
}

/**
 * The steps of a plan, or every problem with it (paths relative to the plan:
 * `parameters.percentages[2]`). Defaults: immediate `[100%]`; canary `[5%, hold 30 min,
 * 100%]`; linear `+10%` every 15 minutes; exponential `1, 2, 4, … 64, 100%` every 10 minutes.
 * Each step waits its strategy's interval (canary: the hold) before the next; the last waits 0.
 */
export function planDeployment(
  plan: DeploymentPlan,
): { steps: DeploymentStep[] } | { issues: ValidationIssue[] } {
  const issues = new Issues();
  const strategy = isPlainObject(plan) ? plan.strategy : undefined;
  if (!DEPLOYMENT_STRATEGIES.includes(strategy as DeploymentStrategy)) {
    issues.add('strategy', 'type', `must be one of ${DEPLOYMENT_STRATEGIES.join(', ')}`);
  }
  const parameters = isPlainObject(plan) ? (plan.parameters ?? {}) : undefined;
  if (!isPlainObject(parameters)) issues.add('parameters', 'type', 'must be an object');
  if (issues.size > 0) return { issues: issues.result() };
  const known = strategy as DeploymentStrategy;
  const params = parameters as Parameters;
  const read = new ParameterReader(params, issues);
  read.unknown(known);
  const percentages = percentagesOf(known, read);
  const defaults = DEPLOYMENT_DEFAULTS[known];
  const wait =
    known === 'immediate'
      ? 0
      : known === 'canary'
        ? read.seconds('hold', defaults.holdMinutes)
        : read.seconds('interval', defaults.intervalMinutes);
  if (issues.size > 0 || percentages === undefined || wait === undefined) {
    return { issues: issues.result() };
  }
  return {
    steps: percentages.map((hundredths, i) => ({
      percentage: hundredths / 100,
      holdSeconds: i === percentages.length - 1 ? 0 : wait,
    })),
  };
}

/** One step of a schedule on its timeline. */
export interface TimelineEntry {
  /** The step's index in the schedule. */
  step: number;
  percentage: number;
  /** Seconds from the deployment's start (its first step) to this step. */
  offsetSeconds: number;
}

/**
 * The schedule as a timeline, for the console's preview and the docs: when each step is due,
 * counted from the start. The last entry's offset is when the deployment completes, if it is
 * neither paused nor advanced by hand.
 */
export function deploymentTimeline(steps: readonly DeploymentStep[]): TimelineEntry[] {
  let offsetSeconds = 0;
  return steps.map((step, i) => {
    const entry = { step: i, percentage: step.percentage, offsetSeconds };
    offsetSeconds += step.holdSeconds;
    return entry;
  });
}
