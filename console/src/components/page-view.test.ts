import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { pageView } from './page-view';

const first = { after: null, isLast: true };
const loaded = (rows: number, hasNextPage: boolean, endCursor: string | null = 'c1') => ({
  result: { data: {}, fetching: false },
  pageInfo: { hasNextPage, endCursor },
  rows,
});

describe('pageView', () => {
  it('shows a failure before anything else, even with data from before', () => {
    const error = new CombinedError({ networkError: new Error('offline') });
    const view = pageView(
      { ...loaded(3, true), result: { data: {}, error, fetching: true } },
      first,
    );
    expect(view).toEqual({ kind: 'failed', error });
  });

  it('shows a skeleton while the first answer is on its way, the rows once there is one', () => {
    const fetching = { result: { fetching: true }, pageInfo: undefined, rows: 0 };
    expect(pageView(fetching, first)).toEqual({ kind: 'loading' });
    const refetching = { ...loaded(2, false), result: { data: {}, fetching: true } };
    expect(pageView(refetching, first)).toMatchObject({ kind: 'rows', empty: false });
  });

  it('says nothing is listed on a first page with no rows and no page after it', () => {
    expect(pageView(loaded(0, false, null), first)).toEqual({
      kind: 'rows',
      empty: true,
      next: null,
    });
  });

  it('is not empty while a next page exists, though a client-side filter left no rows', () => {
    expect(pageView(loaded(0, true), first)).toEqual({ kind: 'rows', empty: false, next: 'c1' });
  });

  it('never calls a later page empty', () => {
    expect(pageView(loaded(0, false), { after: 'c0', isLast: true })).toMatchObject({
      empty: false,
    });
  });

  it('offers the next cursor on the last page shown only, and only when one follows', () => {
    expect(pageView(loaded(5, true), { after: null, isLast: false })).toMatchObject({ next: null });
    expect(pageView(loaded(5, false), first)).toMatchObject({ next: null });
    expect(pageView(loaded(5, true, null), first)).toMatchObject({ next: null });
    expect(pageView(loaded(5, true, 'c9'), { after: 'c1', isLast: true })).toMatchObject({
      next: 'c9',
    });
  });
});
