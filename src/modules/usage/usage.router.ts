import { Router } from 'express';
import { Authenticator } from '../../core/auth/authenticator';
import { sdkPostRouter } from '../../core/http/sdk-post-router';
import { UsageReportsService } from './usage-reports.service';

/** `POST /v1/usage`: `reportUsage` for clients without GraphQL (see sdkPostRouter). */
export function usageRouter(
  reports: UsageReportsService,
  authenticator: Authenticator,
  bodyLimit: string,
): Router {
  return sdkPostRouter(
    'usage report',
    (actor, body) => reports.report(actor, body, ''),
    authenticator,
    bodyLimit,
  );
}
