import { DEPLOYMENT_STRATEGIES, VALUE_TYPES } from '../../engine/config-state';

/**
 * Snapshot members stored in the engine's lowercase spelling that the API spells as its enum
 * names (`valueType: "integer"` is `INTEGER` everywhere else). Stored entries are never
 * rewritten — their hashes cover what is stored — so the API spells them on the way out.
 */
const ENUM_MEMBERS: Record<string, readonly string[]> = {
  valueType: VALUE_TYPES,
  deploymentStrategy: DEPLOYMENT_STRATEGIES,
};

function spelled(member: string, value: unknown): unknown {
  const known = ENUM_MEMBERS[member];
  return known && typeof value === 'string' && known.includes(value) ? value.toUpperCase() : value;
}

/** A before/after snapshot as the API shows it. */
export function presentSnapshot(
  snapshot: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (snapshot === null) return null;
  const shown: Record<string, unknown> = { ...snapshot };
  for (const member of Object.keys(ENUM_MEMBERS)) {
    if (member in shown) shown[member] = spelled(member, shown[member]);
  }
  return shown;
}

interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/** An RFC 6902 diff as the API shows it: the same operations, enum values spelled as enums. */
export function presentDiff(diff: unknown[]): unknown[] {
  return diff.map((operation) => {
    const { path, value } = operation as PatchOperation;
    const member = typeof path === 'string' ? path.slice(1) : '';
    if (!(member in ENUM_MEMBERS) || value === undefined) return operation;
    return { ...(operation as PatchOperation), value: spelled(member, value) };
  });
}
