import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator';
import { AppError } from '../errors/app-error';
import { ALLOWED_ROLES, IS_PUBLIC, requestOf } from './auth.decorators';
import { grantsAny, Role } from './role';
import { parseBearer } from './token.util';

/**
 * Authenticates every HTTP and GraphQL request by its bearer token (a websocket connection
 * is authenticated once, at connection_init, and its actor rides on the request) and checks
 * the roles a handler allows. Handlers without @Allow need a viewer.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = requestOf(context);
    request.actor ??= await this.authenticator.authenticate(
      parseBearer(request.headers.authorization),
    );
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(
      ALLOWED_ROLES,
      targets,
    ) ?? [Role.VIEWER];
    if (!grantsAny(request.actor.roles, allowed)) {
      throw AppError.forbidden(`This operation needs the role ${allowed.join(' or ')}`, {
        requiredRoles: allowed,
      });
    }
    return true;
  }
}
