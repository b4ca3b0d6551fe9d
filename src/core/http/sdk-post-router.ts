import { NextFunction, Request, Response, Router } from 'express';
import getRawBody from 'raw-body';
import { ofrepError } from '../../modules/ofrep/ofrep-errors';
import { Actor } from '../auth/actor';
import { Authenticator } from '../auth/authenticator';
import { authorize } from '../auth/authorize';
import { Role } from '../auth/role';
import { AppError } from '../errors/app-error';
import { inputIssues } from '../graphql/input-checks';

/**
 * `POST /` for an SDK mutation, for clients without GraphQL (`/v1/usage`, `/v1/events`): the
 * body is the mutation's input as JSON; the answer its payload, or OFREP's error JSON (with
 * `validationErrors` for bad input, paths from the body's root). `what` names the body in
 * error messages ("usage report").
 */
export function sdkPostRouter(
  what: string,
  handle: (actor: Actor, body: unknown) => Promise<unknown>,
  authenticator: Authenticator,
  bodyLimit: string,
): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const actor = await authorize(
      authenticator,
      req.headers.authorization,
      [Role.SDK],
      undefined,
      req,
    );
    const text = await getRawBody(req, { limit: bodyLimit, encoding: 'utf8' });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw Object.assign(new Error('the request body is not valid JSON'), { status: 400 });
    }
    // The text and size rules of every GraphQL input (GraphQL checks its own).
    const issues = inputIssues(body, '');
    if (issues.length > 0)
      throw AppError.badInput(`Invalid ${what}: ${issues[0].path}: ${issues[0].message}`, issues);
    res.json(await handle(actor, body));
  });
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body, headers } = ofrepError(error, req);
    if (headers) res.set(headers);
    const validationErrors = error instanceof AppError ? error.details.validationErrors : undefined;
    res.status(status).json(validationErrors ? { ...body, validationErrors } : body);
  });
  return router;
}
