import { Injectable, Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { EventEmitter } from 'node:events';
import { Queue, QueueEvents, Worker } from 'bullmq';
import Redis from 'ioredis';
import { AppConfig, ProcessRole } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { RedisConnections } from '../redis/redis-connections';
import { RedisModule } from '../redis/redis.module';
import {
  deleteKeys,
  killConnections,
  poll,
  Recorder,
  testConfig,
  within,
} from '../redis/test-support';
import { keepConnectionErrorsHandled } from './bullmq-connection-errors';
import { BullMqJobQueue } from './bullmq-job-queue';
import { Job, JobContext, JobHandler } from './job';
import { JobQueue } from './job-queue';
import { QueueModule } from './queue.module';
import { QueueName } from './queue-name';

const describeRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) console.warn('BullMqJobQueue specs skipped: set REDIS_URL to run them');

type Run = { data: { n: number }; context: JobContext };

@Injectable()
class Probe {
  readonly runs = new Recorder<Run>();
  behaviour: (run: Run) => Promise<void> = async () => undefined;
}

@Job({ queue: QueueName.Maintenance, attempts: 3, backoffMs: 10 })
class EchoJob implements JobHandler<{ n: number }> {
  constructor(private readonly probe: Probe) {}

  async handle(data: { n: number }, context: JobContext): Promise<void> {
    const run = { data, context };
    this.probe.runs.push(run);
    await this.probe.behaviour(run);
  }
}

async function start(config: AppConfig, role: ProcessRole): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(Object.assign(new AppConfig(), config, { ROLE: role })),
      RedisModule,
      QueueModule,
    ],
    providers: [Probe, EchoJob],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('BullMqJobQueue with an unreachable Redis', () => {
  const config = testConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
  const connectionErrors = new Recorder<string>();
  const errorLines = new Recorder<string>();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    const create = RedisConnections.prototype.create;
    jest.spyOn(RedisConnections.prototype, 'create').mockImplementation(function (
      this: RedisConnections,
      purpose,
      overrides,
    ) {
      const client = create.call(this, purpose, overrides);
      if (purpose === `worker:${QueueName.Maintenance}`) {
        client.on('error', (error: Error) => connectionErrors.push(error.message));
      }
      return client;
    });
    jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((message: unknown) => errorLines.push(String(message)));
    moduleRef = await within(start(config, 'all'), 'the start-up');
  });

  afterAll(async () => {
    await moduleRef?.close();
    jest.restoreAllMocks();
  });

  it('logs no error for each failed reconnection of the worker (RedisConnections warns once)', async () => {
    await within(connectionErrors.waitFor(5), 'five failed connection attempts');
    expect(errorLines.received).toEqual([]);
  });

  it('registers a recurring job without waiting for Redis to come back', async () => {
    const queue = moduleRef.get(JobQueue);
    expect(queue).toBeInstanceOf(BullMqJobQueue);
    await within(queue.upsertRecurring(EchoJob, 'echo', 60_000, { n: 1 }), 'the registration');
  });

  it('keeps a listener for connection set-up failures reported after a worker or queue closed', async () => {
    // BullMQ emits a failed set-up as 'error' on its connection, whose listeners its close
    // removed: without one, the emit throws (an unhandled rejection at shutdown).
    const client = moduleRef.get(RedisConnections).create('closed-owners');
    const worker = new Worker('closed-owners', async () => undefined, {
      connection: client,
      autorun: false,
    });
    const queue = new Queue('closed-owners', { connection: client });
    queue.on('error', () => undefined);
    worker.on('error', () => undefined);
    keepConnectionErrorsHandled(worker);
    keepConnectionErrorsHandled(queue);
    await within(Promise.all([worker.close(true), queue.close()]), 'the closes');
    const internals = [worker, queue].flatMap((owner) => {
      const o = owner as unknown as { connection: EventEmitter; blockingConnection?: EventEmitter };
      return [o.connection, o.blockingConnection].filter((c): c is EventEmitter => Boolean(c));
    });
    expect(internals.length).toBeGreaterThanOrEqual(3);
    for (const connection of internals) {
      expect(() => connection.emit('error', new Error('connect ECONNREFUSED'))).not.toThrow();
    }
    client.disconnect();
  });
});

describeRedis('BullMqJobQueue with a worker process', () => {
  jest.setTimeout(30_000);
  const config = testConfig();
  let api: TestingModule;
  let worker: TestingModule;
  let queue: JobQueue;
  let probe: Probe;
  let redis: Redis;
  let inspect: Queue;

  beforeAll(async () => {
    api = await start(config, 'api');
    worker = await start(config, 'worker');
    queue = api.get(JobQueue);
    probe = worker.get(Probe);
    redis = new Redis(config.REDIS_URL!, { maxRetriesPerRequest: null });
    inspect = new Queue(QueueName.Maintenance, { connection: redis, prefix: config.REDIS_PREFIX });
  });

  afterAll(async () => {
    await Promise.all([api?.close(), worker?.close()]);
    await inspect?.close();
    await redis?.quit();
    await deleteKeys(config.REDIS_URL!, config.REDIS_PREFIX);
  });

  beforeEach(() => {
    probe.behaviour = async () => undefined;
  });

  const runsOf = (n: number) => probe.runs.received.filter((run) => run.data.n === n);
  // Counted before an add, never after: the worker may run the job before the add returns.
  const until = (what: string, count: number) => within(probe.runs.waitFor(count), what, 25_000);
  const received = () => probe.runs.received.length;

  it('uses the BullMQ adapter when REDIS_URL is set', () => {
    expect(queue).toBeInstanceOf(BullMqJobQueue);
  });

  it('runs a job added on the api side in the worker', async () => {
    const before = received();
    const id = await queue.add(EchoJob, { n: 1 });
    await until('the job', before + 1);
    expect(runsOf(1)).toEqual([{ data: { n: 1 }, context: { jobId: id, attempt: 1 } }]);
    expect(api.get(Probe).runs.received).toEqual([]);
  });

  it('runs a delayed job', async () => {
    const before = received();
    await queue.add(EchoJob, { n: 2 }, { delayMs: 200 });
    await until('the delayed job', before + 1);
    expect(runsOf(2)).toHaveLength(1);
  });

  it('retries a failing job with its attempt number until it succeeds', async () => {
    probe.behaviour = async ({ context }) => {
      if (context.attempt < 3) throw new Error('transient');
    };
    const before = received();
    const id = await queue.add(EchoJob, { n: 3 });
    await until('three attempts', before + 3);
    expect(runsOf(3).map((run) => run.context)).toEqual(
      [1, 2, 3].map((attempt) => ({ jobId: id, attempt })),
    );
    await queue.drain();
    expect(await inspect.getJobState(id)).toBe('completed');
  });

  it('marks a job failed after its last attempt', async () => {
    probe.behaviour = async () => {
      throw new Error('permanent');
    };
    const before = received();
    const id = await queue.add(EchoJob, { n: 4 });
    await until('three attempts', before + 3);
    await queue.drain();
    expect(await inspect.getJobState(id)).toBe('failed');
    expect(runsOf(4)).toHaveLength(3);
  });

  it('ignores an add whose jobId is pending, and accepts it once finished', async () => {
    expect(await queue.add(EchoJob, { n: 5 }, { jobId: 'pending-key', delayMs: 60_000 })).toBe(
      'pending-key',
    );
    expect(await queue.add(EchoJob, { n: 6 }, { jobId: 'pending-key' })).toBe('pending-key');
    expect((await inspect.getJob('pending-key'))?.data).toEqual({ n: 5 });
    expect(await inspect.getDelayedCount()).toBe(1);
    await inspect.remove('pending-key');

    const first = received();
    await queue.add(EchoJob, { n: 7 }, { jobId: 'done-key' });
    await until('the first run', first + 1);
    await queue.drain();
    const second = received();
    await queue.add(EchoJob, { n: 7 }, { jobId: 'done-key' });
    await until('the second run', second + 1);
    expect(runsOf(7)).toHaveLength(2);
  });

  it('keeps one scheduler per id however often it is upserted', async () => {
    await queue.upsertRecurring(EchoJob, 'maintenance:echo', 60_000, { n: 8 });
    await queue.upsertRecurring(EchoJob, 'maintenance:echo', 120_000, { n: 9 });
    const schedulers = await inspect.getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: 'maintenance:echo', name: 'EchoJob', every: 120_000 }),
    ]);
    await queue.drain();
    await inspect.removeJobScheduler('maintenance:echo');
  });

  it('registers a schedule again once Redis comes back without it', async () => {
    await queue.upsertRecurring(EchoJob, 'maintenance:restored', 60_000, { n: 13 });
    await queue.drain();
    // What a restart without persistence leaves: the schedules gone, every connection dropped.
    for (const { key } of await inspect.getJobSchedulers()) await inspect.removeJobScheduler(key);
    expect(await killConnections(redis, `${config.REDIS_PREFIX}:queue`)).toBeGreaterThan(0);
    const restored = await poll(async () => {
      const found = await inspect.getJobSchedulers();
      return found.find((scheduler) => scheduler.key === 'maintenance:restored');
    }, 'the schedule registered again');
    expect(restored).toEqual(expect.objectContaining({ name: 'EchoJob', every: 60_000 }));
    await queue.drain();
    for (const { key } of await inspect.getJobSchedulers()) await inspect.removeJobScheduler(key);
  });

  it('drain waits for due jobs to finish', async () => {
    let finished = 0;
    probe.behaviour = async () => {
      finished += 1;
    };
    await Promise.all([10, 11, 12].map((n) => queue.add(EchoJob, { n })));
    await within(queue.drain(), 'drain', 20_000);
    expect(finished).toBe(3);
  });

  it('fails a job whose name has no handler without retrying it', async () => {
    const events = new QueueEvents(QueueName.Maintenance, {
      connection: { url: config.REDIS_URL },
      prefix: config.REDIS_PREFIX,
    });
    try {
      await events.waitUntilReady();
      const job = await inspect.add('NoSuchJob', {}, { attempts: 3 });
      await expect(within(job.waitUntilFinished(events), 'the failure', 20_000)).rejects.toThrow(
        'No handler for job NoSuchJob',
      );
      expect((await inspect.getJob(job.id!))?.attemptsMade).toBe(1);
    } finally {
      await events.close();
    }
  });
});
