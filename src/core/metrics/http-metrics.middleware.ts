import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Times non-GraphQL HTTP requests (GraphQL is timed per operation by its plugin). */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/graphql') return next();
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  };
}
