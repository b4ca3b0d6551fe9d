import type { ConfigValueType } from '../../api/gql/graphql';

export interface ConfigRow {
  id: string;
  key: string;
  description: string;
  valueType: ConfigValueType;
  version: number;
  updatedAt: string;
  updatedBy: string;
  archivedAt?: string | null;
  rolloutPercentage: number;
}

export interface ListFilter {
  search: string;
  valueType: ConfigValueType | null;
  /** true: archived only; false: active only; null: both (as the API's ConfigFilter). */
  archived: boolean | null;
}

export type SortOrder = 'key' | 'key-desc' | 'updated';

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

/**
 * The loaded rows after a change made anywhere: replaced in place, removed when deleted or no
 * longer matching, inserted in key order when it falls inside the loaded range (a row past the
 * last loaded key arrives with the next page instead).
 */
export function applyConfigEvent(
  rows: readonly ConfigRow[],
  event: ConfigEventLike,
  filter: ListFilter,
  complete: boolean,
): ConfigRow[] {
  const without = rows.filter((r) => r.id !== event.configId);
  const config = event.config;
  if (!config || !matchesFilter(config, filter)) return without;
  const at = without.findIndex((r) => r.key > config.key);
  if (at === -1) return complete ? [...without, config] : without;
  return [...without.slice(0, at), config, ...without.slice(at)];
}

export function sortRows(rows: readonly ConfigRow[], order: SortOrder): readonly ConfigRow[] {
  if (order === 'key') return rows;
  const sorted = [...rows];
  if (order === 'key-desc') return sorted.reverse();
  return sorted.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The API's ConfigFilter for the list's filter (absent fields mean "any"). */
export function toApiFilter(filter: ListFilter) {
  return {
    ...(filter.search.trim() ? { search: filter.search.trim() } : {}),
    ...(filter.valueType ? { valueType: filter.valueType } : {}),
    ...(filter.archived !== null ? { archived: filter.archived } : {}),
  };
}
