import { CONFIG_DEFAULTS, ConfigState, LeafCondition } from '../config-state';

/** Fixtures for the evaluation specs; not used by the application. */

/** A stored config (version 3) of a string value, its state the defaults plus `overrides`. */
export function stored(overrides: Partial<ConfigState> = {}) {
  const state: ConfigState = {
    ...CONFIG_DEFAULTS,
    key: 'checkout.banner',
    valueType: 'string',
    value: 'value',
    defaultValue: 'default',
    ...overrides,
  };
  return { key: state.key, version: 3, state };
}

export const pro: LeafCondition = { attribute: 'user.plan', operator: 'equals', value: 'pro' };
export const de: LeafCondition = { attribute: 'user.country', operator: 'in', values: ['DE'] };
