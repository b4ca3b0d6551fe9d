import { Button, Table } from '@mantine/core';
import { Fragment, useState, type ReactNode } from 'react';
import { PageSkeleton } from './page-skeleton';
import { pageView, type PageQuery, type PageSlot } from './page-view';
import { ProblemAlert } from './problem-alert';

export type { PageQuery, PageSlot } from './page-view';

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
  const cell = (content: ReactNode) => (
    <Table.Tr>
      <Table.Td colSpan={columns}>{content}</Table.Td>
    </Table.Tr>
  );
  const view = pageView(query, slot);
  if (view.kind === 'failed') {
    return cell(
      <ProblemAlert
        error={view.error}
        onRetry={() => query.refetch({ requestPolicy: 'network-only' })}
      />,
    );
  }
  if (view.kind === 'loading') return cell(<PageSkeleton rows={3} />);
  const { next } = view;
  return (
    <>
      {view.empty && cell(empty)}
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
