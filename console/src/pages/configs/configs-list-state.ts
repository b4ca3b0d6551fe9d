import type { ConfigOrder, ConfigsQuery, ConfigValueType } from '../../api/gql/graphql';

/** A row of the list: the fields the Configs query reads (configChanged sends the same). */
export type ConfigRow = ConfigsQuery['configs']['edges'][number]['node'];

export interface ListFilter {
  search: string;
  valueType: ConfigValueType | null;
  /** true: archived only; false: active only; null: both (as the API's ConfigFilter). */
  archived: boolean | null;
}

/** The list's sort choices, each the API's `orderBy` (the server sorts and pages). */
export const SORTS = {
  key: { label: 'Key A–Z', orderBy: { field: 'KEY', direction: 'ASC' } },
  'key-desc': { label: 'Key Z–A', orderBy: { field: 'KEY', direction: 'DESC' } },
  updated: { label: 'Recently updated', orderBy: { field: 'UPDATED_AT', direction: 'DESC' } },
} as const satisfies Record<string, { label: string; orderBy: ConfigOrder }>;

export type SortOrder = keyof typeof SORTS;

/** What the page shows first: active configs by key (the first screen prefetches this). */
export const INITIAL_FILTER: ListFilter = { search: '', valueType: null, archived: false };
export const INITIAL_SORT: SortOrder = 'key';

/** Rows asked for per request. */
export const PAGE_SIZE = 100;

export interface ConfigEventLike {
  configId: string;
  key: string;
  config?: ConfigRow | null;
}

/** Whether a row belongs in the list the server would return for this filter. */
export function matchesFilter(row: ConfigRow, filter: ListFilter): boolean {
  if (filter.valueType && row.valueType !== filter.valueType) return false;
  if (filter.archived !== null && Boolean(row.archivedAt) !== filter.archived) return false;
  const search = filter.search.trim().toLowerCase();
  if (search && !row.key.toLowerCase().includes(search)) {
    return row.description.toLowerCase().includes(search);
  }
  return true;
}

/** Whether `a` comes before (< 0) or after (> 0) `b` in the server's order: the field, then id. */
export function compareRows(a: ConfigRow, b: ConfigRow, orderBy: ConfigOrder): number {
  const [x, y] = orderBy.field === 'KEY' ? [a.key, b.key] : [a.updatedAt, b.updatedAt];
  const byField = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return orderBy.direction === 'DESC' ? -byField : byField;
}

/**
 * The loaded rows after a change made anywhere: removed when deleted or no longer matching,
 * else moved to its place in the list's order when that falls inside the loaded range (a row
 * past the last loaded one arrives with the next page instead).
 */
export function applyConfigEvent(
  rows: readonly ConfigRow[],
  event: ConfigEventLike,
  filter: ListFilter,
  complete: boolean,
  orderBy: ConfigOrder = SORTS.key.orderBy,
): ConfigRow[] {
  const without = rows.filter((r) => r.id !== event.configId);
  const config = event.config;
  if (!config || !matchesFilter(config, filter)) return without;
  const at = without.findIndex((r) => compareRows(r, config, orderBy) > 0);
  if (at === -1) return complete ? [...without, config] : without;
  return [...without.slice(0, at), config, ...without.slice(at)];
}

/** The API's ConfigFilter for the list's filter (absent fields mean "any"). */
export function toApiFilter(filter: ListFilter) {
  return {
    ...(filter.search.trim() ? { search: filter.search.trim() } : {}),
    ...(filter.valueType ? { valueType: filter.valueType } : {}),
    ...(filter.archived !== null ? { archived: filter.archived } : {}),
  };
}

/** The Configs query's variables for a page of the list. */
export function configsVariables(
  environment: string,
  filter: ListFilter,
  orderBy: ConfigOrder,
  after: string | null,
) {
  return { environment, filter: toApiFilter(filter), orderBy, first: PAGE_SIZE, after };
}
