import { Actor } from '../../core/auth/actor';
import { CONFIG_DEFAULTS, ConfigState } from '../../engine/config-state';
import { ConfigsService } from '../configs/configs.service';
import { PreviewEvaluationInput } from './dto/evaluation.types';
import { EvaluationService, PREVIEW_BUDGET, PREVIEW_SLICE } from './evaluation.service';

const actor: Actor = { kind: 'api_key', id: 'k', name: 'viewer', roles: [], environmentId: null };

/** A draft of `rules` rules of 4 conditions each: 1 + 7 × rules explain steps a context. */
function draft(rules: number): ConfigState {
  return {
    ...CONFIG_DEFAULTS,
    key: 'preview.slices',
    valueType: 'string',
    value: 'on',
    defaultValue: 'off',
    targetingRules: Array.from({ length: rules }, (_, i) => ({
      id: `r${i}`,
      value: `v${i}`,
      condition: {
        all: ['a', 'b', 'c', 'd'].map((name) => ({
          attribute: `user.${name}`,
          operator: 'equals' as const,
          value: 'x',
        })),
      },
    })),
  };
}

/**
 * The service over a fake draft source and a snapshot with no running experiment: preview
 * needs nothing else.
 */
function serviceFor(state: ConfigState): EvaluationService {
  const configs = { draftState: () => Promise.resolve({ state, version: 0 }) };
  const service = new EvaluationService(
    undefined as never,
    undefined as never,
    configs as unknown as ConfigsService,
    undefined as never,
    undefined as never,
  );
  service.snapshotFor = () =>
    Promise.resolve({ experimentOf: () => undefined, deploymentOf: () => undefined } as never);
  return service;
}

function input(contexts: number): PreviewEvaluationInput {
  return {
    config: { environment: 'development', key: 'preview.slices' },
    contexts: Array.from({ length: contexts }, (_, i) => ({ user: { id: `u${i}`, a: 'x' } })),
  } as PreviewEvaluationInput;
}

describe('EvaluationService.preview', () => {
  it('explains a preview at its budget slice by slice, the event loop turning between slices', async () => {
    const contexts = PREVIEW_BUDGET / 50;
    const explained = await serviceFor(draft(7)).preview(actor, input(contexts));
    // Turns of the event loop, counted by a callback that runs once per turn.
    let turn = 0;
    let counting = true;
    const count = () => {
      turn += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    let settledIn: number[];
    try {
      settledIn = await Promise.all(explained.map(({ explain }) => explain.then(() => turn)));
    } finally {
      counting = false;
    }

    const perSlice = PREVIEW_SLICE / 50;
    expect(new Set(settledIn).size).toBe(Math.ceil(contexts / perSlice));
    for (let i = 1; i < contexts; i += 1) {
      expect(settledIn[i] === settledIn[i - 1]).toBe(i % perSlice !== 0);
    }
    const [first] = explained;
    expect(await first.explain).toHaveLength(50);
    expect(await first.result).toMatchObject({ key: 'preview.slices', reason: 'FALLTHROUGH' });
  });

  it('refuses a preview over its budget before validating the draft', async () => {
    const invalid = { ...draft(100), description: 42 as unknown as string };
    await expect(serviceFor(invalid).preview(actor, input(3))).rejects.toMatchObject({
      details: {
        validationErrors: [
          expect.objectContaining({ path: 'input.contexts', rule: 'previewBudget' }),
        ],
      },
    });
    await expect(serviceFor(invalid).preview(actor, input(2))).rejects.toMatchObject({
      details: {
        validationErrors: [expect.objectContaining({ path: 'input.config.description' })],
      },
    });
  });
});
