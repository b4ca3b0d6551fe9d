import { createClient as createWsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';

/** Same origin as the page: the api serves the console, so no CORS and a strict CSP. */
export function graphqlUrls(location: Location): { http: string; ws: string } {
  const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: '/graphql', ws: `${wsProtocol}//${location.host}/graphql` };
}

export interface ApiClient {
  client: Client;
  dispose(): void;
}

export function createApiClient(token: string, onUnauthenticated: () => void): ApiClient {
  const urls = graphqlUrls(window.location);
  const ws = createWsClient({
    url: urls.ws,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      closed: (event) => {
        if ((event as CloseEvent).code === 4401) onUnauthenticated();
      },
    },
  });
  const client = new Client({
    url: urls.http,
    requestPolicy: 'cache-and-network',
    // POST always: the API's CSRF prevention refuses simple GET requests.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
