import { describe, expect, it } from 'vitest';
import { fetchRecordRows } from './fetch-records';

describe('fetchRecordRows', () => {
  it('claims nothing when the service gave no records field', () => {
    expect(fetchRecordRows(null)).toBeNull();
  });

  it('reads each record, oldest first, and skips what is not an object', () => {
    const rows = fetchRecordRows([
      {
        id: 'b',
        fetchedAt: '2026-12-02T10:05:00.000Z',
        channel: 'OFREP',
        reason: 'TARGETING_MATCH',
        ruleId: 'beta',
        variant: null,
        configVersion: 3,
        valueHash: 'abc',
      },
      'noise',
      { id: 'a', fetchedAt: '2026-12-02T10:01:00.000Z', channel: 'GRAPHQL', reason: 'DEFAULT' },
    ]);
    expect(rows).toEqual([
      {
        id: 'a',
        fetchedAt: '2026-12-02T10:01:00.000Z',
        channel: 'GRAPHQL',
        reason: 'DEFAULT',
        ruleId: null,
        variant: null,
        configVersion: null,
        valueHash: null,
      },
      {
        id: 'b',
        fetchedAt: '2026-12-02T10:05:00.000Z',
        channel: 'OFREP',
        reason: 'TARGETING_MATCH',
        ruleId: 'beta',
        variant: null,
        configVersion: 3,
        valueHash: 'abc',
      },
    ]);
  });
});
