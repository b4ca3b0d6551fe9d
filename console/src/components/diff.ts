export interface DiffRow {
  /** JSON-Pointer-like path, `/` for the root. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The leaves that differ between two JSON values, in a stable order. Objects are compared
 * member by member; arrays and scalars as whole values, so a reordered rule list reads as one
 * change rather than many.
 */
export function diffJson(before: unknown, after: unknown, path = ''): DiffRow[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const child = `${path}/${escape(key)}`;
      if (!(key in after)) return [{ path: child, kind: 'removed' as const, before: before[key] }];
      if (!(key in before)) return [{ path: child, kind: 'added' as const, after: after[key] }];
      return diffJson(before[key], after[key], child);
    });
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === undefined) return [{ path: path || '/', kind: 'added', after }];
  if (after === undefined) return [{ path: path || '/', kind: 'removed', before }];
  return [{ path: path || '/', kind: 'changed', before, after }];
}

/** A value as one short line of JSON for a diff cell. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  return JSON.stringify(value);
}
