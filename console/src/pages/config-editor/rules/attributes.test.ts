import { describe, expect, it } from 'vitest';
import {
  attributeMemory,
  attributeSuggestions,
  attributesIn,
  COMMON_ATTRIBUTES,
} from './attributes';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  } as Storage;
}

const RULES = [
  {
    id: 'a',
    condition: {
      all: [
        { attribute: 'user.plan', operator: 'equals', value: 'pro' },
        { any: [{ attribute: 'account.tier', operator: 'in', values: ['gold'] }] },
      ],
    },
  },
  { id: 'b', condition: { attribute: 'user.plan', operator: 'exists' } },
];

describe('attribute suggestions', () => {
  it('collects every attribute path the rules use, once', () => {
    expect(attributesIn(RULES)).toEqual(['user.plan', 'account.tier']);
    expect(attributesIn('not rules')).toEqual([]);
  });

  it("suggests this config's paths, then remembered ones, then the common ones", () => {
    const suggestions = attributeSuggestions(RULES, ['shop.region', 'user.plan']);
    expect(suggestions.slice(0, 3)).toEqual(['user.plan', 'account.tier', 'shop.region']);
    expect(suggestions).toEqual(expect.arrayContaining(COMMON_ATTRIBUTES));
    expect(new Set(suggestions).size).toBe(suggestions.length);
  });

  it('remembers paths across configs in this browser, newest first', () => {
    const storage = memoryStorage();
    attributeMemory.remember(storage, ['user.plan']);
    attributeMemory.remember(storage, ['shop.region', 'user.plan']);
    expect(attributeMemory.load(storage)).toEqual(['shop.region', 'user.plan']);
    storage.setItem('business-config.attributes', '{broken');
    expect(attributeMemory.load(storage)).toEqual([]);
  });
});
