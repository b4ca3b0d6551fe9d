import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../../../src/engine/config-state';
import {
  changedFields,
  DRAFT_FIELDS,
  draftStore,
  errorsByField,
  newDraft,
  overlapping,
  reapply,
  toCandidate,
  toInput,
} from './draft';

const base = {
  ...newDraft('INTEGER'),
  key: 'limits.max',
  value: 5,
  defaultValue: 1,
  description: 'Max items',
};

describe('config draft', () => {
  it("starts a new config from the engine's defaults, with every draft field", () => {
    const draft = newDraft('STRING');
    expect(Object.keys(draft).sort()).toEqual([...DRAFT_FIELDS].sort());
    expect(draft).toMatchObject({
      key: '',
      value: '',
      defaultValue: '',
      rolloutPercentage: CONFIG_DEFAULTS.rolloutPercentage,
      targetingRules: [],
      stickiness: null,
    });
    expect(draft.targetingRules).not.toBe(CONFIG_DEFAULTS.targetingRules);
  });

  it("makes a change a deployment's candidate: only the changed fields a candidate carries", () => {
    const draft = { ...base, value: 7, description: 'More items', rolloutPercentage: 100 };
    expect(toCandidate(base, draft)).toEqual({
      candidate: { value: 7, description: 'More items' },
      outside: [],
    });
  });

  it('names the changed constraints a deployment cannot carry', () => {
    const draft = { ...base, value: 7, maxValue: 10, pattern: null };
    expect(toCandidate(base, draft)).toEqual({ candidate: { value: 7 }, outside: ['maxValue'] });
  });

  it('reapplies my changed fields over their newer version and keeps theirs elsewhere', () => {
    const mine = { ...base, value: 7 };
    const theirs = { ...base, description: 'Max items per cart', rolloutPercentage: 50 };
    const merged = reapply(base, mine, theirs);
    expect(merged.value).toBe(7);
    expect(merged.description).toBe('Max items per cart');
    expect(merged.rolloutPercentage).toBe(50);
  });

  it('names the fields both sides changed differently', () => {
    const mine = { ...base, value: 7, description: 'same' };
    const theirs = { ...base, value: 9, description: 'same' };
    expect(overlapping(base, mine, theirs)).toEqual(['value']);
  });

  it('sends only the changed fields of an existing config, everything for a new one', () => {
    const mine = { ...base, maxValue: 10 };
    expect(toInput(mine, base)).toEqual({ key: 'limits.max', maxValue: 10 });
    expect(Object.keys(toInput(mine, null))).toContain('valueType');
    expect(Object.keys(toInput(mine, null))).not.toContain('pattern');
  });

  it('groups validation errors by the field their path starts with', () => {
    const byField = errorsByField([
      { path: 'value', rule: 'maxValue', message: 'must be at most 10' },
      { path: 'targetingRules[1].value', rule: 'type', message: 'must be an integer' },
      { path: 'input.key', rule: 'pattern', message: 'bad key' },
    ]);
    expect(byField).toEqual({
      value: ['must be at most 10'],
      targetingRules: ['[1].value: must be an integer'],
      key: ['bad key'],
    });
  });

  it('detects no change between equal drafts', () => {
    expect(changedFields(base, { ...base })).toEqual([]);
  });

  it('stores and restores a draft per environment and key', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    } as Storage;
    draftStore.save(storage, 'production', 'limits.max', {
      baseVersion: 3,
      base,
      draft: base,
      savedAt: 'now',
    });
    expect(draftStore.load(storage, 'production', 'limits.max')?.baseVersion).toBe(3);
    expect(draftStore.load(storage, 'staging', 'limits.max')).toBeNull();
    draftStore.clear(storage, 'production', 'limits.max');
    expect(draftStore.load(storage, 'production', 'limits.max')).toBeNull();
  });
});
