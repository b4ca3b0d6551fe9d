/**
 * Settings whose values are secrets: never printed, not even when invalid (a mistyped token
 * is usually one character away from the real one). URLs (`*_URL`) are printed with their
 * credentials hidden.
 */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(['ADMIN_TOKEN']);

const HIDDEN = '***';
/** Query parameters that carry credentials in connection URLs (`?password=`, `?sslkey=`…). */
const SECRET_PARAM = /pass|secret|token|key/i;

/** A connection URL with its password and credential parameters replaced by `***`. */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Unparseable: hide everything between `//` and the last `@`, where credentials sit.
    return value.replace(/\/\/.*@/, `//${HIDDEN}@`);
  }
  if (url.password) url.password = HIDDEN;
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) url.searchParams.set(key, HIDDEN);
  }
  return url.toString();
}

/** How a setting's value may appear in a message: JSON-quoted, or hidden. */
export function displayValue(name: string, value: unknown): string {
  if (SECRET_SETTINGS.has(name)) {
    return typeof value === 'string' ? `(hidden, ${value.length} characters)` : '(hidden)';
  }
  if (name.endsWith('_URL') && typeof value === 'string') return JSON.stringify(redactUrl(value));
  return JSON.stringify(value);
}

/**
 * Replaces every secret found in `env` (secret settings, passwords in URLs) that occurs in
 * `text` with `***`: the last guard before a start-up error reaches the terminal or a log.
 */
export function redactSecrets(text: string, env: Record<string, string | undefined>): string {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_SETTINGS.has(name)) secrets.push(value);
    else if (name.endsWith('_URL')) secrets.push(...urlSecrets(value));
  }
  return secrets
    .filter((secret) => secret.length >= 3)
    .sort((a, b) => b.length - a.length)
    .reduce((redacted, secret) => redacted.split(secret).join(HIDDEN), text);
}

function urlSecrets(value: string): string[] {
  try {
    const url = new URL(value);
    const params = [...url.searchParams].filter(([key]) => SECRET_PARAM.test(key));
    return [url.password, decodeURIComponent(url.password), ...params.map(([, v]) => v)].filter(
      Boolean,
    );
  } catch {
    const credentials = /\/\/(.*)@/.exec(value)?.[1];
    return credentials ? [credentials, ...credentials.split(':').slice(1)] : [];
  }
}
