import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { isDisconnected, onReconnected, RedisConnections } from '../redis/redis-connections';
import { keepConnectionErrorsHandled } from './bullmq-connection-errors';
import { DEFAULT_JOB_OPTIONS, JobClass, retryPolicy } from './job';
import { AddJobOptions, assertDelay, assertInterval, assertJobId, JobQueue } from './job-queue';
import { settlesWithin } from '../runtime/settles-within';
import { JobRegistry } from './job-registry';
import { QueueName } from './queue-name';

const DRAIN_POLL_MS = 50;
/** How long registering a schedule may hold up its caller (start-up) while Redis is down. */
const REGISTER_WAIT_MS = 2000;

/** BullMQ keeps each delayed job in a sorted set scored `dueAt * 0x1000 + counter`. */
const DELAYED_SCORE_FACTOR = 0x1000;

interface Schedule {
  queue: QueueName;
  schedulerId: string;
  everyMs: number;
  template: { name: string; data: unknown; opts: JobsOptions };
}

/** The production JobQueue: one BullMQ queue per QueueName, sharing one Redis connection. */
export class BullMqJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(BullMqJobQueue.name);
  private readonly queues = new Map<QueueName, Queue>();
  /** What this process registered, to register again when Redis has lost it. */
  private readonly schedules = new Map<string, Schedule>();
  private connection?: Redis;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisConnections,
    private readonly registry: JobRegistry,
  ) {
    super();
  }

  async add<T>(job: JobClass<T>, data: NoInfer<T>, options: AddJobOptions = {}): Promise<string> {
    if (options.jobId !== undefined) assertJobId(options.jobId);
    assertDelay(options.delayMs);
    const { name, options: jobOptions } = this.registry.resolve(job);
    const opts: JobsOptions = {
      ...DEFAULT_JOB_OPTIONS,
      ...retryPolicy(jobOptions),
      delay: options.delayMs,
      jobId: options.jobId,
    };
    if (options.jobId !== undefined) {
      // BullMQ refuses an id while any record of it exists, finished ones included; dropping
      // the record on finishing limits the idempotency to pending jobs, as the port promises.
      opts.removeOnComplete = true;
      opts.removeOnFail = true;
    }
    const added = await (await this.readyQueue(jobOptions.queue)).add(name, data, opts);
    return added.id!;
  }

  async upsertRecurring<T>(
    job: JobClass<T>,
    schedulerId: string,
    everyMs: number,
    data: NoInfer<T>,
  ): Promise<void> {
    assertInterval(everyMs);
    const { name, options } = this.registry.resolve(job);
    const schedule: Schedule = {
      queue: options.queue,
      schedulerId,
      everyMs,
      template: { name, data, opts: { ...DEFAULT_JOB_OPTIONS, ...retryPolicy(options) } },
    };
    this.schedules.set(schedulerId, schedule);
    // With Redis down the command would wait for it to return, and start-up with it. Redis
    // gets it once back (the command stays queued, and restoreSchedules runs on reconnect).
    const registered = this.register(schedule);
    const down = isDisconnected(this.client());
    if (!down && (await settlesWithin(registered, REGISTER_WAIT_MS))) return;
    this.logger.warn(
      `Schedule ${schedulerId} not registered yet (Redis is unreachable); it will be once Redis is back`,
    );
    registered.catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Could not register schedule ${schedulerId}: ${reason}`);
    });
  }

  async drain(): Promise<void> {
    while (!(await this.isIdle())) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
  }

  private async isIdle(): Promise<boolean> {
    const dueScore = (Date.now() + 1) * DELAYED_SCORE_FACTOR - 1;
    for (const name of Object.values(QueueName)) {
      const queue = this.queue(name);
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'paused');
      if (Object.values(counts).some((count) => count > 0)) return false;
      if ((await this.client().zcount(queue.keys.delayed, 0, dueScore)) > 0) return false;
    }
    return true;
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.client(), prefix: this.config.REDIS_PREFIX });
      // RedisConnections already reports the connection's errors, once per outage.
      queue.on('error', () => undefined);
      keepConnectionErrorsHandled(queue);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * The queue once its connection is set up. BullMQ keeps a queue whose set-up failed (its
   * connection dropped mid-way) failed for good, and its scheduler accessor then rejects
   * where nobody can catch it: such a queue is dropped, and the next call makes a new one.
   */
  private async readyQueue(name: QueueName): Promise<Queue> {
    const queue = this.queue(name);
    try {
      await queue.waitUntilReady();
      return queue;
    } catch (error) {
      if (this.queues.get(name) === queue) this.queues.delete(name);
      throw error;
    }
  }

  private client(): Redis {
    if (!this.connection) {
      this.connection = this.redis.create('queue');
      onReconnected(this.connection, () => void this.restoreSchedules());
    }
    return this.connection;
  }

  private async register({ queue, schedulerId, everyMs, template }: Schedule): Promise<unknown> {
    const ready = await this.readyQueue(queue);
    return ready.upsertJobScheduler(schedulerId, { every: everyMs }, template);
  }

  /**
   * A Redis that restarted without persistence has lost every schedule; registering again
   * only the missing ones leaves the timing of those that survived alone.
   */
  private async restoreSchedules(): Promise<void> {
    for (const schedule of this.schedules.values()) {
      if (this.closing) return;
      try {
        const queue = this.queue(schedule.queue);
        if ((await this.client().zscore(queue.keys.repeat, schedule.schedulerId)) !== null)
          continue;
        await this.register(schedule);
        this.logger.log(`Registered the lost schedule ${schedule.schedulerId} again`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Could not restore schedule ${schedule.schedulerId}: ${reason}`);
      }
    }
  }
}
