import { matchPath } from 'react-router';
import { MeQuery, ConfigsQuery } from './api/operations';
import { prefetch } from './api/prefetch';
import { readLastEnvironment, readToken } from './api/session';
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
 * session check's round trip, nor for React to mount. The console's root goes to the
 * environment this tab last showed (`EnvironmentRedirect`), so its list leaves at once too.
 */
const token = readToken();
if (token) {
  prefetch(token, MeQuery, {});
  const configsPage = matchPath('/console/envs/:env/configs', window.location.pathname);
  const atRoot = matchPath('/console', window.location.pathname) !== null;
  const env = configsPage?.params.env ?? (atRoot ? readLastEnvironment() : undefined);
  if (env) {
    prefetch(
      token,
      ConfigsQuery,
      configsVariables(env, INITIAL_FILTER, SORTS[INITIAL_SORT].orderBy, null),
    );
  }
}
