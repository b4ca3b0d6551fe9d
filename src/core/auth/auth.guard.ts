import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator';
import { retryAfterSeconds } from './auth-failure-limiter';
import { ALLOWED_ROLES, IS_PUBLIC, requestOf } from './auth.decorators';
import { assertRoles } from './authorize';
import { parseBearer } from './token.util';
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
    if (request.authFailure !== undefined) throw request.authFailure;
    try {
      request.actor ??= await this.authenticator.authenticate(
        parseBearer(request.headers.authorization),
        request,
      );
    } catch (error) {
      request.authFailure = error;
      const seconds = retryAfterSeconds(error);
      if (seconds !== undefined && request.res && !request.res.headersSent) {
        request.res.setHeader('Retry-After', String(seconds));
      }
      throw error;
    }
    assertRoles(request.actor, allowed);
    return true;
  }
}
