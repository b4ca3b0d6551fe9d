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
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ConfigValueType } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { SORTS, type ConfigRow, type ListFilter, type SortOrder } from './configs-list-state';
import { useConfigsList } from './use-configs-list';
import classes from './configs-page.module.css';

const VALUE_TYPES: ConfigValueType[] = ['BOOLEAN', 'INTEGER', 'DECIMAL', 'STRING', 'JSON', 'IMAGE'];
const ROW_HEIGHT = 52;

export function ConfigsPage() {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 250);
  const [valueType, setValueType] = useState<ConfigValueType | null>(null);
  const [archived, setArchived] = useState<'active' | 'archived' | 'all'>('active');
  const [sort, setSort] = useState<SortOrder>('key');
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
      <Group mb="sm" align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="Key or description"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={{ base: '100%', sm: 260 }}
        />
        <Select
          label="Type"
          placeholder="Any type"
          clearable
          data={VALUE_TYPES.map((t) => ({ value: t, label: t.toLowerCase() }))}
          value={valueType}
          onChange={(v) => setValueType(v as ConfigValueType | null)}
          w={140}
        />
        <Box>
          <Text size="sm" fw={500} id="archived-label" mb={4}>
            Status
          </Text>
          <SegmentedControl
            aria-labelledby="archived-label"
            value={archived}
            onChange={(v) => setArchived(v as typeof archived)}
            data={[
              { value: 'active', label: 'Active' },
              { value: 'archived', label: 'Archived' },
              { value: 'all', label: 'All' },
            ]}
          />
        </Box>
        <Select
          label="Sort"
          allowDeselect={false}
          data={Object.entries(SORTS).map(([value, { label }]) => ({ value, label }))}
          value={sort}
          onChange={(v) => setSort((v as SortOrder) ?? 'key')}
          w={170}
        />
      </Group>
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

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** One row; memoised so scrolling renders only the rows that come into view. */
const ConfigListRow = memo(function ConfigListRow({
  env,
  row,
  start,
  highlighted,
}: {
  env: string;
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
      <Link to={routes.config(env, row.key)} className={classes.key} title={row.key}>
        {row.key}
      </Link>
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
    overscan: 10,
  });
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
        <ul className={classes.list} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <ConfigListRow
                key={row.id}
                env={env}
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
