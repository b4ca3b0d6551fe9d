import { Actor } from './actor';

/** Resolves a bearer token to its actor; implemented by the api-keys domain. */
export abstract class Authenticator {
  /** Throws UNAUTHENTICATED for a missing, malformed, unknown or revoked token. */
  abstract authenticate(token: string | undefined): Promise<Actor>;
}
