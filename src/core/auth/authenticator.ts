import { Actor } from './actor';

/** Where a request comes from: an Express request, or a websocket's upgrade request. */
export interface ClientOrigin {
  /** Express's client address, honouring `trust proxy`; absent on a plain IncomingMessage. */
  readonly ip?: string;
  readonly socket?: { readonly remoteAddress?: string };
}

/** The address failed authentications are counted against. */
export function clientAddress(origin: ClientOrigin | undefined): string | undefined {
  return origin?.ip ?? origin?.socket?.remoteAddress;
}

/** Resolves a bearer token to its actor; implemented by the api-keys domain. */
export abstract class Authenticator {
  /**
   * Throws UNAUTHENTICATED for a missing, malformed, unknown or revoked token, and
   * RATE_LIMITED once the caller's address failed too often. `origin` is read only when the
   * token is not a verified one (Express computes `req.ip` on each read).
   */
  abstract authenticate(token: string | undefined, origin?: ClientOrigin): Promise<Actor>;
}
