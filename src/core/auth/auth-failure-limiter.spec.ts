import { AppError, ErrorCode } from '../errors/app-error';
import { AuthFailureLimiter, retryAfterSeconds } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  const limiter = () => new AuthFailureLimiter({ limit: 3, windowMs: 10_000, maxClients: 2 });

  function refusal(subject: AuthFailureLimiter, client: string, now: number): unknown {
    try {
      subject.assertAllowed(client, now);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  it('refuses a client that used up its failures, saying how long to wait', () => {
    const subject = limiter();
    for (let i = 0; i < 3; i += 1) {
      expect(refusal(subject, 'a', 1000)).toBeUndefined();
      subject.recordFailure('a', 1000);
    }
    const error = refusal(subject, 'a', 2000);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.RateLimited);
    expect(retryAfterSeconds(error)).toBe(9);
    expect(refusal(subject, 'b', 2000)).toBeUndefined();
  });

  it('allows the client again in the next window', () => {
    const subject = limiter();
    for (let i = 0; i < 3; i += 1) subject.recordFailure('a', 0);
    expect(refusal(subject, 'a', 10_000)).toBeUndefined();
    subject.recordFailure('a', 10_000);
    expect(refusal(subject, 'a', 10_001)).toBeUndefined();
  });

  it('tracks a bounded number of clients', () => {
    const subject = limiter();
    for (let i = 0; i < 3; i += 1) subject.recordFailure('a', 0);
    subject.recordFailure('b', 0);
    subject.recordFailure('c', 0);
    expect(refusal(subject, 'a', 1)).toBeUndefined();
  });

  it('has no Retry-After for other errors', () => {
    expect(retryAfterSeconds(AppError.unauthenticated())).toBeUndefined();
  });
});
