import {
  Anchor,
  Badge,
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
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ConfigValueType } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { SORTS, type ListFilter, type SortOrder } from './configs-list-state';
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
    if (lastIndex >= rows.length - 30) list.loadMore();
  }, [lastIndex, rows.length, list]);

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
      <div
        ref={scrollRef}
        className={classes.scroller}
        role="region"
        aria-label="Config list"
        tabIndex={0}
        data-testid="config-list"
      >
        {initialLoading ? (
          Array.from({ length: 8 }, (_, i) => <Skeleton key={i} height={40} mb={8} />)
        ) : rows.length === 0 && !list.error ? (
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
                <li
                  key={row.id}
                  className={classes.row}
                  data-highlighted={list.highlighted.has(row.id) || undefined}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <Anchor component={Link} to={routes.config(env, row.key)} className={classes.key}>
                    {row.key}
                  </Anchor>
                  <Text size="sm" c="dimmed" truncate className={classes.wide}>
                    {row.description}
                  </Text>
                  <span>
                    <Badge size="sm">{row.valueType.toLowerCase()}</Badge>
                    {row.archivedAt && (
                      <Badge color="dark" size="sm" ml={4}>
                        archived
                      </Badge>
                    )}
                  </span>
                  <Text size="sm" className={classes.wide}>
                    v{row.version}
                  </Text>
                  <Text size="sm" className={classes.wide}>
                    {new Date(row.updatedAt).toLocaleString()}
                  </Text>
                  {list.highlighted.has(row.id) && (
                    <VisuallyHidden>changed just now</VisuallyHidden>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </Box>
  );
}
