import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { RedisModule } from '../redis/redis.module';
import { Recorder, within } from '../redis/test-support';
import { Job, JobContext, JobHandler } from './job';
import { JobQueue } from './job-queue';
import { QueueModule } from './queue.module';
import { QueueName } from './queue-name';

type Run = { data: { n: number }; context: JobContext };

/** Records every run and lets a test decide how each one ends. */
@Injectable()
class Probe {
  readonly runs = new Recorder<Run>();
  behaviour: (run: Run) => Promise<void> = async () => undefined;
  /** A run that lasts until the returned function is called. */
  block(): () => void {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.behaviour = () => released;
    return release;
  }
}

@Job({ queue: QueueName.Maintenance, attempts: 3, backoffMs: 1000, concurrency: 2 })
class EchoJob implements JobHandler<{ n: number }> {
  constructor(private readonly probe: Probe) {}

  async handle(data: { n: number }, context: JobContext): Promise<void> {
    const run = { data, context };
    this.probe.runs.push(run);
    await this.probe.behaviour(run);
  }
}

@Job({ queue: QueueName.Alerts })
class UnprovidedJob implements JobHandler<{ n: number }> {
  async handle(): Promise<void> {}
}

/** Two classes with one name, as two files could declare. */
function sameNameJob() {
  @Job({ queue: QueueName.Alerts })
  class SameNameJob implements JobHandler<void> {
    async handle(): Promise<void> {}
  }
  return SameNameJob;
}

async function start(providers: Array<new (...args: never[]) => unknown>): Promise<TestingModule> {
  const config = Object.assign(new AppConfig(), {
    REDIS_URL: undefined,
    SHUTDOWN_TIMEOUT_MS: 5000,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), RedisModule, QueueModule],
    providers,
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const attempts = (probe: Probe) => probe.runs.received.map((run) => run.context.attempt);

describe('InProcessJobQueue', () => {
  let moduleRef: TestingModule;
  let queue: JobQueue;
  let probe: Probe;

  beforeEach(async () => {
    jest.useFakeTimers();
    moduleRef = await start([Probe, EchoJob]);
    queue = moduleRef.get(JobQueue);
    probe = moduleRef.get(Probe);
  });

  afterEach(async () => {
    const closing = moduleRef.close();
    await advance(10_000);
    await closing;
    jest.useRealTimers();
  });

  it('runs a job with its data, id and attempt number', async () => {
    const id = await queue.add(EchoJob, { n: 1 });
    await advance(0);
    expect(probe.runs.received).toEqual([{ data: { n: 1 }, context: { jobId: id, attempt: 1 } }]);
  });

  it('hands the handler a copy of the data', async () => {
    const data = { n: 1 };
    await queue.add(EchoJob, data);
    data.n = 2;
    await advance(0);
    expect(probe.runs.received[0].data).toEqual({ n: 1 });
  });

  it('runs a delayed job only once its delay has passed', async () => {
    await queue.add(EchoJob, { n: 1 }, { delayMs: 5000 });
    await advance(4999);
    expect(probe.runs.received).toHaveLength(0);
    await advance(1);
    expect(probe.runs.received).toHaveLength(1);
  });

  it('retries a failing handler with backoff up to its attempts, then gives up', async () => {
    probe.behaviour = async () => {
      throw new Error('boom');
    };
    await queue.add(EchoJob, { n: 1 });
    await advance(0);
    expect(attempts(probe)).toEqual([1]);
    // With backoffMs 1000 and jitter the first retry waits 500-1000 ms.
    await advance(499);
    expect(attempts(probe)).toEqual([1]);
    await advance(60_000);
    expect(attempts(probe)).toEqual([1, 2, 3]);
    await advance(600_000);
    expect(attempts(probe)).toEqual([1, 2, 3]);
  });

  it('stops retrying once the handler succeeds', async () => {
    probe.behaviour = async ({ context }) => {
      if (context.attempt === 1) throw new Error('transient');
    };
    await queue.add(EchoJob, { n: 1 });
    await advance(600_000);
    expect(attempts(probe)).toEqual([1, 2]);
  });

  it('ignores an add whose jobId is waiting, delayed or active, and accepts it once finished', async () => {
    expect(await queue.add(EchoJob, { n: 1 }, { jobId: 'key', delayMs: 1000 })).toBe('key');
    expect(await queue.add(EchoJob, { n: 2 }, { jobId: 'key' })).toBe('key');
    const release = probe.block();
    await advance(1000);
    expect(probe.runs.received.map((run) => run.data)).toEqual([{ n: 1 }]);

    expect(await queue.add(EchoJob, { n: 3 }, { jobId: 'key' })).toBe('key');
    release();
    await advance(0);
    expect(probe.runs.received).toHaveLength(1);

    await queue.add(EchoJob, { n: 4 }, { jobId: 'key' });
    await advance(0);
    expect(probe.runs.received.map((run) => run.data)).toEqual([{ n: 1 }, { n: 4 }]);
  });

  it('keeps a jobId taken while the job waits out a retry backoff', async () => {
    probe.behaviour = async ({ context }) => {
      if (context.attempt === 1) throw new Error('transient');
    };
    await queue.add(EchoJob, { n: 1 }, { jobId: 'key' });
    await advance(0);
    await queue.add(EchoJob, { n: 2 }, { jobId: 'key' });
    await advance(600_000);
    expect(probe.runs.received.map((run) => run.data)).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('refuses a jobId that BullMQ would refuse', async () => {
    await expect(queue.add(EchoJob, { n: 1 }, { jobId: 'a:b' })).rejects.toThrow(/Invalid jobId/);
    await expect(queue.add(EchoJob, { n: 1 }, { jobId: '42' })).rejects.toThrow(/Invalid jobId/);
  });

  it('runs at most the concurrency of the queue at once', async () => {
    const release = probe.block();
    await Promise.all([1, 2, 3].map((n) => queue.add(EchoJob, { n })));
    await advance(0);
    expect(probe.runs.received).toHaveLength(2);
    release();
    await advance(0);
    expect(probe.runs.received).toHaveLength(3);
  });

  it('runs a recurring job now and every interval, once per schedule however often it is upserted', async () => {
    await queue.upsertRecurring(EchoJob, 'every-second', 1000, { n: 1 });
    await queue.upsertRecurring(EchoJob, 'every-second', 1000, { n: 2 });
    await advance(0);
    expect(probe.runs.received).toHaveLength(1);
    await advance(1000);
    expect(probe.runs.received).toHaveLength(2);
    await advance(1000);
    expect(probe.runs.received.map((run) => run.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 2 }]);
  });

  it('refuses a job class without a registered handler when it is added', async () => {
    await expect(queue.add(UnprovidedJob, { n: 1 })).rejects.toThrow(
      'No handler registered for job UnprovidedJob',
    );
  });

  it('types the payload from the handler', async () => {
    // @ts-expect-error EchoJob takes { n: number }
    await expect(queue.add(EchoJob, { n: 'one' })).resolves.toEqual(expect.any(String));
  });

  it('drain resolves once due work is done, ignoring jobs not due yet', async () => {
    await queue.add(EchoJob, { n: 1 });
    await queue.add(EchoJob, { n: 2 }, { delayMs: 60_000 });
    let drained = false;
    void queue.drain().then(() => (drained = true));
    await advance(0);
    expect(drained).toBe(true);
    expect(probe.runs.received.map((run) => run.data)).toEqual([{ n: 1 }]);
  });
});

describe('InProcessJobQueue start-up', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('holds jobs added during module init until the application has bootstrapped', async () => {
    const config = Object.assign(new AppConfig(), { REDIS_URL: undefined });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), RedisModule, QueueModule],
      providers: [Probe, EchoJob],
    }).compile();
    await moduleRef.get(JobQueue).add(EchoJob, { n: 1 });
    await advance(1000);
    expect(moduleRef.get(Probe).runs.received).toHaveLength(0);
    await moduleRef.init();
    await advance(0);
    expect(moduleRef.get(Probe).runs.received).toHaveLength(1);
    await moduleRef.close();
  });
});

describe('InProcessJobQueue shutdown', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits for the active job and starts no other', async () => {
    const moduleRef = await start([Probe, EchoJob]);
    const queue = moduleRef.get(JobQueue);
    const probe = moduleRef.get(Probe);
    const release = probe.block();
    await Promise.all([1, 2, 3].map((n) => queue.add(EchoJob, { n })));
    await advance(0);
    expect(probe.runs.received).toHaveLength(2);

    let closed = false;
    const closing = moduleRef.close().then(() => (closed = true));
    await advance(1000);
    expect(closed).toBe(false);
    release();
    await advance(0);
    await closing;
    expect(probe.runs.received).toHaveLength(2);
  });

  it('gives up waiting after SHUTDOWN_TIMEOUT_MS', async () => {
    const moduleRef = await start([Probe, EchoJob]);
    moduleRef.get(Probe).behaviour = () => new Promise(() => undefined);
    await moduleRef.get(JobQueue).add(EchoJob, { n: 1 });
    await advance(0);

    let closed = false;
    const closing = moduleRef.close().then(() => (closed = true));
    await advance(4999);
    expect(closed).toBe(false);
    await advance(1);
    await closing;
  });
});

describe('JobRegistry', () => {
  it('fails at start-up when two handlers share a job name', async () => {
    await expect(start([sameNameJob(), sameNameJob()])).rejects.toThrow(
      'Job SameNameJob has more than one handler',
    );
  });

  it('starts with distinct job names', async () => {
    const moduleRef = await within(start([Probe, EchoJob, sameNameJob()]), 'start-up');
    await moduleRef.close();
  });
});
