import { Actor } from '../../core/auth/actor';
import { grantsAny, Role } from '../../core/auth/role';

/** Where a new key acts and what it may do. */
export interface KeyGrant {
  /** null: every environment. */
  environmentId: string | null;
  roles: readonly Role[];
}

/**
 * Why `actor` may not create a key with `grant`, or null when it may: a key never exceeds
 * the scope of the key that made it. A scoped actor creates keys only in its own
 * environment, and no actor grants a role its own roles do not grant.
 */
export function keyGrantRefusal(actor: Actor, grant: KeyGrant): string | null {
  if (actor.environmentId && grant.environmentId !== actor.environmentId) {
    return grant.environmentId
      ? 'A key scoped to one environment creates keys only in that environment'
      : 'A key scoped to one environment creates keys only in that environment: name it in input.environment';
  }
  const beyond = grant.roles.filter((role) => !grantsAny(actor.roles, [role]));
  if (beyond.length > 0) {
    return `A key may not grant roles stronger than its own: ${beyond.join(', ')}`;
  }
  return null;
}

/** Whether `actor` sees (and may revoke) a key of `environmentId`. */
export function seesKeyOf(actor: Actor, environmentId: string | null): boolean {
  return !actor.environmentId || actor.environmentId === environmentId;
}
