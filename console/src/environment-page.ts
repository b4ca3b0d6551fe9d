/** Pages of an environment that exist in every environment (a config's page does not). */
const SHARED_PAGES = new Set([
  'configs',
  'history',
  'explain-served',
  'fetch-log',
  'analytics',
  'stale-configs',
  'experiments',
]);

/**
 * Where the environment switcher goes: the same page in the other environment, without the
 * page's filters (they may name configs that it does not have); a config's page, or anything
 * else, goes to the other environment's config list.
 */
export function pageInEnvironment(pathname: string, next: string): string {
  const page = /^(?:\/console)?\/envs\/[^/]+\/([^/]+)\/?$/.exec(pathname)?.[1];
  return `/envs/${encodeURIComponent(next)}/${page && SHARED_PAGES.has(page) ? page : 'configs'}`;
}
