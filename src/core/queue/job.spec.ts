import { backoffDelay, DEFAULT_JOB_OPTIONS, jobMetadata, Job, retryPolicy } from './job';
import { QueueName } from './queue-name';

describe('retryPolicy', () => {
  it('takes attempts and backoff from @Job, the rest from the defaults', () => {
    expect(retryPolicy({ queue: QueueName.Alerts, attempts: 2, backoffMs: 250 })).toEqual({
      attempts: 2,
      backoff: { type: 'exponential', delay: 250, jitter: 0.5 },
    });
    expect(retryPolicy({ queue: QueueName.Alerts })).toEqual({
      attempts: DEFAULT_JOB_OPTIONS.attempts,
      backoff: DEFAULT_JOB_OPTIONS.backoff,
    });
  });
});

describe('backoffDelay', () => {
  const backoff = { type: 'exponential', delay: 1000, jitter: 0.5 } as const;

  it('doubles with each failure, jittered down by at most half', () => {
    expect([1, 2, 3].map((made) => backoffDelay(made, backoff, () => 0))).toEqual([
      500, 1000, 2000,
    ]);
    expect([1, 2, 3].map((made) => backoffDelay(made, backoff, () => 0.999999))).toEqual([
      999, 1999, 3999,
    ]);
  });
});

describe('@Job', () => {
  it('records its options on the class only', () => {
    @Job({ queue: QueueName.Notifications, concurrency: 3 })
    class SendThingJob {}
    class NotAJob extends SendThingJob {}
    expect(jobMetadata(SendThingJob)).toEqual({ queue: QueueName.Notifications, concurrency: 3 });
    expect(jobMetadata(NotAJob)).toBeUndefined();
  });
});
