// The API key lives in sessionStorage only: it goes with the tab, never into a URL or a cookie.
const STORAGE_KEY = 'business-config.api-key';
const LAST_ENVIRONMENT_KEY = 'business-config.last-environment';

export function readToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(LAST_ENVIRONMENT_KEY);
}

/** The environment this tab last showed: where the console's root goes for an unscoped key. */
export function readLastEnvironment(): string | null {
  return sessionStorage.getItem(LAST_ENVIRONMENT_KEY);
}

export function storeLastEnvironment(env: string): void {
  sessionStorage.setItem(LAST_ENVIRONMENT_KEY, env);
}
