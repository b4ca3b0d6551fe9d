import { NextFunction, Request, Response, Router } from 'express';
import getRawBody from 'raw-body';
import { Authenticator } from '../../core/auth/authenticator';
import { authorize } from '../../core/auth/authorize';
import { Role } from '../../core/auth/role';
import { ofrepError } from './ofrep-errors';
import { OfrepResponse, OfrepService } from './ofrep.service';

const ALLOWED = [Role.SDK, Role.VIEWER];

/**
 * The OpenFeature Remote Evaluation Protocol, so any OpenFeature SDK with the OFREP provider
 * evaluates against us unchanged. An sdk key evaluates in its environment; other keys name
 * one with `?environment=` or the `X-Environment` header.
 *
 * This is the hot path of every app that polls its flags, so it is a plain Express router
 * mounted ahead of Nest's routing: the same authentication and service as everywhere, without
 * the per-request work of a controller (guards, pipes, filters), which cost several times the
 * evaluation itself (docs/decisions/0004).
 */
export function ofrepRouter(
  ofrep: OfrepService,
  authenticator: Authenticator,
  bodyLimit: string,
): Router {
  const router = Router();
  /** The JSON body, read here rather than by the general body parser (same limit). */
  const bodyOf = async (req: Request): Promise<unknown> => {
    const text = await getRawBody(req, { limit: bodyLimit, encoding: 'utf8' });
    if (text.length === 0) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw Object.assign(new Error('the request body is not valid JSON'), { status: 400 });
    }
  };
  const actorOf = (req: Request) =>
    authorize(authenticator, req.headers.authorization, ALLOWED, undefined, req);
  const environmentOf = (req: Request) =>
    (typeof req.query.environment === 'string' ? req.query.environment : undefined) ??
    req.get('x-environment');

  router.post('/', async (req, res) => {
    const answer = await ofrep.evaluateAll(
      await actorOf(req),
      environmentOf(req),
      await bodyOf(req),
      req.get('if-none-match'),
    );
    if (answer.etag) res.setHeader('ETag', answer.etag);
    send(res, answer);
  });

  router.post('/:key', async (req, res) => {
    const key = String(req.params.key);
    const body = await bodyOf(req);
    send(res, await ofrep.evaluateFlag(await actorOf(req), environmentOf(req), key, body));
  });

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body, headers } = ofrepError(error, req);
    if (headers) res.set(headers);
    res.status(status).json(body);
  });
  return router;
}

function send(res: Response, { status, body }: OfrepResponse): void {
  res.statusCode = status;
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
