import { describe, expect, it } from 'vitest';
import { comparableState, toFilter } from './history-filter';

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
