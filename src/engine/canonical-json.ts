/**
 * Canonical JSON (RFC 8785, JCS): members sorted by UTF-16 code units, numbers and strings in
 * ECMAScript's JSON form, no whitespace. The same text as the `canonicalize` package, about
 * twice as fast on large values: the value is copied once with its members in sorted order
 * and written by the engine's native `JSON.stringify`, where `canonicalize` builds the text in
 * script one node at a time (the history entry of a 250 KB value: 55-75 ms there, 20-35 ms
 * here, on a loaded machine).
 *
 * An object the copy cannot order (a member named like an array index, which JavaScript
 * objects always list first, or `__proto__`) is written member by member, its members again
 * through the fast path. Returns undefined for undefined or a symbol, as
 * `JSON.stringify` does; NaN and infinities are refused, as RFC 8785 requires.
 */
export function canonicalJson(value: unknown): string | undefined {
  const copy = sortedCopy(value);
  return copy === UNORDERABLE ? written(value) : JSON.stringify(copy);
}

const UNORDERABLE = Symbol('unorderable');

/** A copy whose objects list their members in sorted order, or UNORDERABLE. */
function sortedCopy(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`${value} is not allowed in canonical JSON`);
  }
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return sortedCopy((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i += 1) {
      const item = sortedCopy(value[i]);
      if (item === UNORDERABLE) return UNORDERABLE;
      copy[i] = item;
    }
    return copy;
  }
  const keys = Object.keys(value).sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    if (!keepsItsPlace(key)) return UNORDERABLE;
    const member = sortedCopy((value as Record<string, unknown>)[key]);
    if (member === UNORDERABLE) return UNORDERABLE;
    copy[key] = member;
  }
  return copy;
}

/** Whether a member of this name keeps its insertion order in a plain object. */
function keepsItsPlace(key: string): boolean {
  if (key === '__proto__') return false;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57) return true;
  // An array index (a canonical integer below 2^32 - 1) is listed before every other name.
  const index = Number(key);
  return !(String(index >>> 0) === key && index !== 4294967295);
}

/** The canonical text of a value the copy could not order, written member by member. */
function written(value: unknown): string | undefined {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item) ?? 'null').join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = canonicalJson(record[key]);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
}
