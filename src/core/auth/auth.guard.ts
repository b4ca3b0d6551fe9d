import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator';
import { ALLOWED_ROLES, IS_PUBLIC, requestOf } from './auth.decorators';
import { authorize } from './authorize';
import { Role } from './role';

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
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(
      ALLOWED_ROLES,
      targets,
    ) ?? [Role.VIEWER];
    request.actor = await authorize(
      this.authenticator,
      request.headers.authorization,
      allowed,
      request.actor,
    );
    return true;
  }
}
