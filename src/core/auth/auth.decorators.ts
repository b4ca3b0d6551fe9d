import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Actor } from './actor';
import { ClientOrigin } from './authenticator';
import { Role } from './role';

export const ALLOWED_ROLES = 'auth:allowed-roles';
export const IS_PUBLIC = 'auth:public';

/** The caller needs one of these roles (or one that grants it). Without it: viewer. */
export const Allow = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** No token needed (health, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export interface RequestWithActor extends ClientOrigin {
  actor?: Actor;
  headers: Record<string, string | string[] | undefined>;
  id?: string | number;
  /**
   * This request's failed authentication: a request resolves several fields, and may run
   * twice (see jit-execution.plugin.ts), but counts as one failed attempt.
   */
  authFailure?: unknown;
  /** Express links the response, where a Retry-After header goes. */
  res?: { headersSent: boolean; setHeader(name: string, value: string): unknown };
}

export function requestOf(context: ExecutionContext): RequestWithActor {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: RequestWithActor }>().req;
  }
  return context.switchToHttp().getRequest<RequestWithActor>();
}

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const actor = requestOf(context).actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
