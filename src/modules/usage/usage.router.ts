import { NextFunction, Request, Response, Router } from 'express';
import getRawBody from 'raw-body';
import { Authenticator } from '../../core/auth/authenticator';
import { authorize } from '../../core/auth/authorize';
import { Role } from '../../core/auth/role';
import { AppError } from '../../core/errors/app-error';
import { inputIssues } from '../../core/graphql/input-checks';
import { ofrepError } from '../ofrep/ofrep-errors';
import { UsageReportsService } from './usage-reports.service';

/**
 * `POST /v1/usage`: `reportUsage` for clients without GraphQL. The body is the mutation's
 * input as JSON; the answer its payload, or OFREP's error JSON (with `validationErrors` for
 * bad input, paths from the body's root).
 */
export function usageRouter(
  reports: UsageReportsService,
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
      throw AppError.badInput(
        `Invalid usage report: ${issues[0].path}: ${issues[0].message}`,
        issues,
      );
    res.json(await reports.report(actor, body, ''));
  });
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body, headers } = ofrepError(error, req);
    if (headers) res.set(headers);
    const validationErrors = error instanceof AppError ? error.details.validationErrors : undefined;
    res.status(status).json(validationErrors ? { ...body, validationErrors } : body);
  });
  return router;
}
