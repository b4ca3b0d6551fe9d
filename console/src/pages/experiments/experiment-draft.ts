import type { FieldError } from '../../api/errors';
import type {
  ExperimentAssignmentType,
  ExperimentFieldsFragment,
  MetricKind,
} from '../../api/gql/graphql';
import { errorsByField } from '../config-editor/draft';
import { placeErrors } from '../config-editor/rules/rule-errors';
import {
  conditionToApi,
  rulesFromApi,
  UnsupportedRules,
  type ConditionNode,
} from '../config-editor/rules/rule-tree';
import { splitEvenly } from './weights';

export interface VariantDraft {
  key: string;
  name: string;
  value: unknown;
  weight: number;
  control: boolean;
}

export interface MetricDraft {
  event: string;
  kind: MetricKind;
}

export interface ExperimentDraft {
  key: string;
  name: string;
  hypothesis: string;
  configKey: string;
  variants: VariantDraft[];
  trafficPercentage: number;
  assignment: ExperimentAssignmentType;
  targeting: ConditionNode | null;
  primaryMetric: MetricDraft;
  secondaryMetrics: MetricDraft[];
  sequential: boolean;
  sequentialTuning: number;
}

/** A new experiment: control and treatment, both serving the config's current value, 50/50. */
export function newDraft(configKey = ''): ExperimentDraft {
  const [a, b] = splitEvenly(2);
  return {
    key: '',
    name: '',
    hypothesis: '',
    configKey,
    variants: [
      { key: 'control', name: 'Control', value: null, weight: a, control: true },
      { key: 'treatment', name: 'Treatment', value: null, weight: b, control: false },
    ],
    trafficPercentage: 100,
    assignment: 'CONSISTENT',
    targeting: null,
    primaryMetric: { event: '', kind: 'CONVERSION' },
    secondaryMetrics: [],
    sequential: false,
    sequentialTuning: 5000,
  };
}

/** The rule builder's tree for a stored condition; null when there is none or it cannot show it. */
export function conditionFromApi(targeting: unknown): ConditionNode | null {
  if (targeting === null || targeting === undefined) return null;
  try {
    return rulesFromApi([{ condition: targeting }])[0].condition;
  } catch (error) {
    if (error instanceof UnsupportedRules) return null;
    throw error;
  }
}

const metricDraft = ({ event, kind }: MetricDraft): MetricDraft => ({ event, kind });

export function draftFromExperiment(e: ExperimentFieldsFragment): ExperimentDraft {
  return {
    key: e.key,
    name: e.name,
    hypothesis: e.hypothesis,
    configKey: e.configKey,
    // Field by field: the cache adds __typename, which the inputs do not take.
    variants: e.variants.map(({ key, name, value, weight, control }) => ({
      key,
      name,
      value,
      weight,
      control,
    })),
    trafficPercentage: e.trafficPercentage,
    assignment: e.assignment,
    targeting: conditionFromApi(e.targeting),
    primaryMetric: metricDraft(e.primaryMetric),
    secondaryMetrics: e.secondaryMetrics.map(metricDraft),
    sequential: e.sequential,
    sequentialTuning: e.sequentialTuning,
  };
}

/** The create/update input's fields (without environment; update leaves out the config). */
export function draftToInput(draft: ExperimentDraft): Record<string, unknown> {
  return {
    key: draft.key.trim(),
    name: draft.name.trim() || draft.key.trim(),
    hypothesis: draft.hypothesis,
    variants: draft.variants.map((v) => ({ ...v, name: v.name.trim() || v.key })),
    trafficPercentage: draft.trafficPercentage,
    assignment: draft.assignment,
    targeting:
      draft.assignment === 'TARGETING' && draft.targeting ? conditionToApi(draft.targeting) : null,
    primaryMetric: draft.primaryMetric,
    secondaryMetrics: draft.secondaryMetrics,
    sequential: draft.sequential,
    sequentialTuning: draft.sequentialTuning,
  };
}

/** Where the rule builder's condition sits for placeErrors: one rule's condition. */
export const TARGETING_SLOT = 'targetingRules[0].condition';

export interface PlacedExperimentErrors {
  /** Messages by top-level field (`name`, `variants`, `primaryMetric`, …). */
  fields: Record<string, string>;
  /** Messages by variant index, then its field (`key`, `weight`, `value`, …). */
  variants: Record<number, Record<string, string>>;
  /** Messages by the rule builder's paths for the targeting condition. */
  targeting: Record<string, string>;
}

/**
 * Each server validation error at the field its path names, with the config editor's
 * mapping: `variants[1].weight` at that variant's weight, `targeting.all[0].attribute` at that
 * condition's input, anything else at its top-level field.
 */
export function placeExperimentErrors(
  errors: readonly FieldError[],
  targeting: ConditionNode | null,
): PlacedExperimentErrors {
  const placed: PlacedExperimentErrors = { fields: {}, variants: {}, targeting: {} };
  const rest: FieldError[] = [];
  const byVariant: Record<number, FieldError[]> = {};
  const targetingErrors: FieldError[] = [];
  for (const error of errors) {
    const path = error.path.replace(/^input\./, '');
    const variant = /^variants\[(\d+)\]\.?(.*)$/.exec(path);
    if (variant) (byVariant[Number(variant[1])] ??= []).push({ ...error, path: variant[2] });
    else if (/^targeting\b/.test(path) && targeting)
      targetingErrors.push({ ...error, path: path.replace(/^targeting/, TARGETING_SLOT) });
    else rest.push(error);
  }
  const join = (byField: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(byField).map(([f, m]) => [f, m.join('; ')]));
  placed.fields = join(errorsByField(rest));
  for (const [i, list] of Object.entries(byVariant)) {
    placed.variants[Number(i)] = join(errorsByField(list));
  }
  if (targeting) {
    const inTree = placeErrors(
      [{ key: 'targeting', fields: {}, condition: targeting }],
      targetingErrors,
    );
    placed.targeting = join(inTree.at);
    if (inTree.unplaced.length) placed.fields.targeting = inTree.unplaced.join('; ');
  }
  return placed;
}
