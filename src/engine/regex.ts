import { RE2 } from 're2-wasm';

const MAX_PATTERN = 1000;
const CACHE_SIZE = 1000;
const cache = new Map<string, RE2 | Error>();

/**
 * Compiles a user-supplied pattern with RE2 (linear time, no backtracking), cached. Returns
 * the error instead of throwing, so validators can report it.
 */
export function compileRe2(pattern: string, flags = 'u'): RE2 | Error {
  const cacheKey = `${flags}/${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let compiled: RE2 | Error;
  if (pattern.length > MAX_PATTERN) {
    compiled = new Error(`patterns are limited to ${MAX_PATTERN} characters`);
  } else {
    try {
      compiled = new RE2(pattern, flags);
    } catch (error) {
      compiled = error instanceof Error ? error : new Error(String(error));
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, compiled);
  return compiled;
}
