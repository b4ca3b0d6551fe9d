import { Button, Table } from '@mantine/core';
import { Fragment, useState, type ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { PageSkeleton } from './page-skeleton';
import { ProblemAlert } from './problem-alert';

/** What TablePage reads of a page's query (urql's result) and its connection. */
export interface PageQuery {
  result: { data?: unknown; error?: CombinedError; fetching: boolean };
  refetch(options: { requestPolicy: 'network-only' }): void;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  /** The rows this page shows. */
  rows: number;
}

/**
 * One page of a connection shown as rows of a table whose pages load one under the other:
 * its failure (with a retry) or a skeleton in a full-width row, else `empty` (on the first
 * page, when nothing is listed and no page follows), its rows and, on the last page shown,
 * the button that loads the next.
 */
export function TablePage({
  columns,
  slot,
  query,
  empty,
  moreLabel,
  children,
}: {
  columns: number;
  slot: PageSlot;
  query: PageQuery;
  empty: ReactNode;
  moreLabel: string;
  children: ReactNode;
}) {
  const { result, refetch, pageInfo, rows } = query;
  const cell = (content: ReactNode) => (
    <Table.Tr>
      <Table.Td colSpan={columns}>{content}</Table.Td>
    </Table.Tr>
  );
  if (result.error) {
    return cell(
      <ProblemAlert
        error={result.error}
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
      />,
    );
  }
  if (result.fetching && !result.data) return cell(<PageSkeleton rows={3} />);
  const next = slot.isLast && pageInfo?.hasNextPage ? pageInfo.endCursor : null;
  return (
    <>
      {slot.after === null && rows === 0 && !pageInfo?.hasNextPage && cell(empty)}
      {children}
      {next &&
        cell(
          <Button variant="default" size="xs" onClick={() => slot.onMore(next)}>
            {moreLabel}
          </Button>,
        )}
    </>
  );
}

export interface PageSlot {
  /** The cursor this page starts after (null: the first page). */
  after: string | null;
  isLast: boolean;
  /** Shows the page after `cursor` under this one. */
  onMore(cursor: string): void;
}

/**
 * The pages of a connection shown so far, one per "Load more", each rendered by `page`; a
 * new `filterKey` (the filters the pages are of) goes back to the first page alone.
 */
export function CursorPages({
  filterKey,
  page,
}: {
  filterKey: string;
  page(slot: PageSlot): ReactNode;
}) {
  const [shown, setShown] = useState<{ filterKey: string; cursors: (string | null)[] }>({
    filterKey,
    cursors: [null],
  });
  const cursors = shown.filterKey === filterKey ? shown.cursors : [null];
  return cursors.map((after, i) => (
    <Fragment key={after ?? ''}>
      {page({
        after,
        isLast: i === cursors.length - 1,
        onMore: (cursor) => setShown({ filterKey, cursors: [...cursors, cursor] }),
      })}
    </Fragment>
  ));
}
