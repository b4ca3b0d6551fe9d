import { createClient as createWsClient } from 'graphql-ws';
import {
  Client,
  cacheExchange,
  fetchExchange,
  subscriptionExchange,
  type ClientOptions,
} from 'urql';

/** Same origin as the page: the api serves the console, so no CORS and a strict CSP. */
export function graphqlUrls(location: Location): { http: string; ws: string } {
  const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: '/graphql', ws: `${wsProtocol}//${location.host}/graphql` };
}

/** The websocket that carries subscriptions: up, or dropped and being retried. */
export type LiveState = 'connected' | 'lost';

export interface ApiClient {
  client: Client;
  /** Calls `listener` on every connect and every unexpected drop; returns the unsubscribe. */
  watchLive(listener: (state: LiveState) => void): () => void;
  dispose(): void;
}

/** How queries go over HTTP with a key: same origin, POST always, the key in a header. */
export function httpOptions(
  token: string,
): Pick<ClientOptions, 'url' | 'preferGetMethod' | 'fetchOptions'> {
  return {
    url: graphqlUrls(window.location).http,
    // POST always: the API's CSRF prevention refuses simple GET requests.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
  };
}

export function createApiClient(token: string, onUnauthenticated: () => void): ApiClient {
  const urls = graphqlUrls(window.location);
  const liveListeners = new Set<(state: LiveState) => void>();
  const ws = createWsClient({
    url: urls.ws,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => liveListeners.forEach((listener) => listener('connected')),
      closed: (event) => {
        const code = (event as CloseEvent).code;
        if (code === 4401) onUnauthenticated();
        // 1000 is the lazy close when nothing is subscribed any more, not a drop.
        else if (code !== 1000) liveListeners.forEach((listener) => listener('lost'));
      },
    },
  });
  const client = new Client({
    ...httpOptions(token),
    requestPolicy: 'cache-and-network',
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
  return {
    client,
    watchLive(listener) {
      liveListeners.add(listener);
      return () => liveListeners.delete(listener);
    },
    dispose: () => void ws.dispose(),
  };
}
