import canonicalize from 'canonicalize';
import { canonicalJson } from './canonical-json';

/** Members named like array indexes, or __proto__, which a plain object cannot hold in order. */
function awkward(): Record<string, unknown> {
  const object: Record<string, unknown> = {
    b: 1,
    '10': 'ten',
    '9': 'nine',
    a: [2, { '1': 1, z: 0 }],
  };
  Object.defineProperty(object, '__proto__', { value: { c: 1 }, enumerable: true });
  return object;
}

describe('canonicalJson', () => {
  it.each<[string, unknown]>([
    ['scalars', [null, true, false, 0, -0, 1.5, 1e21, 1e-7, -12, 'text']],
    ['nested objects, members out of order', { z: { y: 1, x: [3, { b: 2, a: 1 }] }, a: '' }],
    [
      'strings to escape, astral and lone surrogates',
      { '\u00e9': 'caf\u00e9 \u{1f600} \ud800 "\\\n\u0001' },
    ],
    ['members sorted by UTF-16 code units', { '\u{1f600}': 1, '\uffff': 2, a: 3, A: 4, '': 5 }],
    ['undefined and symbols', { a: undefined, b: Symbol('b'), c: [undefined, Symbol('s')] }],
    ['toJSON', { when: new Date(0), inner: { toJSON: () => ({ b: 1, a: 2 }) } }],
    ['members named like array indexes, and __proto__', { outer: awkward(), list: [awkward()] }],
    [
      'a name that only looks like an index',
      { '01': 1, '4294967295': 2, '4294967294': 3, '1.5': 4 },
    ],
    ['nothing', undefined],
  ])('writes what canonicalize writes: %s', (_, value) => {
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('writes a large value as canonicalize does', () => {
    const value = Array.from({ length: 2_000 }, (_, i) => ({
      name: `item-${i}`,
      id: i,
      limits: { on: i % 2 === 0, max: i / 3, min: -i },
      [`${i}`]: i,
    }));
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses NaN and infinities', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('NaN is not allowed');
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow('Infinity is not allowed');
  });
});
