import type { ConfigQuery, ConfigValueType, DeploymentCandidateInput } from '../../api/gql/graphql';
import type { FieldError } from '../../api/errors';
import { CONFIG_DEFAULTS } from '../../../../src/engine/config-state';

/** The editable fields of a config, as the API takes them. */
export interface ConfigDraft {
  key: string;
  description: string;
  valueType: ConfigValueType;
  value: unknown;
  defaultValue: unknown;
  rolloutPercentage: number;
  stickiness: string | null;
  targetingRules: unknown;
  minValue: unknown;
  maxValue: unknown;
  minLength: number | null;
  maxLength: number | null;
  pattern: string | null;
  allowedValues: unknown;
  validationSchema: unknown;
}

/** What the engine holds that the editor does not edit. */
const NOT_EDITED = ['deploymentStrategy', 'deploymentConfig', 'archived'] as const;

/** Every field of a draft: the four without a default, then the engine's defaulted ones. */
export const DRAFT_FIELDS = [
  'key',
  'valueType',
  'value',
  'defaultValue',
  ...Object.keys(CONFIG_DEFAULTS).filter(
    (field) => !(NOT_EDITED as readonly string[]).includes(field),
  ),
] as readonly (keyof ConfigDraft)[];

// A field added to the engine's defaults and not to ConfigDraft (or the reverse) fails here.
type DraftFieldsFromEngine =
  | 'key'
  | 'valueType'
  | 'value'
  | 'defaultValue'
  | Exclude<keyof typeof CONFIG_DEFAULTS, (typeof NOT_EDITED)[number]>;
const sameFields: [DraftFieldsFromEngine, keyof ConfigDraft] extends [
  keyof ConfigDraft,
  DraftFieldsFromEngine,
]
  ? true
  : never = true;
void sameFields;

export function emptyValue(valueType: ConfigValueType): unknown {
  switch (valueType) {
    case 'BOOLEAN':
      return false;
    case 'INTEGER':
      return 0;
    case 'DECIMAL':
      return '0';
    case 'JSON':
      return {};
    default:
      return '';
  }
}

export function newDraft(valueType: ConfigValueType = 'BOOLEAN'): ConfigDraft {
  // The engine's defaults for the fields a draft has (a copy: drafts are edited in place).
  const defaults = Object.fromEntries(
    Object.entries(CONFIG_DEFAULTS)
      .filter(([field]) => (DRAFT_FIELDS as readonly string[]).includes(field))
      .map(([field, value]) => [field, structuredClone(value)]),
  );
  return {
    ...defaults,
    key: '',
    valueType,
    value: emptyValue(valueType),
    defaultValue: emptyValue(valueType),
  } as ConfigDraft;
}

export function toDraft(config: ConfigQuery['config']): ConfigDraft {
  const draft = newDraft(config.valueType);
  for (const field of DRAFT_FIELDS) {
    (draft as unknown as Record<string, unknown>)[field] = config[field] ?? draft[field];
  }
  return draft;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function changedFields(base: ConfigDraft, draft: ConfigDraft): (keyof ConfigDraft)[] {
  return DRAFT_FIELDS.filter((field) => !same(base[field], draft[field]));
}

/**
 * After a CONFLICT: their current version with my edits on top. A field I changed takes my
 * value; every other field keeps theirs, so neither side's change is silently dropped.
 */
export function reapply(base: ConfigDraft, mine: ConfigDraft, theirs: ConfigDraft): ConfigDraft {
  const merged = { ...theirs };
  for (const field of changedFields(base, mine)) {
    (merged as unknown as Record<string, unknown>)[field] = mine[field];
  }
  return merged;
}

/** Fields both sides changed to different values: the user should look at these first. */
export function overlapping(base: ConfigDraft, mine: ConfigDraft, theirs: ConfigDraft) {
  const theirChanges = new Set(changedFields(base, theirs));
  return changedFields(base, mine).filter((f) => theirChanges.has(f) && !same(mine[f], theirs[f]));
}

/** Validation errors by the draft field their path starts with (`targetingRules[1].value` → targetingRules). */
export function errorsByField(errors: readonly FieldError[]): Record<string, string[]> {
  const byField: Record<string, string[]> = {};
  for (const error of errors) {
    const path = error.path.replace(/^input\./, '');
    const field = /^[A-Za-z]+/.exec(path)?.[0] ?? '';
    const where = path !== field ? `${path.slice(field.length).replace(/^\./, '')}: ` : '';
    (byField[field] ??= []).push(`${where}${error.message}`);
  }
  return byField;
}

/** The fields to send: all of a new config's, only the changed ones of an existing config. */
export function toInput(draft: ConfigDraft, base: ConfigDraft | null): Record<string, unknown> {
  const fields = base ? changedFields(base, draft).filter((f) => f !== 'key') : DRAFT_FIELDS;
  const input: Record<string, unknown> = { key: draft.key };
  for (const field of fields) {
    // A new config leaves unset constraints out rather than sending nulls.
    if (base || draft[field] !== null) input[field] = draft[field];
  }
  return input;
}

/** The fields a deployment's candidate carries; the type and constraints stay the config's. */
export const CANDIDATE_FIELDS = [
  'value',
  'defaultValue',
  'targetingRules',
  'rolloutPercentage',
  'stickiness',
  'description',
] as const satisfies readonly (keyof ConfigDraft & keyof DeploymentCandidateInput)[];

// A field added to the API's candidate and not here fails to compile.
type MissingCandidateField = Exclude<
  keyof DeploymentCandidateInput,
  (typeof CANDIDATE_FIELDS)[number]
>;
const allCandidateFields: [MissingCandidateField] extends [never] ? true : never = true;
void allCandidateFields;

/**
 * A change of an existing config as a deployment's candidate: the changed fields a candidate
 * carries, and those it cannot (constraints), which only a plain save applies.
 */
export function toCandidate(
  base: ConfigDraft,
  draft: ConfigDraft,
): { candidate: DeploymentCandidateInput; outside: (keyof ConfigDraft)[] } {
  const candidate: Record<string, unknown> = {};
  const outside: (keyof ConfigDraft)[] = [];
  for (const field of changedFields(base, draft)) {
    if ((CANDIDATE_FIELDS as readonly string[]).includes(field)) candidate[field] = draft[field];
    else outside.push(field);
  }
  return { candidate: candidate as DeploymentCandidateInput, outside };
}

export interface StoredDraft {
  baseVersion: number | null;
  /** The server's state the edit started from, for a three-way reapply. */
  base: ConfigDraft | null;
  draft: ConfigDraft;
  savedAt: string;
}

const storageKey = (environment: string, key: string | null) =>
  `business-config.draft.${environment}.${key ?? '(new)'}`;

/** Unsaved edits, kept in localStorage so a reload or a crash loses nothing. */
export const draftStore = {
  load(storage: Storage, environment: string, key: string | null): StoredDraft | null {
    const raw = storage.getItem(storageKey(environment, key));
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StoredDraft;
    } catch {
      return null;
    }
  },
  save(storage: Storage, environment: string, key: string | null, value: StoredDraft): void {
    storage.setItem(storageKey(environment, key), JSON.stringify(value));
  },
  clear(storage: Storage, environment: string, key: string | null): void {
    storage.removeItem(storageKey(environment, key));
  },
};
