import {
  Alert,
  Anchor,
  Box,
  Button,
  Group,
  SegmentedControl,
  Select,
  Skeleton,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useEffect,
  useMemo,
  useRef,
  useState,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import { Link, useHref, useNavigate, useParams } from 'react-router';
import type { ConfigValueType } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import {
  INITIAL_FILTER,
  INITIAL_SORT,
  SORTS,
  type ConfigRow,
  type ListFilter,
  type SortOrder,
} from './configs-list-state';
import { useConfigsList } from './use-configs-list';
import classes from './configs-page.module.css';

const VALUE_TYPES: ConfigValueType[] = ['BOOLEAN', 'INTEGER', 'DECIMAL', 'STRING', 'JSON', 'IMAGE'];
const ROW_HEIGHT = 52;

type Status = 'active' | 'archived' | 'all';
const statusOf = (archived: boolean | null): Status =>
  archived === null ? 'all' : archived ? 'archived' : 'active';

export function ConfigsPage() {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const [search, setSearch] = useState(INITIAL_FILTER.search);
  const [debouncedSearch] = useDebouncedValue(search, 250);
  const [valueType, setValueType] = useState(INITIAL_FILTER.valueType);
  const [archived, setArchived] = useState(statusOf(INITIAL_FILTER.archived));
  const [sort, setSort] = useState<SortOrder>(INITIAL_SORT);
  const filter = useMemo<ListFilter>(
    () => ({
      search: debouncedSearch,
      valueType,
      archived: archived === 'all' ? null : archived === 'archived',
    }),
    [debouncedSearch, valueType, archived],
  );
  const list = useConfigsList(env, filter, SORTS[sort].orderBy);
  const rows = list.rows;

  const initialLoading = list.loading && list.rows.length === 0;
  return (
    <Box>
      <Group justify="space-between" mb="sm">
        <Title order={1} size="h2">
          Configs
        </Title>
        {canEdit && (
          <Button component={Link} to={routes.newConfig(env)}>
            New config
          </Button>
        )}
      </Group>
      <Filters
        search={search}
        onSearch={setSearch}
        valueType={valueType}
        onValueType={setValueType}
        archived={archived}
        onArchived={setArchived}
        sort={sort}
        onSort={setSort}
      />
      {list.error && <ProblemAlert error={list.error} onRetry={list.retry} />}
      {!list.live && (
        <Alert color="yellow" title="Live updates paused" role="status" mb="sm">
          The connection to the server dropped and is being retried. The list reloads when it is
          back, with any change made meanwhile; check your connection if this stays.
        </Alert>
      )}
      <Text size="sm" c="dimmed" aria-live="polite" mb={4}>
        {initialLoading
          ? 'Loading configs…'
          : `${rows.length}${list.hasNextPage ? '+' : ''} config${rows.length === 1 ? '' : 's'}`}
      </Text>
      <div className={classes.header} aria-hidden="true">
        <span>Key</span>
        <span className={classes.wide}>Description</span>
        <span>Type</span>
        <span className={classes.wide}>Version</span>
        <span className={classes.wide}>Updated</span>
      </div>
      <ConfigList
        env={env}
        rows={rows}
        highlighted={list.highlighted}
        loading={initialLoading}
        empty={rows.length === 0 && !list.error}
        canEdit={canEdit}
        onNearEnd={list.loadMore}
      />
    </Box>
  );
}

const TYPE_OPTIONS = VALUE_TYPES.map((t) => ({ value: t, label: t.toLowerCase() }));
const STATUS_OPTIONS = [
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
  { value: 'all', label: 'All' },
];
const SORT_OPTIONS = Object.entries(SORTS).map(([value, { label }]) => ({ value, label }));

/**
 * The search, type, status and sort controls: memoised, so a page of rows arriving (or a live
 * change) re-renders the list and not these inputs.
 */
const Filters = memo(function Filters(props: {
  search: string;
  onSearch(search: string): void;
  valueType: ConfigValueType | null;
  onValueType(valueType: ConfigValueType | null): void;
  archived: Status;
  onArchived(archived: Status): void;
  sort: SortOrder;
  onSort(sort: SortOrder): void;
}) {
  return (
    <Group mb="sm" align="flex-end" gap="sm">
      <TextInput
        label="Search"
        placeholder="Key or description"
        value={props.search}
        onChange={(e) => props.onSearch(e.currentTarget.value)}
        w={{ base: '100%', sm: 260 }}
      />
      <Select
        label="Type"
        placeholder="Any type"
        clearable
        data={TYPE_OPTIONS}
        value={props.valueType}
        onChange={(v) => props.onValueType(v as ConfigValueType | null)}
        w={140}
      />
      <Box>
        <Text size="sm" fw={500} id="archived-label" mb={4}>
          Status
        </Text>
        <SegmentedControl
          aria-labelledby="archived-label"
          value={props.archived}
          onChange={(v) => props.onArchived(v as Status)}
          data={STATUS_OPTIONS}
        />
      </Box>
      <Select
        label="Sort"
        allowDeselect={false}
        data={SORT_OPTIONS}
        value={props.sort}
        onChange={(v) => props.onSort((v as SortOrder) ?? INITIAL_SORT)}
        w={170}
      />
    </Group>
  );
});

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/**
 * One row; memoised so scrolling renders only the rows that come into view. A plain link (the
 * list navigates for it, see ConfigList), not a router Link: no router hooks per row.
 */
const ConfigListRow = memo(function ConfigListRow({
  href,
  row,
  start,
  highlighted,
}: {
  href: string;
  row: ConfigRow;
  start: number;
  highlighted: boolean;
}) {
  return (
    <li
      className={classes.row}
      data-highlighted={highlighted || undefined}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
    >
      <a href={href} data-config-key={row.key} className={classes.key} title={row.key}>
        {row.key}
      </a>
      <span className={`${classes.description} ${classes.wide}`}>{row.description}</span>
      <span className={classes.badges}>
        <span className={classes.badge}>{row.valueType.toLowerCase()}</span>
        {row.archivedAt && <span className={`${classes.badge} ${classes.archived}`}>archived</span>}
      </span>
      <span className={classes.wide}>v{row.version}</span>
      <span className={classes.wide}>{dateTime.format(new Date(row.updatedAt))}</span>
      {highlighted && <VisuallyHidden>changed just now</VisuallyHidden>}
    </li>
  );
});

/** Whether a click on a link is a plain one the app handles (not "open in a new tab"). */
const plainClick = (e: MouseEvent) =>
  e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;

/**
 * The virtualised list: its own component, so a scroll renders the list and not the page's
 * filters; asks for the next page when the last rendered row nears the end.
 */
function ConfigList({
  env,
  rows,
  highlighted,
  loading,
  empty,
  canEdit,
  onNearEnd,
}: {
  env: string;
  rows: readonly ConfigRow[];
  highlighted: ReadonlySet<string>;
  loading: boolean;
  empty: boolean;
  canEdit: boolean;
  onNearEnd(): void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 5,
    // A scroll's rows render with React's batching, not one synchronous render per event.
    useFlushSync: false,
  });
  const navigate = useNavigate();
  // The rows' links, as the router's own Link would: in the app for a plain click.
  const base = useHref('/').replace(/\/$/, '');
  const onClick = (e: ReactMouseEvent) => {
    const link = (e.target as Element).closest<HTMLAnchorElement>('a[data-config-key]');
    if (!link || e.defaultPrevented || !plainClick(e.nativeEvent)) return;
    e.preventDefault();
    navigate(routes.config(env, link.dataset.configKey!));
  };
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : 0;
  useEffect(() => {
    if (lastIndex >= rows.length - 30) onNearEnd();
  }, [lastIndex, rows.length, onNearEnd]);
  return (
    <div
      ref={scrollRef}
      className={classes.scroller}
      role="region"
      aria-label="Config list"
      tabIndex={0}
      data-testid="config-list"
    >
      {loading ? (
        Array.from({ length: 8 }, (_, i) => <Skeleton key={i} height={40} mb={8} />)
      ) : empty ? (
        <Text p="md">
          No configs match.{' '}
          {canEdit && (
            <Anchor component={Link} to={routes.newConfig(env)}>
              Create one
            </Anchor>
          )}
        </Text>
      ) : (
        // The click handler serves the links inside (Enter on a link is a click too).
        <ul
          className={classes.list}
          style={{ height: virtualizer.getTotalSize() }}
          onClick={onClick}
        >
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <ConfigListRow
                key={row.id}
                href={base + routes.config(env, row.key)}
                row={row}
                start={item.start}
                highlighted={highlighted.has(row.id)}
              />
            );
          })}
        </ul>
      )}
    </div>
  );
}
