import { AppError, ErrorCode } from '../errors/app-error';

export interface AuthFailureLimiterOptions {
  /** Failures one client may have per window; the next attempt is refused. */
  limit: number;
  windowMs: number;
  /** Clients tracked at once; beyond it expired windows are swept, then the oldest dropped. */
  maxClients: number;
}

interface Window {
  failures: number;
  endsAt: number;
}

/**
 * Counts failed authentications per client address in fixed windows, so guessing tokens
 * (each unknown one a database look-up) is throttled. Requests with a verified key never
 * reach it.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: AuthFailureLimiterOptions) {}

  /** RATE_LIMITED, with the seconds to wait, once a client used up its failures. */
  assertAllowed(client: string | undefined, now: number): void {
    const window = client === undefined ? undefined : this.windows.get(client);
    if (window === undefined || window.endsAt <= now || window.failures < this.options.limit) {
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    throw new AppError(
      ErrorCode.RateLimited,
      `Too many failed authentications from this address; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }

  recordFailure(client: string | undefined, now: number): void {
    if (client === undefined) return;
    const window = this.windows.get(client);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    if (!window && this.windows.size >= this.options.maxClients) this.evict(now);
    this.windows.set(client, { failures: 1, endsAt: now + this.options.windowMs });
  }

  private evict(now: number): void {
    for (const [client, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(client);
    }
    if (this.windows.size >= this.options.maxClients) {
      this.windows.delete(this.windows.keys().next().value!);
    }
  }
}

/** The seconds a RATE_LIMITED error asks the client to wait, for a Retry-After header. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof AppError) || error.code !== ErrorCode.RateLimited) return undefined;
  const seconds = error.details.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}
