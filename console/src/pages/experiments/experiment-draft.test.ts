import { describe, expect, it } from 'vitest';
import { newLeaf, newGroup } from '../config-editor/rules/rule-tree';
import {
  draftFromExperiment,
  draftToInput,
  newDraft,
  placeExperimentErrors,
} from './experiment-draft';
import type { ExperimentFieldsFragment } from '../../api/gql/graphql';

describe('experiment draft', () => {
  it('sends names defaulting to keys and no targeting unless TARGETING', () => {
    const draft = { ...newDraft('checkout.color'), key: ' exp-1 ', targeting: newGroup('all') };
    draft.variants[1].name = '';
    const input = draftToInput(draft);
    expect(input.key).toBe('exp-1');
    expect(input.name).toBe('exp-1');
    expect((input.variants as { name: string }[]).map((v) => v.name)).toEqual([
      'Control',
      'treatment',
    ]);
    expect(input.targeting).toBeNull();
    expect(draftToInput({ ...draft, assignment: 'TARGETING' }).targeting).toEqual({
      all: [{ attribute: '', operator: 'equals', value: '' }],
    });
  });

  it('edits a stored experiment without the fields the cache adds (__typename)', () => {
    const stored = {
      __typename: 'Experiment',
      key: 'exp',
      name: 'Exp',
      hypothesis: '',
      configKey: 'c',
      assignment: 'TARGETING',
      trafficPercentage: 50,
      targeting: { all: [{ attribute: 'user.plan', operator: 'equals', value: 'pro' }] },
      sequential: true,
      sequentialTuning: 5000,
      primaryMetric: { __typename: 'ExperimentMetric', event: 'buy', kind: 'CONVERSION' },
      secondaryMetrics: [{ __typename: 'ExperimentMetric', event: 'rev', kind: 'NUMERIC' }],
      variants: [
        {
          __typename: 'ExperimentVariant',
          key: 'a',
          name: 'A',
          value: 1,
          weight: 50,
          control: true,
        },
        {
          __typename: 'ExperimentVariant',
          key: 'b',
          name: 'B',
          value: 2,
          weight: 50,
          control: false,
        },
      ],
    } as unknown as ExperimentFieldsFragment;
    const input = draftToInput(draftFromExperiment(stored));
    expect(JSON.stringify(input)).not.toContain('__typename');
    expect(input.primaryMetric).toEqual({ event: 'buy', kind: 'CONVERSION' });
    expect(input.targeting).toEqual(stored.targeting);
    expect(input.variants).toEqual([
      { key: 'a', name: 'A', value: 1, weight: 50, control: true },
      { key: 'b', name: 'B', value: 2, weight: 50, control: false },
    ]);
  });

  it('places server errors at the variant field, the condition input or the top field', () => {
    const leaf = newLeaf();
    const targeting = { ...newGroup('all'), children: [leaf] };
    const placed = placeExperimentErrors(
      [
        { path: 'input.variants[1].weight', rule: 'weight', message: 'must be above 0' },
        { path: 'variants[0].value', rule: 'type', message: 'must be a string' },
        { path: 'variants', rule: 'weightSum', message: 'the weights must sum to 100' },
        { path: 'targeting.all[0].attribute', rule: 'required', message: 'is required' },
        { path: 'primaryMetric.event', rule: 'eventName', message: 'bad name' },
        { path: 'key', rule: 'key', message: 'bad key' },
      ],
      targeting,
    );
    expect(placed.variants).toEqual({
      1: { weight: 'must be above 0' },
      0: { value: 'must be a string' },
    });
    expect(placed.fields).toEqual({
      variants: 'the weights must sum to 100',
      primaryMetric: 'event: bad name',
      key: 'bad key',
    });
    expect(placed.targeting).toEqual({
      'targetingRules[0].condition.all[0].attribute': 'is required',
    });
  });

  it('shows targeting errors on the field when there is no condition to place them in', () => {
    const placed = placeExperimentErrors(
      [
        {
          path: 'targeting',
          rule: 'required',
          message: 'a targeting experiment needs a condition',
        },
      ],
      null,
    );
    expect(placed.fields.targeting).toBe('a targeting experiment needs a condition');
  });
});
