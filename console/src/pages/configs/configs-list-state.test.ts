import { describe, expect, it } from 'vitest';
import {
  applyConfigEvent,
  matchesFilter,
  SORTS,
  toApiFilter,
  type ConfigRow,
  type ListFilter,
} from './configs-list-state';

const row = (key: string, extra: Partial<ConfigRow> = {}): ConfigRow => ({
  id: `id-${key}`,
  key,
  description: '',
  valueType: 'BOOLEAN',
  version: 1,
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'admin',
  archivedAt: null,
  rolloutPercentage: 100,
  ...extra,
});
const all: ListFilter = { search: '', valueType: null, archived: null };

describe('configs list state', () => {
  it('replaces a changed row in place', () => {
    const rows = [row('a'), row('b'), row('c')];
    const next = applyConfigEvent(
      rows,
      { configId: 'id-b', key: 'b', config: row('b', { version: 2 }) },
      all,
      false,
    );
    expect(next.map((r) => [r.key, r.version])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]);
  });

  it('inserts a new row in key order inside the loaded range', () => {
    const next = applyConfigEvent(
      [row('a'), row('c')],
      { configId: 'id-b', key: 'b', config: row('b') },
      all,
      false,
    );
    expect(next.map((r) => r.key)).toEqual(['a', 'b', 'c']);
  });

  it('leaves a row past the loaded range to the next page unless all pages are loaded', () => {
    const event = { configId: 'id-z', key: 'z', config: row('z') };
    expect(applyConfigEvent([row('a')], event, all, false).map((r) => r.key)).toEqual(['a']);
    expect(applyConfigEvent([row('a')], event, all, true).map((r) => r.key)).toEqual(['a', 'z']);
  });

  it('removes a deleted row and one that no longer matches the filter', () => {
    expect(
      applyConfigEvent(
        [row('a'), row('b')],
        { configId: 'id-a', key: 'a', config: null },
        all,
        true,
      ),
    ).toHaveLength(1);
    const activeOnly = { ...all, archived: false };
    const archived = row('b', { archivedAt: '2026-01-02T00:00:00Z' });
    expect(
      applyConfigEvent(
        [row('a'), row('b')],
        { configId: 'id-b', key: 'b', config: archived },
        activeOnly,
        true,
      ).map((r) => r.key),
    ).toEqual(['a']);
  });

  it('matches search against key and description, case-insensitively', () => {
    expect(matchesFilter(row('checkout.banner'), { ...all, search: 'BANNER' })).toBe(true);
    expect(
      matchesFilter(row('x', { description: 'Dark mode toggle' }), { ...all, search: 'dark' }),
    ).toBe(true);
    expect(matchesFilter(row('x'), { ...all, search: 'dark' })).toBe(false);
    expect(matchesFilter(row('x'), { ...all, valueType: 'INTEGER' })).toBe(false);
  });

  it('moves a changed row to its place in the order the server sorts by', () => {
    const newest = SORTS.updated.orderBy;
    const rows = [
      row('b', { updatedAt: '2026-01-03T00:00:00.000Z' }),
      row('a', { updatedAt: '2026-01-02T00:00:00.000Z' }),
      row('c'),
    ];
    const touched = row('c', { updatedAt: '2026-01-04T00:00:00.000Z', version: 2 });
    expect(
      applyConfigEvent(rows, { configId: 'id-c', key: 'c', config: touched }, all, false, newest),
    ).toEqual([touched, rows[0], rows[1]]);
    const zToA = SORTS['key-desc'].orderBy;
    expect(
      applyConfigEvent(
        [row('c'), row('a')],
        { configId: 'id-b', key: 'b', config: row('b') },
        all,
        false,
        zToA,
      ).map((r) => r.key),
    ).toEqual(['c', 'b', 'a']);
    // Past the last loaded row of Z–A: the next page brings it.
    expect(
      applyConfigEvent(
        [row('c')],
        { configId: 'id-a', key: 'a', config: row('a') },
        all,
        false,
        zToA,
      ),
    ).toEqual([row('c')]);
  });

  it('sends only the filters that are set', () => {
    expect(toApiFilter(all)).toEqual({});
    expect(toApiFilter({ search: ' x ', valueType: 'JSON', archived: false })).toEqual({
      search: 'x',
      valueType: 'JSON',
      archived: false,
    });
  });
});
