import { matchPath } from 'react-router';
import { MeQuery, ConfigsQuery } from './api/operations';
import { prefetch } from './api/prefetch';
import { readToken } from './api/session';
import {
  INITIAL_FILTER,
  INITIAL_SORT,
  SORTS,
  configsVariables,
} from './pages/configs/configs-list-state';

/**
 * Starts the first screen's queries as the script starts (main.tsx imports this first, so it
 * runs before the rest of the bundle evaluates): with a key from this tab, the session check
 * and, on a configs page, the list's first page leave together; the list does not wait for the
 * session check's round trip, nor for React to mount.
 */
const token = readToken();
if (token) {
  prefetch(token, MeQuery, {});
  const configsPage = matchPath('/console/envs/:env/configs', window.location.pathname);
  const env = configsPage?.params.env;
  if (env) {
    prefetch(
      token,
      ConfigsQuery,
      configsVariables(env, INITIAL_FILTER, SORTS[INITIAL_SORT].orderBy, null),
    );
  }
}
