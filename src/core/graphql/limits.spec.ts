import { buildSchema, GraphQLError, Kind } from 'graphql';
import { AppConfig } from '../config/app-config';
import { GRAPHQL_MAX_TOKENS, parseWithLimits, validateWithLimits } from './limits';

const schema = buildSchema('type Query { name: String, me: Query }');
const config = {
  GRAPHQL_MAX_DEPTH: 3,
  GRAPHQL_MAX_COST: 25,
  GRAPHQL_MAX_ALIASES: 2,
  introspection: false,
} as AppConfig;

function errorsOf(result: ReturnType<typeof parseWithLimits>): GraphQLError[] {
  if (!Array.isArray(result)) throw new Error('expected errors, got a document');
  return result;
}

describe('parseWithLimits', () => {
  it('parses a document within the token limit', () => {
    const document = parseWithLimits('{ me { name } }');
    expect(Array.isArray(document) ? document : document.kind).toBe(Kind.DOCUMENT);
  });

  it('answers a syntax error as GRAPHQL_PARSE_FAILED, with its location', () => {
    const [error] = errorsOf(parseWithLimits('{'));
    expect(error.message).toMatch(/^Syntax Error/);
    expect(error.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(error.locations).toEqual([{ line: 1, column: 2 }]);
  });

  it('refuses a document over the token limit as a syntax error naming the limit', () => {
    const [error] = errorsOf(parseWithLimits(`{ ${'name '.repeat(GRAPHQL_MAX_TOKENS)}}`));
    expect(error.message).toMatch(new RegExp(`more \\w+ ${GRAPHQL_MAX_TOKENS} tokens`));
    expect(error.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('validateWithLimits', () => {
  const validate = validateWithLimits(config);
  const validated = (query: string) => {
    const document = parseWithLimits(query);
    if (Array.isArray(document)) throw new Error('expected a document');
    return validate(schema, document);
  };

  it('codes every limit as Apollo codes it over HTTP, GRAPHQL_VALIDATION_FAILED', () => {
    const errors = [
      ...validated('{ me { me { me { me { name } } } } }'),
      ...validated(`{ ${'name '.repeat(30)}}`),
      ...validated('{ a: name b: name c: name }'),
    ];
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/depth limit of 3/),
      expect.stringMatching(/Cost limit of 25/),
      expect.stringMatching(/Aliases limit of 2/),
    ]);
    expect(errors.map((e) => e.extensions.code)).toEqual(
      Array(3).fill('GRAPHQL_VALIDATION_FAILED'),
    );
  });

  it('hides field suggestions with introspection off, as over HTTP, and keeps them with it on', () => {
    const [hidden] = validated('{ nam }');
    expect(hidden.message).toBe('Cannot query field "nam" on type "Query". [Suggestion hidden]');
    const document = parseWithLimits('{ nam }');
    if (Array.isArray(document)) throw new Error('expected a document');
    const open = { ...config, introspection: true } as AppConfig;
    const [shown] = validateWithLimits(open)(schema, document);
    expect(shown.message).toMatch(/Did you mean "name"\?/);
  });

  it('accepts a document within the limits', () => {
    expect(validated('{ me { name } }')).toEqual([]);
  });
});
