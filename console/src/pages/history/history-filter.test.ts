import { describe, expect, it } from 'vitest';
import { comparableState, describeVerification, toFilter } from './history-filter';

describe('history filter', () => {
  it('sends only the filters that are set, the "to" day included', () => {
    expect(toFilter({ configKey: ' ', actor: '', action: null, from: '', to: '' })).toEqual({});
    const f = toFilter({
      configKey: 'a.b',
      actor: 'alice',
      action: 'ROLLBACK',
      from: '2026-03-01',
      to: '2026-03-01',
    });
    expect(f.configKey).toBe('a.b');
    expect(f.action).toBe('ROLLBACK');
    expect(new Date(f.to!).getTime() - new Date(f.from!).getTime()).toBe(24 * 3600 * 1000);
  });

  it('compares a config with a snapshot on the snapshot fields, without bookkeeping', () => {
    const current = { key: 'k', value: 2, version: 7, updatedAt: 'x', description: 'd' };
    const snapshot = { key: 'k', value: 1, version: 3, description: 'd' };
    expect(comparableState(current, snapshot)).toEqual({ key: 'k', value: 2, description: 'd' });
  });
});

describe('describeVerification', () => {
  it('says the history is intact with the number of entries checked', () => {
    expect(describeVerification({ valid: true, checkedEntries: 12, missingEntries: 0 })).toEqual({
      label: '✓ history intact (12 entries)',
      detail: null,
      brokenEntryId: null,
    });
  });

  it('names the problem, the missing entries and what to do, and leads to the broken entry', () => {
    const broken = describeVerification({
      valid: false,
      checkedEntries: 12,
      firstBrokenEntryId: 'e-7',
      missingEntries: 2,
      problem: 'the entry does not match its hash',
    });
    expect(broken.brokenEntryId).toBe('e-7');
    expect(broken.detail).toMatch(/^the entry does not match its hash\. 2 entries are missing\./);
    expect(broken.detail).toMatch(/compare them with your exported anchors/);
  });
});
