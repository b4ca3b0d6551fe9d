import { inputIssues, INPUT_LIMITS } from './input-checks';

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
