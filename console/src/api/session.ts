// The API key lives in sessionStorage only: it goes with the tab, never into a URL or a cookie.
const STORAGE_KEY = 'business-config.api-key';

export function readToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
