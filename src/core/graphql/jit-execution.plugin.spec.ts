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
import { jitExecutionPlugin } from './jit-execution.plugin';

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
});
