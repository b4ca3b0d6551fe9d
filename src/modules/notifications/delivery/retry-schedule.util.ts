/** Share of each delay that is random, so failing receivers are not retried in lockstep. */
const JITTER = 0.5;

export interface RetrySettings {
  /** The first retry's delay before jitter; each next one doubles. */
  baseMs: number;
  /** Retries stop once the next one would fall later than this long after the delivery began. */
  windowMs: number;
}

/**
 * When to try a delivery again after `attempts` failed attempts, or null to give up: an
 * exponential delay with jitter (between half and all of `base × 2^(attempts-1)`), capped at
 * a quarter of the window, until the retry window from `createdAt` is over. With the
 * defaults (5 s, one day) that is about 15 attempts spread over the day.
 */
export function nextAttemptAt(
  attempts: number,
  createdAt: Date,
  now: Date,
  settings: RetrySettings,
  random: () => number = Math.random,
): Date | null {
  const full = Math.min(settings.baseMs * 2 ** (attempts - 1), settings.windowMs / 4);
  const delay = Math.floor(full * (1 - JITTER) + random() * full * JITTER);
  const next = now.getTime() + delay;
  return next <= createdAt.getTime() + settings.windowMs ? new Date(next) : null;
}
