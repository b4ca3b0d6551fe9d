import fc from 'fast-check';
import { CONFIG_DEFAULTS, ConfigState, ValidationIssue, ValueType } from '../config-state';
import { MAX_VALUE_BYTES, TARGETING_LIMITS, validateConfigState, validateValue } from './index';

function state(overrides: Partial<ConfigState> = {}): ConfigState {
  return {
    ...CONFIG_DEFAULTS,
    key: 'checkout.banner',
    valueType: 'string',
    value: 'on',
    defaultValue: 'off',
    ...overrides,
  };
}

const rules = (issues: ValidationIssue[]) => issues.map((i) => `${i.path}:${i.rule}`);

const leaf = (l: Record<string, unknown>) =>
  state({ targetingRules: [{ id: 'r1', condition: l as never, value: 'x' }] });

describe('validateConfigState', () => {
  it('accepts a plain valid config', () => {
    expect(validateConfigState(state())).toEqual([]);
  });

  describe('types', () => {
    const cases: [ValueType, unknown, boolean][] = [
      ['string', 'hello', true],
      ['string', 1, false],
      ['string', null, false],
      ['integer', 42, true],
      ['integer', -0, true],
      ['integer', 1.5, false],
      ['integer', 2 ** 53, false],
      ['integer', Number.MAX_SAFE_INTEGER, true],
      ['integer', '42', false],
      ['boolean', false, true],
      ['boolean', 'true', false],
      ['decimal', '19.99', true],
      ['decimal', '-0.000000000000000000001', true],
      ['decimal', '1e3', false],
      ['decimal', 19.99, false],
      ['decimal', 'abc', false],
      ['json', { a: [1, null] }, true],
      ['json', null, true],
      ['json', 'text', true],
      ['image', 'https://cdn.example.com/a.png', true],
      ['image', 'http://cdn.example.com/a.png', false],
      ['image', 'ftp://x/a.png', false],
      ['image', 'data:image/png;base64,iVBORw0KGgo=', true],
      ['image', 'data:image/svg+xml;base64,PHN2Zz4=', false],
      ['image', 'data:image/png;base64,not base64!', false],
      ['image', 'not a url', false],
      ['image', 'https://CDN.example.com:443/a.png?at=@', true],
      ['image', ' https://cdn.example.com/a.png', false],
      ['image', 'https://cdn.example.com/a.png\n', false],
      ['image', 'https://cdn.exa\tmple.com/a.png', false],
      ['image', 'https://user:secret@cdn.example.com/a.png', false],
      ['image', 'https://user@cdn.example.com/a.png', false],
      ['image', 'https://@cdn.example.com/a.png', false],
    ];
    it.each(cases)('%s %j → valid=%s', (valueType, value, valid) => {
      const issues = validateConfigState(
        state({ valueType, value, defaultValue: valid ? value : value }),
      );
      if (valid) expect(issues).toEqual([]);
      else
        expect(rules(issues)).toEqual(expect.arrayContaining([expect.stringMatching(/^value:/)]));
    });

    it('refuses a value whose serialized form is over 256 KB', () => {
      const big = 'x'.repeat(MAX_VALUE_BYTES);
      expect(rules(validateConfigState(state({ value: big })))).toEqual(['value:maxSize']);
    });

    it('refuses an unknown type without checking values against it', () => {
      expect(rules(validateConfigState(state({ valueType: 'float' as ValueType })))).toEqual([
        'valueType:type',
      ]);
    });
  });

  describe('constraints on values', () => {
    it('compares integer bounds', () => {
      const s = state({
        valueType: 'integer',
        value: 11,
        defaultValue: -1,
        minValue: 0,
        maxValue: 10,
      });
      expect(rules(validateConfigState(s))).toEqual(['value:maxValue', 'defaultValue:minValue']);
    });

    it('compares decimal bounds exactly, not as floats', () => {
      const s = state({
        valueType: 'decimal',
        value: '0.30000000000000000001',
        defaultValue: '0.3',
        maxValue: '0.3',
      });
      expect(rules(validateConfigState(s))).toEqual(['value:maxValue']);
    });

    it('counts string length in code points', () => {
      const s = state({ value: '😀😀', defaultValue: 'abc', maxLength: 2 });
      expect(rules(validateConfigState(s))).toEqual(['defaultValue:maxLength']);
    });

    it('matches a pattern against the whole string with RE2', () => {
      const s = state({ value: 'ab1', defaultValue: 'ab', pattern: '[a-z]+' });
      expect(rules(validateConfigState(s))).toEqual(['value:pattern']);
    });

    it('checks allowed values with the type equality (decimals by value)', () => {
      const s = state({
        valueType: 'decimal',
        value: '1.50',
        defaultValue: '2',
        allowedValues: ['1.5', '3'],
      });
      expect(rules(validateConfigState(s))).toEqual(['defaultValue:allowedValues']);
    });

    it('checks a JSON Schema 2020-12 and reports each failure', () => {
      const s = state({
        valueType: 'json',
        value: { size: 'big' },
        defaultValue: { size: 3 },
        validationSchema: {
          type: 'object',
          properties: { size: { type: 'integer', maximum: 5 } },
          required: ['size'],
          $defs: {},
        },
      });
      const issues = validateConfigState(s);
      expect(rules(issues)).toEqual(['value:validationSchema']);
      expect(issues[0].message).toMatch(/size/);
    });

    it('refuses a default value that breaks the constraints', () => {
      const s = state({ valueType: 'integer', value: 5, defaultValue: 50, maxValue: 10 });
      expect(rules(validateConfigState(s))).toEqual(['defaultValue:maxValue']);
    });
  });

  describe('the constraints themselves', () => {
    const cases: [string, Partial<ConfigState>, string[]][] = [
      [
        'min above max',
        { valueType: 'integer', value: 1, defaultValue: 1, minValue: 5, maxValue: 1 },
        ['minValue:range'],
      ],
      [
        'decimal min above max',
        { valueType: 'decimal', value: '1', defaultValue: '1', minValue: '2.5', maxValue: '2.4' },
        ['minValue:range'],
      ],
      ['minLength above maxLength', { minLength: 5, maxLength: 3 }, ['minLength:range']],
      ['negative length', { minLength: -1 }, ['minLength:type']],
      ['bound on a string', { minValue: 1 }, ['minValue:type']],
      [
        'length on an integer',
        { valueType: 'integer', value: 1, defaultValue: 1, maxLength: 3 },
        ['maxLength:type'],
      ],
      ['pattern that RE2 refuses (backreference)', { pattern: '(a)\\1' }, ['pattern:regex']],
      ['pattern that does not compile', { pattern: '([a-z' }, ['pattern:regex']],
      [
        'pattern on an integer',
        { valueType: 'integer', value: 1, defaultValue: 1, pattern: '1' },
        ['pattern:type'],
      ],
      [
        'schema that does not compile',
        { validationSchema: { type: 'nope' } },
        ['validationSchema:schema'],
      ],
      ['allowed values of the wrong type', { allowedValues: ['on', 2] }, ['allowedValues[1]:type']],
      ['empty allowed values', { allowedValues: [] }, ['allowedValues:type']],
      [
        'allowed values on a boolean',
        { valueType: 'boolean', value: true, defaultValue: false, allowedValues: [true] },
        ['allowedValues:type'],
      ],
      [
        'allowed value outside the bounds',
        { valueType: 'integer', value: 1, defaultValue: 1, maxValue: 5, allowedValues: [1, 9] },
        ['allowedValues[1]:maxValue'],
      ],
    ];
    it.each(cases)('%s', (_name, overrides, expected) => {
      expect(rules(validateConfigState(state(overrides)))).toEqual(expected);
    });

    it('quotes a pattern that does not compile as written, not as anchored', () => {
      const [issue] = validateConfigState(state({ pattern: '([a-z' }));
      expect(issue.message).toContain('/([a-z/');
      expect(issue.message).not.toContain('^(?:');
    });
  });

  describe('config fields', () => {
    const cases: [string, Partial<ConfigState>, string[]][] = [
      ['uppercase key', { key: 'Checkout' }, ['key:key']],
      ['key starting with a dot', { key: '.a' }, ['key:key']],
      ['129-character key', { key: 'a'.repeat(129) }, ['key:key']],
      [
        'description over 2000 characters',
        { description: 'd'.repeat(2001) },
        ['description:maxLength'],
      ],
      ['rollout over 100', { rolloutPercentage: 100.5 }, ['rolloutPercentage:rolloutPercentage']],
      [
        'rollout with three decimals',
        { rolloutPercentage: 12.345 },
        ['rolloutPercentage:rolloutPercentage'],
      ],
      [
        'rollout smaller than a hundredth',
        { rolloutPercentage: 1e-300 },
        ['rolloutPercentage:rolloutPercentage'],
      ],
      [
        'stickiness through a prototype',
        { stickiness: 'user.__proto__' },
        ['stickiness:attribute'],
      ],
      [
        'unknown deployment strategy',
        { deploymentStrategy: 'big-bang' as never },
        ['deploymentStrategy:type'],
      ],
      [
        'deployment defaults the strategy does not plan',
        { deploymentStrategy: 'linear', deploymentConfig: { stepPercentage: 0, holdMinutes: 5 } },
        ['deploymentConfig.holdMinutes:unknownParameter', 'deploymentConfig.stepPercentage:range'],
      ],
    ];
    it.each(cases)('%s', (_name, overrides, expected) => {
      expect(rules(validateConfigState(state(overrides)))).toEqual(expected);
    });

    it('accepts 128-character keys, two-decimal rollouts, custom stickiness and deployment defaults', () => {
      expect(
        validateConfigState(
          state({
            key: 'a'.repeat(128),
            rolloutPercentage: 12.34,
            stickiness: 'device.id',
            deploymentStrategy: 'canary',
            deploymentConfig: { canaryPercentage: 2.5, holdSeconds: 90 },
          }),
        ),
      ).toEqual([]);
    });
  });

  describe('smaller input gaps', () => {
    it.each([
      [' https://cdn.example.com/a.png', 'must not contain whitespace or control characters'],
      ['https://u:p@cdn.example.com/a.png', 'must not embed credentials'],
    ])('says why the image URL %j is refused', (value, message) => {
      const issues = validateConfigState(
        state({ valueType: 'image', value, defaultValue: 'https://cdn.example.com/b.png' }),
      );
      expect(issues).toEqual([
        { path: 'value', rule: 'format', message: expect.stringContaining(message) },
      ]);
    });

    it.each([0, 0.01, 0.29, 12.34, 33.33, 99.99, 100])('accepts the percentage %p', (p) => {
      expect(validateConfigState(state({ rolloutPercentage: p }))).toEqual([]);
    });

    it('says an attribute path segment starts with a digit', () => {
      const issues = validateConfigState(leaf({ attribute: 'user.2fa', operator: 'exists' }));
      expect(issues).toEqual([
        {
          path: 'targetingRules[0].condition.attribute',
          rule: 'attribute',
          message: expect.stringContaining('segment "2fa" starts with a digit'),
        },
      ]);
      expect(validateConfigState(state({ stickiness: '1st.id' }))).toEqual([
        {
          path: 'stickiness',
          rule: 'attribute',
          message: expect.stringContaining('segment "1st" starts with a digit'),
        },
      ]);
    });

    it('refuses a numeric operand that overflows', () => {
      const issues = validateConfigState(
        leaf({ attribute: 'user.age', operator: 'greater_than', value: '1e400' }),
      );
      expect(rules(issues)).toEqual(['targetingRules[0].condition.value:type']);
    });
  });

  describe('targeting rules', () => {
    const valid: [string, Record<string, unknown>][] = [
      ['equals one', { attribute: 'user.plan', operator: 'equals', value: 'pro' }],
      ['equals any of', { attribute: 'user.plan', operator: 'equals', values: ['pro', 1, true] }],
      ['in', { attribute: 'user.country', operator: 'in', values: ['DE', 'FR'] }],
      [
        'contains ignoreCase',
        { attribute: 'device.os', operator: 'contains', value: 'iOS', ignoreCase: true },
      ],
      ['matches', { attribute: 'user.email', operator: 'matches', value: '@example\\.com$' }],
      [
        'greater_than numeric string',
        { attribute: 'user.age', operator: 'greater_than', value: '30' },
      ],
      ['between', { attribute: 'user.age', operator: 'between', values: [18, 65] }],
      [
        'semver loose',
        { attribute: 'app.version', operator: 'semver_greater_than', value: 'v1.2' },
      ],
      [
        'semver_equals any of',
        { attribute: 'app.version', operator: 'semver_equals', values: ['1.0.0', '2'] },
      ],
      ['before date', { attribute: 'user.signup', operator: 'before', value: '2026-11-24' }],
      [
        'after datetime',
        { attribute: 'user.signup', operator: 'after', value: '2026-11-24T08:30:00Z' },
      ],
      ['exists', { attribute: 'user.id', operator: 'exists' }],
      ['negated not_exists', { attribute: 'user.id', operator: 'not_exists', negate: true }],
      ['custom top-level attribute', { attribute: 'tenant', operator: 'equals', value: 'acme' }],
    ];
    it.each(valid)('accepts %s', (_name, condition) => {
      expect(validateConfigState(leaf(condition))).toEqual([]);
    });

    const invalid: [string, Record<string, unknown>, string[]][] = [
      [
        'unknown operator',
        { attribute: 'a', operator: 'like', value: 'x' },
        ['targetingRules[0].condition.operator:operator'],
      ],
      [
        'in with a single value',
        { attribute: 'a', operator: 'in', value: 'x' },
        ['targetingRules[0].condition:operands'],
      ],
      [
        'not_equals with a list',
        { attribute: 'a', operator: 'not_equals', values: ['x'] },
        ['targetingRules[0].condition:operands'],
      ],
      [
        'equals with both value and values',
        { attribute: 'a', operator: 'equals', value: 'x', values: ['y'] },
        ['targetingRules[0].condition:operands'],
      ],
      [
        'exists with a value',
        { attribute: 'a', operator: 'exists', value: 1 },
        ['targetingRules[0].condition:operands'],
      ],
      [
        'regex RE2 refuses',
        { attribute: 'a', operator: 'matches', value: '(?=x)' },
        ['targetingRules[0].condition.value:regex'],
      ],
      [
        'number operator with a word',
        { attribute: 'a', operator: 'less_than', value: 'ten' },
        ['targetingRules[0].condition.value:type'],
      ],
      [
        'between with three values',
        { attribute: 'a', operator: 'between', values: [1, 2, 3] },
        ['targetingRules[0].condition.values:operands'],
      ],
      [
        'between high before low',
        { attribute: 'a', operator: 'between', values: [9, 1] },
        ['targetingRules[0].condition.values:range'],
      ],
      [
        'semver that is not a version',
        { attribute: 'a', operator: 'semver_less_than', value: 'latest' },
        ['targetingRules[0].condition.value:semver'],
      ],
      [
        'semver given as a number',
        { attribute: 'a', operator: 'semver_less_than', value: 1 },
        ['targetingRules[0].condition.value:semver'],
      ],
      [
        'date that is not ISO 8601',
        { attribute: 'a', operator: 'before', value: '24/11/2026' },
        ['targetingRules[0].condition.value:date'],
      ],
      [
        'list value of an object',
        { attribute: 'a', operator: 'in', values: ['x', { y: 1 }] },
        ['targetingRules[0].condition.values[1]:type'],
      ],
      [
        'empty list',
        { attribute: 'a', operator: 'in', values: [] },
        ['targetingRules[0].condition.values:type'],
      ],
      [
        'attribute with a space',
        { attribute: 'user country', operator: 'exists' },
        ['targetingRules[0].condition.attribute:attribute'],
      ],
      [
        'attribute through constructor',
        { attribute: 'constructor.name', operator: 'exists' },
        ['targetingRules[0].condition.attribute:attribute'],
      ],
      [
        'ignoreCase on a number operator',
        { attribute: 'a', operator: 'greater_than', value: 1, ignoreCase: true },
        ['targetingRules[0].condition.ignoreCase:ignoreCase'],
      ],
      [
        'negate not a boolean',
        { attribute: 'a', operator: 'exists', negate: 'yes' },
        ['targetingRules[0].condition.negate:type'],
      ],
      [
        'unknown leaf field',
        { attribute: 'a', operator: 'exists', op: 'x' },
        ['targetingRules[0].condition.op:unknownProperty'],
      ],
      [
        'group with two keys',
        { all: [{ attribute: 'a', operator: 'exists' }], any: [] },
        ['targetingRules[0].condition:group'],
      ],
      ['empty group', { any: [] }, ['targetingRules[0].condition.any:type']],
    ];
    it.each(invalid)('refuses %s', (_name, condition, expected) => {
      expect(rules(validateConfigState(leaf(condition)))).toEqual(expected);
    });

    it('reports nested paths and checks each rule value against the constraints', () => {
      const s = state({
        maxLength: 3,
        targetingRules: [
          { id: 'ok', condition: { attribute: 'a', operator: 'exists' }, value: 'abc' },
          {
            id: 'bad',
            condition: {
              all: [
                { attribute: 'a', operator: 'exists' },
                { any: [{ attribute: 'b', operator: 'oops' } as never] },
              ],
            },
            value: 'abcd',
          },
        ],
      });
      expect(rules(validateConfigState(s))).toEqual([
        'targetingRules[1].condition.all[1].any[0].operator:operator',
        'targetingRules[1].value:maxLength',
      ]);
    });

    it('refuses repeated rule ids, bad ids and bad rule rollouts', () => {
      const condition = { attribute: 'a', operator: 'exists' } as const;
      const s = state({
        targetingRules: [
          { id: 'same', condition, value: 'x' },
          { id: 'same', condition, value: 'x', rolloutPercentage: 101 },
          { id: 'has space', condition, value: 'x' },
        ],
      });
      expect(rules(validateConfigState(s))).toEqual([
        'targetingRules[1].id:unique',
        'targetingRules[1].rolloutPercentage:rolloutPercentage',
        'targetingRules[2].id:type',
      ]);
    });

    it(`limits nesting to ${TARGETING_LIMITS.maxDepth} levels`, () => {
      const nest = (depth: number): Record<string, unknown> =>
        depth === 1 ? { attribute: 'a', operator: 'exists' } : { all: [nest(depth - 1)] };
      expect(validateConfigState(leaf(nest(TARGETING_LIMITS.maxDepth)))).toEqual([]);
      expect(rules(validateConfigState(leaf(nest(TARGETING_LIMITS.maxDepth + 1))))).toEqual([
        `targetingRules[0].condition${'.all[0]'.repeat(TARGETING_LIMITS.maxDepth)}:maxDepth`,
      ]);
    });

    it(`limits a config to ${TARGETING_LIMITS.maxRules} rules`, () => {
      const make = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          id: `r${i}`,
          condition: { attribute: 'a', operator: 'exists' as const },
          value: 'x',
        }));
      expect(
        validateConfigState(state({ targetingRules: make(TARGETING_LIMITS.maxRules) })),
      ).toEqual([]);
      expect(
        rules(validateConfigState(state({ targetingRules: make(TARGETING_LIMITS.maxRules + 1) }))),
      ).toEqual(['targetingRules:maxRules']);
    });

    it(`limits a config to ${TARGETING_LIMITS.maxLeaves} leaves, reported once`, () => {
      const group = (n: number) => ({
        any: Array.from({ length: n }, () => ({ attribute: 'a', operator: 'exists' })),
      });
      expect(validateConfigState(leaf(group(TARGETING_LIMITS.maxLeaves)))).toEqual([]);
      expect(rules(validateConfigState(leaf(group(TARGETING_LIMITS.maxLeaves + 5))))).toEqual([
        `targetingRules[0].condition.any[${TARGETING_LIMITS.maxLeaves}]:maxLeaves`,
      ]);
    });

    it(`limits a config to ${TARGETING_LIMITS.maxListValues} list values`, () => {
      const list = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
      expect(
        validateConfigState(
          leaf({ attribute: 'a', operator: 'in', values: list(TARGETING_LIMITS.maxListValues) }),
        ),
      ).toEqual([]);
      expect(
        rules(
          validateConfigState(
            leaf({
              attribute: 'a',
              operator: 'in',
              values: list(TARGETING_LIMITS.maxListValues + 1),
            }),
          ),
        ),
      ).toEqual(['targetingRules[0].condition.values:maxListValues']);
    });
  });

  it('collects every problem, not only the first', () => {
    const s = state({
      key: 'Bad Key',
      valueType: 'integer',
      value: 'x',
      defaultValue: 1.5,
      minValue: 3,
      maxValue: 1,
      targetingRules: [
        { id: 'r', condition: { attribute: 'a', operator: 'in', value: 1 } as never, value: null },
      ],
    });
    expect(rules(validateConfigState(s))).toEqual([
      'key:key',
      'minValue:range',
      'value:type',
      'defaultValue:type',
      'targetingRules[0].condition:operands',
      'targetingRules[0].value:type',
    ]);
  });

  it('caps the number of reported issues', () => {
    const s = state({ allowedValues: Array.from({ length: 500 }, (_, i) => i) });
    const issues = validateConfigState(s);
    expect(issues).toHaveLength(101);
    expect(issues[100]).toMatchObject({
      rule: 'tooManyIssues',
      message: '400 more issues were omitted',
    });
  });

  it('never throws and never touches Object.prototype, whatever it is given', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(
        fc.record({
          key: fc.oneof(fc.string(), fc.anything()),
          valueType: fc.constantFrom(
            'string',
            'integer',
            'boolean',
            'decimal',
            'json',
            'image',
            'nope',
          ),
          value: fc.anything(),
          defaultValue: fc.anything(),
          targetingRules: fc.oneof(
            fc.anything(),
            fc.array(
              fc.record({ id: fc.anything(), condition: fc.anything(), value: fc.anything() }),
            ),
          ),
          rolloutPercentage: fc.anything(),
          minValue: fc.anything(),
          maxLength: fc.anything(),
          pattern: fc.anything(),
          allowedValues: fc.anything(),
          validationSchema: fc.anything(),
        }),
        (random) => {
          const issues = validateConfigState(state(random as Partial<ConfigState>));
          expect(Array.isArray(issues)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    );
    validateConfigState(
      state({
        valueType: 'json',
        value: hostile,
        defaultValue: hostile,
        targetingRules: [hostile],
      }),
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('validateValue', () => {
  it('checks one value for the writers that carry their own (variants, candidates)', () => {
    const constraints = {
      minValue: 1,
      maxValue: 10,
      minLength: null,
      maxLength: null,
      pattern: null,
      allowedValues: null,
      validationSchema: null,
    };
    expect(validateValue(5, 'integer', constraints, 'variants[0].value')).toEqual([]);
    expect(rules(validateValue(50, 'integer', constraints, 'variants[1].value'))).toEqual([
      'variants[1].value:maxValue',
    ]);
    expect(rules(validateValue(undefined, 'integer', constraints, 'candidate.value'))).toEqual([
      'candidate.value:required',
    ]);
  });
});
