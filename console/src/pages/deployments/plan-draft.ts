import type { FieldError } from '../../api/errors';
import type { DeploymentStrategy } from '../../api/gql/graphql';
import type { DeploymentStrategy as EngineStrategy } from '../../../../src/engine/config-state';
import {
  DEPLOYMENT_DEFAULTS,
  DEPLOYMENT_PARAMETERS,
  deploymentTimeline,
  planDeployment,
  type TimelineEntry,
} from '../../../../src/engine/deployment-schedule';

/**
 * The strategy selector's form: what the person typed, turned into `startDeployment`'s
 * `parameters`, and the schedule those give computed by the server's own code
 * (`planDeployment` in src/engine/deployment-schedule.ts), so the preview is what starts.
 */

export const STRATEGIES: readonly DeploymentStrategy[] = [
  'IMMEDIATE',
  'CANARY',
  'LINEAR',
  'EXPONENTIAL',
];

export const STRATEGY_LABELS: Record<DeploymentStrategy, string> = {
  IMMEDIATE: 'Immediate',
  CANARY: 'Canary',
  LINEAR: 'Linear',
  EXPONENTIAL: 'Exponential',
};

export type WaitUnit = 'seconds' | 'minutes';

/** A number input's value: a number, or the text typed when it is not one ('' when empty). */
export type NumberField = number | string;

export interface PlanDraft {
  strategy: DeploymentStrategy;
  /** The shape parameters (canaryPercentage, stepPercentage, initialPercentage, factor). */
  shape: Record<string, NumberField>;
  /** An explicit list of percentages as typed ("1, 5, 25, 100"); empty: the shape is used. */
  percentages: string;
  /** The wait between steps (canary: the hold), in `waitUnit`. */
  wait: NumberField;
  waitUnit: WaitUnit;
}

/** The defaults a config gives its changes: its strategy and that strategy's parameters. */
export interface ConfigDeploymentDefaults {
  deploymentStrategy: DeploymentStrategy;
  deploymentConfig: unknown;
}

export const engineStrategy = (strategy: DeploymentStrategy) =>
  strategy.toLowerCase() as EngineStrategy;

const parametersOf = (strategy: DeploymentStrategy) =>
  DEPLOYMENT_PARAMETERS[engineStrategy(strategy)];

const isWait = (name: string) => /(Minutes|Seconds)$/.test(name);

/** The parameters that shape a strategy's percentages (none for immediate). */
export function shapeParameters(strategy: DeploymentStrategy): string[] {
  return parametersOf(strategy).filter((name) => name !== 'percentages' && !isWait(name));
}

/** `hold` (canary) or `interval`: the wait's parameter without its unit; null for immediate. */
export function waitBase(strategy: DeploymentStrategy): string | null {
  const minutes = parametersOf(strategy).find((name) => name.endsWith('Minutes'));
  return minutes ? minutes.slice(0, -'Minutes'.length) : null;
}

/** Whether the strategy takes an explicit list of percentages instead of its shape. */
export function takesList(strategy: DeploymentStrategy): boolean {
  return parametersOf(strategy).includes('percentages');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const asField = (value: unknown, fallback: NumberField): NumberField =>
  typeof value === 'number' || typeof value === 'string' ? value : fallback;

/**
 * The form for `strategy`: the config's `deploymentConfig` when it is the config's strategy
 * (as the server defaults it), else the strategy's documented defaults.
 */
export function initialPlanDraft(
  strategy: DeploymentStrategy,
  config: ConfigDeploymentDefaults,
): PlanDraft {
  const given =
    strategy === config.deploymentStrategy && isRecord(config.deploymentConfig)
      ? config.deploymentConfig
      : {};
  const defaults = DEPLOYMENT_DEFAULTS[engineStrategy(strategy)];
  const percentages = Array.isArray(given.percentages) ? given.percentages.join(', ') : '';
  const shape = Object.fromEntries(
    shapeParameters(strategy).map((name) => [
      name,
      // A list replaces the shape: the server refuses both at once.
      percentages ? '' : asField(given[name], defaults[name] ?? ''),
    ]),
  );
  const base = waitBase(strategy);
  if (base === null) return { strategy, shape, percentages, wait: '', waitUnit: 'minutes' };
  if (given[`${base}Seconds`] !== undefined) {
    return {
      strategy,
      shape,
      percentages,
      wait: asField(given[`${base}Seconds`], ''),
      waitUnit: 'seconds',
    };
  }
  const minutes = asField(given[`${base}Minutes`], defaults[`${base}Minutes`] ?? '');
  return { strategy, shape, percentages, wait: minutes, waitUnit: 'minutes' };
}

/** "1, 5, 25%, 100" as numbers; an item that is not a number stays text, for the server to name. */
export function parsePercentages(text: string): (number | string)[] {
  return text
    .split(',')
    .map((item) => item.trim().replace(/%$/, '').trim())
    .filter((item) => item !== '')
    .map((item) => (Number.isFinite(Number(item)) ? Number(item) : item));
}

/** `startDeployment`'s `parameters`: the fields filled in (an empty one takes its default). */
export function toParameters(draft: PlanDraft): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  if (takesList(draft.strategy) && draft.percentages.trim() !== '') {
    parameters.percentages = parsePercentages(draft.percentages);
  } else {
    for (const name of shapeParameters(draft.strategy)) {
      const value = draft.shape[name];
      if (value !== undefined && value !== '') parameters[name] = value;
    }
  }
  const base = waitBase(draft.strategy);
  if (base !== null && draft.wait !== '') {
    parameters[`${base}${draft.waitUnit === 'seconds' ? 'Seconds' : 'Minutes'}`] = draft.wait;
  }
  return parameters;
}

export type SchedulePreview =
  | { timeline: TimelineEntry[]; issues?: undefined }
  | { timeline?: undefined; issues: FieldError[] };

/** The schedule the server would compute for this form, or every problem with it. */
export function previewSchedule(draft: PlanDraft): SchedulePreview {
  const plan = planDeployment({
    strategy: engineStrategy(draft.strategy),
    parameters: toParameters(draft),
  });
  return 'issues' in plan ? { issues: plan.issues } : { timeline: deploymentTimeline(plan.steps) };
}

/** The form's fields that a problem can be shown at. */
export type PlanField = 'strategy' | 'percentages' | 'wait' | string;

/**
 * A start's problems split between the plan's fields (`parameters.intervalSeconds` at the
 * wait, `parameters.percentages[2]` at the list as "step 3: …", `strategy`) and the
 * candidate's (`candidate.value` → `value`, for the editor's own fields). A problem no field
 * shows is under `''`.
 */
export function splitStartErrors(errors: readonly FieldError[]): {
  plan: Record<PlanField, string[]>;
  candidate: FieldError[];
} {
  const plan: Record<string, string[]> = {};
  const candidate: FieldError[] = [];
  for (const error of errors) {
    const path = error.path.replace(/^input\./, '');
    if (path.startsWith('candidate.')) {
      candidate.push({ ...error, path: path.slice('candidate.'.length) });
      continue;
    }
    const parameter = /^parameters\.([A-Za-z]+)(?:\[(\d+)\])?/.exec(path);
    let field = '';
    let message = error.message;
    if (path === 'strategy') field = 'strategy';
    else if (parameter && isWait(parameter[1])) field = 'wait';
    else if (parameter) {
      field = parameter[1];
      if (parameter[2] !== undefined) message = `step ${Number(parameter[2]) + 1}: ${message}`;
    } else message = `${path}: ${message}`;
    (plan[field] ??= []).push(message);
  }
  return { plan, candidate };
}
