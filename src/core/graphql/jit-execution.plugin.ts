import { ApolloServerPlugin, GraphQLRequestContext, HeaderMap } from '@apollo/server';
import {
  DocumentNode,
  FragmentDefinitionNode,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { compileQuery, CompiledQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Compiled operations kept, least recently used dropped first. */
const COMPILED = 1000;
/** A document is compiled on its `HOT`th run: one-off queries never pay for compilation. */
const HOT = 3;

/**
 * Fields an operation may select (each alias, and each field of a fragment where it is
 * spread, counted) to be compiled. Compiling costs ~0.1-0.2 ms a field, more as operations
 * grow (700 fields: ~150 ms in one stretch), so larger operations always run on graphql-js,
 * which needs no compilation; `evaluate` selects fewer than ten.
 */
export const MAX_COMPILED_FIELDS = 300;

type Compiled = CompiledQuery | 'no';

/** Whether the operation selects more than `limit` fields, fragments expanded (counting stops there). */
export function selectsMoreThan(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limit: number,
): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  let count = 0;
  const visit = (selections: SelectionSetNode): boolean => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        count += 1;
        if (count > limit) return true;
        if (selection.selectionSet && visit(selection.selectionSet)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet)) return true;
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && visit(fragment.selectionSet)) return true;
      }
    }
    return false;
  };
  return visit(operation.selectionSet);
}

/**
 * Runs hot queries through graphql-jit instead of graphql-js's `execute`. graphql-js walks
 * the document for every field of every response (an `evaluate` of 100 configs resolves 300
 * fields: argument coercion, path and info objects, type checks per field); graphql-jit turns
 * an operation into one function once, which does only the field reads and checks it must.
 *
 * Only queries, only after a document has run `HOT` times, and only those that select at
 * most MAX_COMPILED_FIELDS fields: a compilation is one synchronous stretch, so it must stay
 * short (docs/evaluation.md, "Limits on synchronous work"). The same resolvers, context and
 * schema. A run that reports any error is answered by Apollo's own execution instead, so
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
    runs.delete(key);
    if (selectsMoreThan(request.document!, request.operation!, MAX_COMPILED_FIELDS)) {
      compiled.set(key, 'no');
      return 'no';
    }
    const query = compileQuery(
      request.schema,
      request.document!,
      request.operationName ?? undefined,
    );
    const entry: Compiled = isCompiledQuery(query) ? query : 'no';
    compiled.set(key, entry);
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
