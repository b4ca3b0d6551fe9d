import { AppError } from '../errors/app-error';
import { Actor } from './actor';
import { Authenticator, ClientOrigin } from './authenticator';
import { grantsAny, Role } from './role';
import { parseBearer } from './token.util';

/**
 * The actor of a request's bearer token, if it holds one of the `allowed` roles (or one that
 * grants it): UNAUTHENTICATED or FORBIDDEN otherwise. Failed attempts count against
 * the address of `origin`.
 */
export async function authorize(
  authenticator: Authenticator,
  authorization: unknown,
  allowed: readonly Role[],
  known?: Actor,
  origin?: ClientOrigin,
): Promise<Actor> {
  const actor = known ?? (await authenticator.authenticate(parseBearer(authorization), origin));
  assertRoles(actor, allowed);
  return actor;
}

/** FORBIDDEN unless the actor holds one of the `allowed` roles (or one that grants it). */
export function assertRoles(actor: Actor, allowed: readonly Role[]): void {
  if (!grantsAny(actor.roles, allowed)) {
    throw AppError.forbidden(`This operation needs the role ${allowed.join(' or ')}`, {
      requiredRoles: allowed,
    });
  }
}
