import { GraphQLRequestContextResponseForOperation, GraphQLRequestListener } from '@apollo/server';
import {
  getOperationAST,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
} from 'graphql';
import { jitExecutionPlugin, MAX_COMPILED_FIELDS, selectsMoreThan } from './jit-execution.plugin';

interface Ctx {
  user: string;
}

const Item = new GraphQLObjectType({
  name: 'Item',
  fields: { key: { type: GraphQLString }, size: { type: GraphQLInt } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      items: {
        type: new GraphQLList(Item),
        args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: (_root, { n }: { n: number }, ctx: Ctx) =>
          Array.from({ length: n }, (_, i) => ({ key: `${ctx.user}-${i}`, size: i })),
      },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('no');
        },
      },
    },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: { touch: { type: GraphQLInt, resolve: () => 1 } },
  }),
});

function request(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return {
    schema,
    document,
    operation: getOperationAST(document),
    operationName: null,
    queryHash: query,
    contextValue: { user: 'u' },
    request: { query, variables },
  } as unknown as GraphQLRequestContextResponseForOperation<Ctx>;
}

async function listener(): Promise<GraphQLRequestListener<Ctx>> {
  const plugin = jitExecutionPlugin<Ctx>();
  return (await plugin.requestDidStart!(request('{ __typename }')))!;
}

describe('jitExecutionPlugin', () => {
  it('leaves a query to Apollo until it is hot, then answers it from compiled code', async () => {
    const hooks = await listener();
    const query = 'query ($n: Int!) { items(n: $n) { key size } }';
    expect(await hooks.responseForOperation!(request(query, { n: 1 }))).toBeNull();
    expect(await hooks.responseForOperation!(request(query, { n: 1 }))).toBeNull();
    const hot = await hooks.responseForOperation!(request(query, { n: 2 }));
    expect(hot?.body).toEqual({
      kind: 'single',
      singleResult: {
        data: {
          items: [
            { key: 'u-0', size: 0 },
            { key: 'u-1', size: 1 },
          ],
        },
      },
    });
  });

  it('hands a run with errors back to Apollo, so errors keep their usual shape', async () => {
    const hooks = await listener();
    for (let i = 0; i < 5; i += 1) {
      expect(await hooks.responseForOperation!(request('{ broken }'))).toBeNull();
    }
    const query = 'query ($n: Int!) { items(n: $n) { key } }';
    for (let i = 0; i < 3; i += 1) await hooks.responseForOperation!(request(query, { n: 1 }));
    // Bad variables are a variable coercion error: Apollo's, with its status.
    expect(await hooks.responseForOperation!(request(query, { n: 'x' }))).toBeNull();
  });

  it('never runs mutations', async () => {
    const hooks = await listener();
    for (let i = 0; i < 5; i += 1) {
      expect(await hooks.responseForOperation!(request('mutation { touch }'))).toBeNull();
    }
  });

  it('leaves an operation selecting more than MAX_COMPILED_FIELDS fields to Apollo, however hot', async () => {
    const hooks = await listener();
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: items(n: 1) { key }`).join(' ')} }`;
    // Two fields an alias: at the limit, then one over it.
    const atLimit = aliases(MAX_COMPILED_FIELDS / 2);
    const overLimit = `${aliases(MAX_COMPILED_FIELDS / 2).slice(0, -1)} extra: __typename }`;
    for (let i = 0; i < 2; i += 1) await hooks.responseForOperation!(request(atLimit));
    expect(await hooks.responseForOperation!(request(atLimit))).not.toBeNull();
    for (let i = 0; i < 5; i += 1) {
      expect(await hooks.responseForOperation!(request(overLimit))).toBeNull();
    }
  });
});

describe('selectsMoreThan', () => {
  const selects = (query: string, limit: number) => {
    const document = parse(query);
    return selectsMoreThan(document, getOperationAST(document)!, limit);
  };

  it('counts every alias, and the fields of a fragment wherever it is spread', () => {
    const query = `{ a: items(n: 1) { ...F } b: items(n: 1) { ... on Item { key } } }
      fragment F on Item { key size }`;
    // a, key, size, b, key: 5 fields.
    expect(selects(query, 5)).toBe(false);
    expect(selects(query, 4)).toBe(true);
  });

  it('stops counting past the limit, however far fragments would expand', () => {
    const fragments = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i} on Item { key ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const query = `{ items(n: 1) { ...F0 } }\n${fragments}\nfragment F30 on Item { size }`;
    expect(selects(query, 1_000)).toBe(true);
  });
});
