import { AppError } from '../errors/app-error';
import { Actor } from './actor';
import { Authenticator } from './authenticator';
import { grantsAny, Role } from './role';
import { parseBearer } from './token.util';

/**
 * The actor of a request's bearer token, if it holds one of the `allowed` roles (or one that
 * grants it): UNAUTHENTICATED or FORBIDDEN otherwise.
 */
export async function authorize(
  authenticator: Authenticator,
  authorization: unknown,
  allowed: readonly Role[],
  known?: Actor,
): Promise<Actor> {
  const actor = known ?? (await authenticator.authenticate(parseBearer(authorization)));
  if (!grantsAny(actor.roles, allowed)) {
    throw AppError.forbidden(`This operation needs the role ${allowed.join(' or ')}`, {
      requiredRoles: allowed,
    });
  }
  return actor;
}
