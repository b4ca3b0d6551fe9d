import {
  Client,
  fetchExchange,
  type AnyVariables,
  type OperationResult,
  type TypedDocumentNode,
} from 'urql';
import { httpOptions } from './client';

interface Prefetched {
  token: string;
  query: TypedDocumentNode<unknown, AnyVariables>;
  variables: string;
  result: Promise<OperationResult>;
}

const prefetched: Prefetched[] = [];

/**
 * Sends a query now, before anything asks for it, so the first screen's requests leave together
 * as the script starts instead of one after the other as components mount. The result waits
 * for `takePrefetched` with the same key, query and variables.
 */
export function prefetch<D, V extends AnyVariables>(
  token: string,
  query: TypedDocumentNode<D, V>,
  variables: V,
): void {
  const client = new Client({ ...httpOptions(token), exchanges: [fetchExchange] });
  prefetched.push({
    token,
    query: query as TypedDocumentNode<unknown, AnyVariables>,
    variables: JSON.stringify(variables),
    result: client.query(query, variables, { requestPolicy: 'network-only' }).toPromise(),
  });
}

/** The answer to a matching `prefetch`, once (a later ask goes to the network); else undefined. */
export function takePrefetched<D, V extends AnyVariables>(
  token: string | null,
  query: TypedDocumentNode<D, V>,
  variables: V,
): Promise<OperationResult<D, V>> | undefined {
  const key = JSON.stringify(variables);
  const at = prefetched.findIndex(
    (p) => p.token === token && p.query === query && p.variables === key,
  );
  if (at === -1) return undefined;
  return prefetched.splice(at, 1)[0].result as Promise<OperationResult<D, V>>;
}
