import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { settlesWithin } from '../runtime/settles-within';
import { keepConnectionErrorsHandled } from './bullmq-connection-errors';
import { JobFailureLog } from './job-failure-log';
import { JobRegistry } from './job-registry';
import { QueueName } from './queue-name';

/** How long shutdown waits for the jobs in flight before leaving them to be retried. */
export const SHUTDOWN_JOB_WAIT_MS = 10_000;
/** How long closing the workers may take once their jobs are done (Redis round trips). */
const WORKER_CLOSE_WAIT_MS = 2000;

/**
 * Consumes the BullMQ queues in processes that run the worker role: one Worker per queue
 * that has handlers, dispatching each job by name to its @Job handler. QueueModule makes
 * one only with REDIS_URL and the worker role (the in-process queue runs the handlers else).
 */
export class BullMqJobWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BullMqJobWorker.name);
  private readonly failures = new JobFailureLog(this.logger);
  private readonly workers: Worker[] = [];
  /** The jobs this process is running, for shutdown to wait for. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisConnections,
    private readonly registry: JobRegistry,
  ) {}

  onApplicationBootstrap(): void {
    for (const [queue, concurrency] of this.registry.concurrencyByQueue()) {
      this.workers.push(this.start(queue, concurrency));
    }
    const names = this.workers.map((worker) => worker.name).join(', ');
    this.logger.log(`Consuming queues: ${names || 'none (no job handlers)'}`);
  }

  /**
   * Lets in-flight jobs finish before the database and Redis connections close. BullMQ's own
   * close waits for its blocking connection to emit 'end', which ioredis never does for a
   * connection that is reconnecting (Redis down, or just back): that wait is bounded, so
   * shutdown never hangs on Redis.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.workers.splice(0);
    // Fetch nothing more (without waiting: pause(false) has the same wait).
    await Promise.all(workers.map((worker) => worker.pause(true)));
    const finished = await settlesWithin(Promise.allSettled(this.running), SHUTDOWN_JOB_WAIT_MS);
    if (!finished) {
      this.logger.warn(
        `${this.running.size} job(s) still running after ${SHUTDOWN_JOB_WAIT_MS} ms at shutdown; BullMQ retries them once their lock expires`,
      );
    }
    const closing = Promise.allSettled(workers.map((worker) => worker.close()));
    if (!(await settlesWithin(closing, WORKER_CLOSE_WAIT_MS))) {
      this.logger.warn(
        `Queue workers not closed within ${WORKER_CLOSE_WAIT_MS} ms (Redis unreachable); shutting down without them`,
      );
      // BullMQ's close stops the lock renewal timer only after the wait that did not end; left
      // running, it would keep the process alive after shutdown (it re-arms every 7.5 s).
      for (const worker of workers) void lockManagerOf(worker)?.close();
    }
  }

  private start(queue: QueueName, concurrency: number): Worker {
    const connection = this.redis.create(`worker:${queue}`);
    const worker = new Worker(queue, (job) => this.process(job), {
      connection,
      prefix: this.config.REDIS_PREFIX,
      concurrency,
    });
    keepConnectionErrorsHandled(worker);
    // Ids, names and attempts only: payloads may hold data that does not belong in logs.
    worker.on('failed', (job, error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const line = `Job ${job.name} ${job.id} failed (attempt ${job.attemptsMade}/${attempts})`;
      const last = job.attemptsMade >= attempts || error instanceof UnrecoverableError;
      this.failures.failed(line, error, last ? 'giving up' : 'will retry');
    });
    worker.on('completed', () => this.failures.succeeded());
    worker.on('error', (error) => {
      // While Redis is unreachable every retry fails; RedisConnections reports that once.
      if (connection.status !== 'ready') return;
      this.logger.error(`Worker ${queue}: ${error.message}`);
    });
    return worker;
  }

  private async process(job: Job): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler || handler.options.queue !== job.queueName) {
      throw new UnrecoverableError(`No handler for job ${job.name} in queue ${job.queueName}`);
    }
    const handled = handler.instance.handle(job.data, {
      jobId: job.id!,
      attempt: job.attemptsMade + 1,
    });
    this.running.add(handled);
    try {
      await handled;
    } finally {
      this.running.delete(handled);
    }
  }
}

/** BullMQ's lock manager of a worker (not in its typings), whose close clears its timer. */
function lockManagerOf(worker: Worker): { close(): Promise<void> } | undefined {
  return (worker as unknown as { lockManager?: { close(): Promise<void> } }).lockManager;
}
