import { Test, TestingModule } from '@nestjs/testing';
import { AppConfig, ProcessRole } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { RedisModule } from '../redis/redis.module';
import { Job, JobClass, JobHandler } from './job';
import { JobQueue } from './job-queue';
import { QueueModule } from './queue.module';
import { QueueName } from './queue-name';

interface StoredSchedule {
  job: string;
  everyMs: number;
  data: unknown;
}

/** Keeps the schedules it is given by id, as the broker stores them. */
class FakeJobQueue extends JobQueue {
  readonly schedules = new Map<string, StoredSchedule>();

  async add(): Promise<string> {
    throw new Error('FakeJobQueue only keeps schedules');
  }

  async upsertRecurring<T>(
    job: JobClass<T>,
    schedulerId: string,
    everyMs: number,
    data: NoInfer<T>,
  ): Promise<void> {
    this.schedules.set(schedulerId, { job: job.name, everyMs, data });
  }

  async drain(): Promise<void> {}
}

type NoData = Record<string, never>;

@Job({ queue: QueueName.Maintenance, recurring: { id: 'test:every-minute', everyMs: 60_000 } })
class EveryMinuteJob implements JobHandler<NoData> {
  async handle(): Promise<void> {}
}

@Job({
  queue: QueueName.Alerts,
  recurring: { id: 'test:configured', everyMs: (config) => config.ALERT_EVALUATION_INTERVAL_MS },
})
class ConfiguredJob implements JobHandler<NoData> {
  async handle(): Promise<void> {}
}

@Job({ queue: QueueName.Maintenance })
class OnDemandJob implements JobHandler<NoData> {
  async handle(): Promise<void> {}
}

@Job({ queue: QueueName.Maintenance, recurring: { id: 'test:every-minute', everyMs: 1000 } })
class SameIdJob implements JobHandler<NoData> {
  async handle(): Promise<void> {}
}

async function start(
  role: ProcessRole,
  providers: JobClass<unknown>[],
  queue = new FakeJobQueue(),
): Promise<TestingModule> {
  const config = Object.assign(new AppConfig(), {
    REDIS_URL: undefined,
    ROLE: role,
    ALERT_EVALUATION_INTERVAL_MS: 1234,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), RedisModule, QueueModule],
    providers,
  })
    .overrideProvider(JobQueue)
    .useValue(queue)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

describe('RecurringJobs', () => {
  it.each<ProcessRole>(['worker', 'all'])(
    'registers every recurring job at start-up of a %s process, with its id, interval and {}',
    async (role) => {
      const queue = new FakeJobQueue();
      const moduleRef = await start(role, [EveryMinuteJob, ConfiguredJob, OnDemandJob], queue);
      expect(Object.fromEntries(queue.schedules)).toEqual({
        'test:every-minute': { job: 'EveryMinuteJob', everyMs: 60_000, data: {} },
        'test:configured': { job: 'ConfiguredJob', everyMs: 1234, data: {} },
      });
      await moduleRef.close();
    },
  );

  it('registers nothing in an api process', async () => {
    const queue = new FakeJobQueue();
    const moduleRef = await start('api', [EveryMinuteJob, ConfiguredJob], queue);
    expect(queue.schedules.size).toBe(0);
    await moduleRef.close();
  });

  it.each<ProcessRole>(['api', 'worker'])(
    'fails start-up of a %s process when two recurring jobs share an id',
    async (role) => {
      const queue = new FakeJobQueue();
      await expect(start(role, [EveryMinuteJob, SameIdJob], queue)).rejects.toThrow(
        'Jobs EveryMinuteJob and SameIdJob are both recurring with id "test:every-minute"',
      );
      expect(queue.schedules.size).toBe(0);
    },
  );
});
