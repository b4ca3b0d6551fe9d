import { describe, expect, it } from 'vitest';
import { diffJson, formatValue } from './diff';

describe('diffJson', () => {
  it('lists changed, added and removed members by path', () => {
    const rows = diffJson({ a: 1, b: { c: true }, d: 'x' }, { a: 2, b: { c: true, e: null } });
    expect(rows).toEqual([
      { path: '/a', kind: 'changed', before: 1, after: 2 },
      { path: '/b/e', kind: 'added', after: null },
      { path: '/d', kind: 'removed', before: 'x' },
    ]);
  });

  it('compares arrays as whole values', () => {
    expect(diffJson({ r: [1, 2] }, { r: [2, 1] })).toEqual([
      { path: '/r', kind: 'changed', before: [1, 2], after: [2, 1] },
    ]);
  });

  it('treats a value created from nothing as added at the root', () => {
    expect(diffJson(null, { a: 1 })).toEqual([
      { path: '/', kind: 'changed', before: null, after: { a: 1 } },
    ]);
    expect(diffJson(undefined, 5)).toEqual([{ path: '/', kind: 'added', after: 5 }]);
  });

  it('finds nothing between equal values', () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it('escapes slashes in member names as JSON Pointer does', () => {
    expect(diffJson({ 'a/b': 1 }, { 'a/b': 2 })[0].path).toBe('/a~1b');
  });

  it('formats absent values as a dash', () => {
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue('x')).toBe('"x"');
  });
});
