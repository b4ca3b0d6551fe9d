import { compileRe2 } from '../../engine/regex';

/** Config key characters and `*`, which stands for any run of them (possibly none). */
export const KEY_PATTERN = /^[a-z0-9._*-]{1,128}$/;

/** The RE2 expression of a key pattern: anchored, `*` any characters, the rest literal. */
function patternSource(pattern: string): string {
  return `^${pattern
    .split('*')
    .map((literal) => literal.replace(/[.-]/g, (c) => `\\${c}`))
    .join('.*')}$`;
}

/** Whether a key pattern (see KEY_PATTERN) matches a config key; run on RE2, never RegExp. */
export function keyMatches(pattern: string, key: string): boolean {
  if (!KEY_PATTERN.test(pattern)) return false;
  const compiled = compileRe2(patternSource(pattern));
  return !(compiled instanceof Error) && compiled.test(key);
}

/**
 * How specific a pattern is: the number of literal characters. null (the environment-wide
 * policy) is the least specific of all.
 */
function specificity(pattern: string | null): number {
  return pattern === null ? -1 : pattern.replace(/\*/g, '').length;
}

/**
 * The policy that governs a config key: among those whose pattern matches it (a policy
 * without a pattern matches every key), the most specific — the most literal characters —
 * then the first by name. Null when none matches.
 */
export function governingPolicy<P extends { name: string; configKeyPattern: string | null }>(
  policies: readonly P[],
  key: string,
): P | null {
  const matching = policies.filter(
    (p) => p.configKeyPattern === null || keyMatches(p.configKeyPattern, key),
  );
  matching.sort(
    (a, b) =>
      specificity(b.configKeyPattern) - specificity(a.configKeyPattern) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return matching[0] ?? null;
}
