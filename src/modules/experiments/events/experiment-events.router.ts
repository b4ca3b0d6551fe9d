import { Router } from 'express';
import { Authenticator } from '../../../core/auth/authenticator';
import { sdkPostRouter } from '../../../core/http/sdk-post-router';
import { ExperimentEventsService } from './experiment-events.service';

/** `POST /v1/events`: `trackEvents` for clients without GraphQL (see sdkPostRouter). */
export function eventsRouter(
  events: ExperimentEventsService,
  authenticator: Authenticator,
  bodyLimit: string,
): Router {
  return sdkPostRouter(
    'events',
    (actor, body) => events.track(actor, body, ''),
    authenticator,
    bodyLimit,
  );
}
