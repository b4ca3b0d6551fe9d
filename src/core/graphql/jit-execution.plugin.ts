import { ApolloServerPlugin, GraphQLRequestContext, HeaderMap } from '@apollo/server';
import { compileQuery, CompiledQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Compiled operations kept, least recently used dropped first. */
const COMPILED = 1000;
/** A document is compiled on its `HOT`th run: one-off queries never pay for compilation. */
const HOT = 3;

type Compiled = CompiledQuery | 'no';

/**
 * Runs hot queries through graphql-jit instead of graphql-js's `execute`. graphql-js walks
 * the document for every field of every response (an `evaluate` of 100 configs resolves 300
 * fields: argument coercion, path and info objects, type checks per field); graphql-jit turns
 * an operation into one function once, which does only the field reads and checks it must.
 *
 * Only queries, and only after a document has run `HOT` times; the same resolvers, context
 * and schema. A run that reports any error is answered by Apollo's own execution instead, so
 * errors keep exactly their usual shape, codes and masking (queries have no side effects, so
 * running one twice is safe; only failing queries pay for it). Mutations and subscriptions
 * never come here.
 */
export function jitExecutionPlugin<T extends object>(): ApolloServerPlugin<T> {
  const compiled = new LRUCache<string, Compiled>({ max: COMPILED });
  const runs = new LRUCache<string, number>({ max: COMPILED });

  const compiledFor = (request: GraphQLRequestContext<T>): Compiled | undefined => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    const known = compiled.get(key);
    if (known !== undefined) return known;
    const seen = (runs.get(key) ?? 0) + 1;
    runs.set(key, seen);
    if (seen < HOT) return undefined;
    const query = compileQuery(
      request.schema,
      request.document!,
      request.operationName ?? undefined,
    );
    const entry: Compiled = isCompiledQuery(query) ? query : 'no';
    compiled.set(key, entry);
    runs.delete(key);
    return entry;
  };

  return {
    async requestDidStart() {
      return {
        async responseForOperation(request) {
          if (request.operation?.operation !== 'query') return null;
          const query = compiledFor(request);
          if (query === undefined || query === 'no') return null;
          const result = await query.query(
            undefined,
            request.contextValue,
            request.request.variables ?? {},
          );
          if (result.errors?.length) return null;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: result.data } },
          };
        },
      };
    },
  };
}
