import Ajv2020 from 'ajv/dist/2020';
import { fullFormats } from 'ajv-formats/dist/formats';
import fc from 'fast-check';
import { compileJsonSchema, schemaErrors } from './json-schema';
import { SCHEMA_LIMITS, SchemaLimitError } from './json-schema-limits';

function compiled(schema: unknown) {
  const validate = compileJsonSchema(schema);
  if (validate instanceof Error) throw validate;
  return validate;
}

function refusal(schema: unknown): [string, string] {
  const error = compileJsonSchema(schema);
  if (!(error instanceof SchemaLimitError)) throw new Error(`not refused: ${String(error)}`);
  return [error.rule, error.message];
}

/** `depth` links of `anyOf: [$ref next, $ref next]`. */
function chainedAnyOf(depth: number) {
  const defs: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) {
    const next = { $ref: `#/$defs/d${i + 1}` };
    defs[`d${i}`] = { anyOf: [next, next] };
  }
  defs[`d${depth}`] = { type: 'string' };
  return { $ref: '#/$defs/d0', $defs: defs };
}

// A backtracking engine never finishes these: 2^100000 ways to split the a's.
const HOSTILE = `${'a'.repeat(100_000)}!`;

describe('compileJsonSchema', () => {
  describe('patterns run on RE2', () => {
    it('answers a pattern that backtracks exponentially on RegExp', () => {
      const validate = compiled({ type: 'string', pattern: '^(a+)+$' });
      expect(schemaErrors(validate, HOSTILE)).toEqual(['(value) must match pattern "^(a+)+$"']);
      expect(schemaErrors(validate, 'aaaa')).toEqual([]);
    });

    it('runs patternProperties and propertyNames patterns on RE2', () => {
      const validate = compiled({
        type: 'object',
        patternProperties: { '^(a+)+$': { type: 'integer' } },
        propertyNames: { pattern: '^(b+)+$|^(a+)+$' },
      });
      expect(schemaErrors(validate, { [HOSTILE]: 1 })).toEqual([
        '(value) must match pattern "^(b+)+$|^(a+)+$"',
        '(value) property name must be valid',
      ]);
      expect(schemaErrors(validate, { aaa: 'x' })).toEqual(['/aaa must be integer']);
    });

    it.each([
      ['pattern', { pattern: '(a)\\1' }],
      ['patternProperties', { patternProperties: { '(?=a)': true } }],
      ['propertyNames', { propertyNames: { pattern: '(?<!a)b' } }],
    ])('refuses a %s that RE2 cannot run (JavaScript could)', (_keyword, schema) => {
      const error = compileJsonSchema(schema);
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).toMatch(/pattern/);
    });
  });

  describe('formats run on RE2', () => {
    it.each([
      'email',
      'uri',
      'uri-reference',
      'uri-template',
      'url',
      'hostname',
      'ipv4',
      'ipv6',
      'uuid',
      'duration',
      'byte',
      'json-pointer',
      'relative-json-pointer',
      'date-time',
    ])('%s answers a hostile 100 KB string', (format) => {
      const validate = compiled({ type: 'string', format });
      expect(validate(`a@${'a.'.repeat(50_000)} `)).toBe(false);
      expect(validate(`${'a'.repeat(100_000)} `)).toBe(false);
    });

    const vectors: [string, string[], string[]][] = [
      ['email', ['a.b+c@example.com', 'x@sub.example.org'], ['a@', 'a..b@x.com', '@x.com']],
      [
        'hostname',
        ['example.com', 'a.', `${'a'.repeat(63)}.com`],
        ['-a.com', `${'a.'.repeat(127)}a`],
      ],
      ['duration', ['P1Y2M', 'PT1H', 'P1W', 'P1DT2H3M4S'], ['P', 'PT', 'P1H', 'PT1', 'P1W2D']],
      [
        'url',
        ['https://example.com/a?b', 'http://8.8.8.8/'],
        ['https://10.0.0.1/', 'http://192.168.1.1', 'http://172.16.0.1/', 'mailto:x@y'],
      ],
      ['uri', ['https://example.com/a?b#c', 'urn:isbn:123', 'a:b'], ['/relative', 'ex ample:x']],
      ['byte', ['', 'aGVsbG8=', 'aGk='], ['aGk', 'a===']],
      ['regex', ['^a+$', '[a-z]{2,3}'], ['(a)\\1', '(?=a)', '[']],
      ['uuid', ['123e4567-e89b-12d3-a456-426614174000'], ['123e4567e89b12d3a456426614174000']],
      ['ipv6', ['::1', '2001:db8::8a2e:370:7334'], ['1:2:3:4:5:6:7:8:9']],
    ];
    it.each(vectors)('%s keeps the meaning ajv-formats gives it', (format, valid, invalid) => {
      const validate = compiled({ type: 'string', format });
      for (const value of valid) expect([value, validate(value)]).toEqual([value, true]);
      for (const value of invalid) expect([value, validate(value)]).toEqual([value, false]);
    });

    it('agrees with ajv-formats on its own regexes for ordinary values', () => {
      const samples = ['https://a.example/x', 'a@b.co', 'x', '1.2.3.4', '/a~1b', '0#', 'a{b}'];
      for (const [format, definition] of Object.entries(fullFormats)) {
        if (!(definition instanceof RegExp)) continue;
        const validate = compiled({ type: 'string', format });
        for (const sample of samples)
          expect([format, sample, validate(sample)]).toEqual([
            format,
            sample,
            definition.test(sample),
          ]);
      }
    });
  });

  describe('limits', () => {
    it('accepts an ordinary schema with local $refs', () => {
      const validate = compiled({
        type: 'object',
        properties: { price: { $ref: '#/$defs/money' }, tags: { type: 'array', items: true } },
        $defs: { money: { type: 'string', pattern: '^\\d+\\.\\d{2}$' } },
      });
      expect(schemaErrors(validate, { price: '1.5' })).toEqual([
        '/price must match pattern "^\\d+\\.\\d{2}$"',
      ]);
    });

    it('refuses a chain of anyOf $refs that expands exponentially', () => {
      expect(refusal(chainedAnyOf(18))).toEqual([
        'maxSchemaExpansion',
        `expands to more than ${SCHEMA_LIMITS.maxSchemaExpansion} subschemas once its $refs are followed`,
      ]);
      expect(compileJsonSchema(chainedAnyOf(8))).not.toBeInstanceOf(Error);
    });

    it('refuses a schema nested too deep', () => {
      let schema: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < SCHEMA_LIMITS.maxSchemaDepth; i++) schema = { items: schema };
      expect(refusal(schema)[0]).toBe('maxSchemaDepth');
    });

    it('refuses too many $refs', () => {
      const properties = Object.fromEntries(
        Array.from({ length: SCHEMA_LIMITS.maxSchemaRefs + 1 }, (_, i) => [
          `p${i}`,
          { $ref: '#/$defs/x' },
        ]),
      );
      expect(refusal({ properties, $defs: { x: { type: 'string' } } })[0]).toBe('maxSchemaRefs');
    });

    it('refuses a combinator with too many branches', () => {
      const anyOf = Array.from({ length: SCHEMA_LIMITS.maxSchemaFanOut + 1 }, (_, i) => ({
        const: i,
      }));
      expect(refusal({ anyOf })).toEqual([
        'maxSchemaFanOut',
        `anyOf has more than ${SCHEMA_LIMITS.maxSchemaFanOut} subschemas`,
      ]);
    });

    it('refuses a schema over its size', () => {
      const big = { description: 'x'.repeat(SCHEMA_LIMITS.maxSchemaBytes) };
      expect(refusal(big)[0]).toBe('maxSchemaBytes');
    });

    it.each([
      ['a recursive $ref', { $defs: { n: { items: { $ref: '#/$defs/n' } } }, $ref: '#/$defs/n' }],
      ['a $ref to the root from inside', { properties: { self: { $ref: '#' } } }],
      ['a remote $ref', { $ref: 'https://example.com/schema.json' }],
      ['an anchor $ref', { $ref: '#name', $defs: { a: { $anchor: 'name' } } }],
      ['$dynamicRef', { $dynamicRef: '#meta' }],
      ['a nested $id', { properties: { a: { $id: 'other', $ref: '#/x' } } }],
    ])('refuses %s', (_name, schema) => {
      expect(refusal(schema)[0]).toBe('schemaRef');
    });

    it('reads property names as data, not as keywords', () => {
      expect(
        compileJsonSchema({ properties: { $id: { type: 'string' }, $ref: { type: 'string' } } }),
      ).not.toBeInstanceOf(Error);
    });
  });

  describe('uniqueItems', () => {
    const unique = compiled({ type: 'array', uniqueItems: true });

    it('treats equal JSON values as duplicates, whatever their member order or number form', () => {
      expect(
        schemaErrors(unique, [
          { a: 1, b: [2, { c: 3, d: 4 }] },
          { b: [2, { d: 4, c: 3 }], a: 1 },
        ]),
      ).toEqual(['(value) must NOT have duplicate items (items ## 0 and 1 are identical)']);
      expect(schemaErrors(unique, JSON.parse('[1, 2, 1.0]'))).toEqual([
        '(value) must NOT have duplicate items (items ## 0 and 2 are identical)',
      ]);
      expect(schemaErrors(unique, JSON.parse('[10, 1e1]'))).toHaveLength(1);
      expect(
        schemaErrors(unique, [
          [1, [2, [3]]],
          [1, [2, [3]]],
        ]),
      ).toHaveLength(1);
      // A `__proto__` member is data like any other (DESIGN.md).
      const proto = (n: number) => JSON.parse(`{"__proto__": ${n}}`) as unknown;
      expect(schemaErrors(unique, [proto(1), proto(2)])).toEqual([]);
      expect(schemaErrors(unique, [proto(1), proto(1)])).toHaveLength(1);
    });

    it('tells apart values of different types or shapes', () => {
      expect(
        schemaErrors(unique, [
          1,
          '1',
          true,
          'true',
          null,
          'null',
          [1],
          { 0: 1 },
          [],
          {},
          [[]],
          [{}],
        ]),
      ).toEqual([]);
      expect(schemaErrors(unique, [[1, 2], [2, 1], { a: 1 }, { a: 1, b: 1 }, { a: [1] }])).toEqual(
        [],
      );
      expect(schemaErrors(compiled({ uniqueItems: false }), [1, 1])).toEqual([]);
      expect(schemaErrors(unique, 'not an array')).toEqual(['(value) must be array']);
    });

    it("agrees with Ajv's own uniqueItems, down to the pair it reports", () => {
      const stock = new Ajv2020({ allErrors: true }).compile({
        type: 'object',
        properties: { list: { type: 'array', uniqueItems: true } },
      });
      const ours = compiled({
        type: 'object',
        properties: { list: { type: 'array', uniqueItems: true } },
      });
      // Few distinct leaves, so duplicates are frequent.
      const small = fc.letrec((tie) => ({
        value: fc.oneof(
          { depthSize: 'small' },
          fc.constantFrom(0, 1, -0, 1.5, 'a', 'b', '', true, false, null),
          fc.array(tie('value'), { maxLength: 3 }),
          fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), {
            maxKeys: 3,
            noNullPrototype: true,
          }),
        ),
      })).value;
      fc.assert(
        fc.property(fc.array(small, { maxLength: 8 }), (list) => {
          // Dictionaries come with their members in any order.
          expect(schemaErrors(ours, { list })).toEqual(
            stock({ list }) ? [] : stock.errors!.map((e) => `${e.instancePath} ${e.message}`),
          );
        }),
        { numRuns: 2000 },
      );
    });

    it('refuses a uniqueItems that is not a boolean', () => {
      expect(String(compileJsonSchema({ uniqueItems: 'yes' }))).toMatch(
        /uniqueItems must be boolean/,
      );
    });
  });
});
