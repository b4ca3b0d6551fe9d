import { clipped, inputIssues, INPUT_LIMITS, parseDateTime } from './input-checks';

function nest(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i += 1) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('inputIssues', () => {
  it('accepts well-formed text, surrogate pairs included', () => {
    expect(inputIssues({ title: 'Grüße 😀 世界', list: ['a', 1, true, null] }, 'input')).toEqual(
      [],
    );
  });

  it('names a lone surrogate and a NUL by path, in values and member names', () => {
    expect(
      inputIssues(
        { comment: 'bad \ud800', value: { items: ['ok', 'x\u0000y'] }, ['k\udc00']: 1 },
        'input',
      ),
    ).toEqual([
      {
        path: 'input.comment',
        rule: 'wellFormedUnicode',
        message: 'must be well-formed Unicode: a lone UTF-16 surrogate at index 4',
      },
      {
        path: 'input.value.items[1]',
        rule: 'noNul',
        message: 'must not contain NUL (U+0000), found at index 1',
      },
      {
        path: 'input["k\\udc00"]',
        rule: 'wellFormedUnicode',
        message: 'a member name must be well-formed Unicode: a lone UTF-16 surrogate at index 1',
      },
    ]);
  });

  it('refuses a time outside the years 1000 to 9999, by path', () => {
    expect(
      inputIssues(
        {
          from: new Date('+275760-09-01T00:00:00Z'),
          to: new Date('0999-12-31T23:59:59.999Z'),
          at: new Date('1000-01-01T00:00:00Z'),
          until: new Date('9999-12-31T23:59:59.999Z'),
        },
        'filter',
      ),
    ).toEqual([
      expect.objectContaining({ path: 'filter.from', rule: 'dateRange' }),
      expect.objectContaining({ path: 'filter.to', rule: 'dateRange' }),
    ]);
    expect(inputIssues(new Date('-005000-01-01T00:00:00Z'), 'at')).toEqual([
      {
        path: 'at',
        rule: 'dateRange',
        message: 'must be a time from 1000-01-01T00:00:00Z to 9999-12-31T23:59:59Z',
      },
    ]);
  });

  it('checks a bare string argument', () => {
    expect(inputIssues('\udfff', 'environment')).toMatchObject([
      { path: 'environment', rule: 'wellFormedUnicode' },
    ]);
  });

  it(`refuses nesting beyond ${INPUT_LIMITS.maxDepth} levels, however deep, without recursing`, () => {
    expect(inputIssues(nest(INPUT_LIMITS.maxDepth), 'value')).toEqual([]);
    expect(inputIssues(nest(INPUT_LIMITS.maxDepth + 1), 'value')).toMatchObject([
      { rule: 'maxDepth', message: `must nest at most ${INPUT_LIMITS.maxDepth} levels deep` },
    ]);
    expect(inputIssues(nest(100_000), 'value')).toMatchObject([{ rule: 'maxDepth' }]);
  });

  it('refuses more values than the size limit', () => {
    const limits = { ...INPUT_LIMITS, maxNodes: 10 };
    expect(
      inputIssues(
        Array.from({ length: 9 }, () => 0),
        'v',
        limits,
      ),
    ).toEqual([]);
    expect(
      inputIssues(
        Array.from({ length: 10 }, () => 0),
        'v',
        limits,
      ),
    ).toEqual([{ path: 'v', rule: 'maxSize', message: 'must hold at most 10 values' }]);
  });

  it('stops after maxIssues problems', () => {
    const many = Array.from({ length: 100 }, () => '\u0000');
    expect(inputIssues(many, 'v')).toHaveLength(INPUT_LIMITS.maxIssues);
  });
});

describe('parseDateTime', () => {
  const read = (value: unknown) => parseDateTime(value)?.toISOString() ?? null;

  it('reads ISO 8601 date-times with a zone, seconds and fractions optional', () => {
    expect(read('2024-01-31T09:30:00Z')).toBe('2024-01-31T09:30:00.000Z');
    expect(read('2024-01-31T10:30+01:00')).toBe('2024-01-31T09:30:00.000Z');
    expect(read('2024-01-31t09:30:00.123456789z')).toBe('2024-01-31T09:30:00.123Z');
    expect(read('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses days that do not exist instead of rolling them over', () => {
    expect(read('2024-02-30T00:00:00Z')).toBeNull();
    expect(read('2023-02-29T12:00:00Z')).toBeNull();
    expect(read('2024-13-01T00:00:00Z')).toBeNull();
    expect(read('2024-01-01T25:00:00Z')).toBeNull();
  });

  it('refuses what is not a date-time with a zone: numbers, booleans, bare dates, other formats', () => {
    for (const value of [
      12345,
      0,
      true,
      null,
      undefined,
      {},
      '1',
      '12345',
      '',
      '2024-01-01',
      '2024-01-01T10:00:00',
      '2024-01-01 10:00 PST',
      '2024-01-01 10:00:00Z',
      'Mon, 01 Jan 2024 10:00:00 GMT',
      `2024-01-01T10:00:00${'0'.repeat(40)}Z`,
    ]) {
      expect(read(value)).toBeNull();
    }
  });

  it('reads expanded and small years, for the range check to refuse them by name', () => {
    expect(read('+275760-09-12T00:00:00Z')).toBe('+275760-09-12T00:00:00.000Z');
    expect(read('-005000-01-01T00:00:00Z')).toBe('-005000-01-01T00:00:00.000Z');
    expect(read('0999-12-31T00:00:00Z')).toBe('0999-12-31T00:00:00.000Z');
    expect(read('+275761-01-01T00:00:00Z')).toBeNull();
    expect(read('+002024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(read('+002023-02-29T00:00:00Z')).toBeNull();
    expect(read('+275760-02-30T00:00:00Z')).toBeNull();
    expect(inputIssues(parseDateTime('+275760-09-12T00:00:00Z'), 'to')).toEqual([
      expect.objectContaining({ path: 'to', rule: 'dateRange' }),
    ]);
  });
});

describe('clipped', () => {
  it('keeps short text and cuts long text to 100 characters and an ellipsis', () => {
    expect(clipped('production')).toBe('production');
    expect(clipped('a'.repeat(100))).toBe('a'.repeat(100));
    expect(clipped('a'.repeat(900_000))).toBe(`${'a'.repeat(100)}…`);
  });

  it('never cuts a surrogate pair in two', () => {
    const cut = clipped(`${'a'.repeat(99)}😀tail`);
    expect(cut).toBe(`${'a'.repeat(99)}…`);
    expect(inputIssues(cut, 'message')).toEqual([]);
  });
});
