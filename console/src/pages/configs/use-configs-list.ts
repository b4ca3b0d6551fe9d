import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { useClient, useSubscription, type CombinedError } from 'urql';
import type { ConfigOrder } from '../../api/gql/graphql';
import { ConfigChangedSubscription, ConfigsQuery } from '../../api/operations';
import { takePrefetched } from '../../api/prefetch';
import { readToken } from '../../api/session';
import { useSession } from '../../api/session-context';
import {
  applyConfigEvent,
  configsVariables,
  toApiFilter,
  type ConfigRow,
  type ListFilter,
} from './configs-list-state';
const HIGHLIGHT_MS = 2500;

interface ListState {
  rows: ConfigRow[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: CombinedError | null;
}

const initial: ListState = {
  rows: [],
  endCursor: null,
  hasNextPage: true,
  loading: true,
  error: null,
};

/**
 * The environment's configs for a filter in the server's `orderBy`, page by page through the
 * Relay connection, kept live by `configChanged`; rows changed elsewhere are listed in
 * `highlighted` for a moment.
 */
export function useConfigsList(environment: string, filter: ListFilter, orderBy: ConfigOrder) {
  const client = useClient();
  const [state, setState] = useState<ListState>(initial);
  const [highlighted, setHighlighted] = useState<ReadonlySet<string>>(new Set());
  const generation = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;
  const filterKey = JSON.stringify(toApiFilter(filter));
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const orderKey = JSON.stringify(orderBy);
  const orderRef = useRef(orderBy);
  orderRef.current = orderBy;

  const fetchPage = useCallback(
    async (after: string | null, reset: boolean) => {
      const mine = generation.current;
      setState((s) => ({ ...(reset ? initial : s), loading: true, error: null }));
      const variables = configsVariables(
        environment,
        filterRef.current,
        JSON.parse(orderKey) as ConfigOrder,
        after,
      );
      // The first page of the first screen was asked for as the script started.
      const result = await (takePrefetched(readToken(), ConfigsQuery, variables) ??
        client.query(ConfigsQuery, variables, { requestPolicy: 'network-only' }).toPromise());
      if (mine !== generation.current) return;
      if (result.error || !result.data) {
        setState((s) => ({ ...s, loading: false, error: result.error ?? null }));
        return;
      }
      const page = result.data.configs;
      // A further page lands below the rows in view: render it as a transition, in slices
      // that let a scroll through, not in one long task.
      const apply = reset ? (update: () => void) => update() : startTransition;
      apply(() =>
        setState((s) => {
          const seen = new Set(s.rows.map((r) => r.id));
          const added = page.edges.map((e) => e.node).filter((n) => !seen.has(n.id));
          return {
            rows: reset ? added : [...s.rows, ...added],
            endCursor: page.pageInfo.endCursor ?? null,
            hasNextPage: page.pageInfo.hasNextPage,
            loading: false,
            error: null,
          };
        }),
      );
    },
    [client, environment, filterKey, orderKey],
  );

  useEffect(() => {
    generation.current += 1;
    void fetchPage(null, true);
  }, [fetchPage]);

  // While the websocket is down, changes are missed: say so, and reload once it is back.
  const { watchLive } = useSession();
  const [live, setLive] = useState(true);
  const liveRef = useRef(true);
  useEffect(
    () =>
      watchLive((state) => {
        if (state === 'lost') {
          liveRef.current = false;
          setLive(false);
        } else if (!liveRef.current) {
          liveRef.current = true;
          setLive(true);
          generation.current += 1;
          void fetchPage(null, true);
        }
      }),
    [watchLive, fetchPage],
  );

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    if (s.loading || !s.hasNextPage || s.error) return;
    void fetchPage(s.endCursor, false);
  }, [fetchPage]);

  const retry = useCallback(() => {
    const s = stateRef.current;
    void fetchPage(s.rows.length ? s.endCursor : null, s.rows.length === 0);
  }, [fetchPage]);

  useSubscription({ query: ConfigChangedSubscription, variables: { environment } }, (_, event) => {
    const change = event.configChanged;
    setState((s) => ({
      ...s,
      rows: applyConfigEvent(s.rows, change, filterRef.current, !s.hasNextPage, orderRef.current),
    }));
    setHighlighted((h) => new Set(h).add(change.configId));
    setTimeout(
      () =>
        setHighlighted((h) => {
          const next = new Set(h);
          next.delete(change.configId);
          return next;
        }),
      HIGHLIGHT_MS,
    );
    return event;
  });

  return { ...state, live, highlighted, loadMore, retry };
}
