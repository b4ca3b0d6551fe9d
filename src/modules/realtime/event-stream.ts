/** Raised into a subscription whose consumer fell too far behind; the client should reconnect. */
export class SlowConsumerError extends Error {
  constructor(limit: number) {
    super(`More than ${limit} messages waited for this subscriber; reconnect to catch up`);
  }
}

/**
 * A push source as an async iterator for a GraphQL subscription, buffering at most `limit`
 * messages for a consumer that reads slower than they come: past that, the subscription
 * ends with a SlowConsumerError rather than holding memory without bound. `stop` runs once,
 * when the subscription ends for any reason.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: {
    resolve: (result: IteratorResult<T>) => void;
    reject: (error: Error) => void;
  }[] = [];
  private failure?: Error;
  private done = false;
  stop: () => unknown = () => undefined;

  constructor(private readonly limit = 1000) {}

  push(value: T): void {
    if (this.done) return;
    const next = this.waiting.shift();
    if (next) return next.resolve({ value, done: false });
    if (this.buffer.length >= this.limit) {
      this.fail(new SlowConsumerError(this.limit));
      return;
    }
    this.buffer.push(value);
  }

  fail(error: Error): void {
    if (this.done) return;
    this.buffer.length = 0;
    const next = this.waiting.shift();
    if (next) next.reject(error);
    else this.failure = error;
    this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0)
      return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const { resolve } of this.waiting.splice(0)) resolve({ value: undefined, done: true });
    this.stop();
  }
}
