/** Pages of an environment that exist in every environment (a config's page does not). */
const SHARED_PAGES = new Set([
  'configs',
  'history',
  'explain-served',
  'fetch-log',
  'analytics',
  'stale-configs',
  'experiments',
  'notifications',
  'notifications/webhooks',
  'notifications/deliveries',
  'notifications/email',
  'deployments',
  'alerts',
]);

/**
 * Where the environment switcher goes: the same page in the other environment, without the
 * page's filters (they may name configs that it does not have); from a page of one thing (a
 * webhook endpoint, an experiment) to the list it belongs to; a config's page, or anything
 * else, goes to the other environment's config list.
 */
export function pageInEnvironment(pathname: string, next: string): string {
  const rest = /^(?:\/console)?\/envs\/[^/]+\/(.*?)\/?$/.exec(pathname)?.[1] ?? '';
  const segments = rest.split('/');
  let page = 'configs';
  for (let length = segments.length; length > 0; length -= 1) {
    const candidate = segments.slice(0, length).join('/');
    if (SHARED_PAGES.has(candidate)) {
      page = candidate;
      break;
    }
  }
  return `/envs/${encodeURIComponent(next)}/${page}`;
}
