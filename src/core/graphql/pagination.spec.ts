import { AppError } from '../errors/app-error';
import { decodeCursor, encodeCursor, isInstant, isRevision, toConnection } from './pagination';

const anySort = () => true;

describe('pagination', () => {
  it('round-trips a cursor', () => {
    const keyset = { sort: '2026-11-24T10:00:00.000Z', id: 'c0ffee00-0000-4000-8000-000000000000' };
    expect(decodeCursor(encodeCursor(keyset), isInstant)).toEqual(keyset);
    expect(decodeCursor(undefined, anySort)).toBeUndefined();
  });

  it.each([
    'garbage',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
  ])('refuses the foreign cursor %s with BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor, anySort)).toThrow(AppError);
  });

  it('refuses a cursor taken in another order, and an untagged one where an order is asked', () => {
    const id = 'c0ffee00-0000-4000-8000-000000000000';
    const byKey = encodeCursor({ sort: 'a', id, order: 'KEY_ASC' });
    expect(decodeCursor(byKey, anySort, 'KEY_ASC')).toEqual({ sort: 'a', id, order: 'KEY_ASC' });
    expect(() => decodeCursor(byKey, anySort, 'KEY_DESC')).toThrow(/Invalid cursor/);
    expect(() => decodeCursor(byKey, anySort)).toThrow(AppError);
    expect(() => decodeCursor(encodeCursor({ sort: 'a', id }), anySort, 'KEY_ASC')).toThrow(
      AppError,
    );
  });

  it('refuses a forged id or sort value before any query sees it', () => {
    const id = 'c0ffee00-0000-4000-8000-000000000000';
    const forged = (sort: string, keyId = id) => encodeCursor({ sort, id: keyId });
    expect(() => decodeCursor(forged('2026-01-01T00:00:00.000Z', 'x'), isInstant)).toThrow(
      /Invalid cursor/,
    );
    for (const sort of ['yesterday', '1', '2026-02-30T10:00:00.000Z', '2026-01-01T24:00:00.000Z']) {
      expect(() => decodeCursor(forged(sort), isInstant)).toThrow(/Invalid cursor/);
    }
    expect(decodeCursor(forged('2026-01-01T10:00:00.123456Z'), isInstant)?.sort).toBe(
      '2026-01-01T10:00:00.123456Z',
    );
    expect(() => decodeCursor(forged('5 OR 1=1'), isRevision)).toThrow(/Invalid cursor/);
    expect(decodeCursor(forged('42'), isRevision)?.sort).toBe('42');
  });

  it('builds a page from first + 1 rows', () => {
    const rows = [1, 2, 3].map((n) => ({ id: String(n) }));
    const page = toConnection(rows, 2, (r) => ({ sort: r.id, id: r.id }));
    expect(page.edges.map((e) => e.node.id)).toEqual(['1', '2']);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[1].cursor });
    const last = toConnection(rows.slice(0, 1), 2, (r) => ({ sort: r.id, id: r.id }));
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(
      toConnection([], 2, (r: { id: string }) => ({ sort: r.id, id: r.id })).pageInfo.endCursor,
    ).toBeNull();
  });
});
