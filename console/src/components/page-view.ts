import type { CombinedError } from 'urql';

/** What a page of a connection reads of its query (urql's result) and its connection. */
export interface PageQuery {
  result: { data?: unknown; error?: CombinedError; fetching: boolean };
  refetch(options: { requestPolicy: 'network-only' }): void;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  /** The rows this page shows. */
  rows: number;
}

/** A page's place among the pages shown one under the other. */
export interface PageSlot {
  /** The cursor this page starts after (null: the first page). */
  after: string | null;
  isLast: boolean;
  /** Shows the page after `cursor` under this one. */
  onMore(cursor: string): void;
}

/** What a page shows: its failure, a skeleton, or its rows (with the empty note, the next cursor). */
export type PageView =
  | { kind: 'failed'; error: CombinedError }
  | { kind: 'loading' }
  | {
      kind: 'rows';
      /** Nothing is listed at all: the first page, no rows and no page after it. */
      empty: boolean;
      /** The cursor "Load more" loads after; only on the last page shown, when one follows. */
      next: string | null;
    };

export function pageView(
  { result, pageInfo, rows }: Pick<PageQuery, 'result' | 'pageInfo' | 'rows'>,
  { after, isLast }: Pick<PageSlot, 'after' | 'isLast'>,
): PageView {
  if (result.error) return { kind: 'failed', error: result.error };
  if (result.fetching && !result.data) return { kind: 'loading' };
  return {
    kind: 'rows',
    // A page whose rows a client-side filter removed is not "nothing": later pages may list some.
    empty: after === null && rows === 0 && !pageInfo?.hasNextPage,
    next: (isLast && pageInfo?.hasNextPage && pageInfo.endCursor) || null,
  };
}
