import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { backoffDelay, JobClass, retryPolicy, RetryPolicy } from './job';
import { AddJobOptions, assertDelay, assertInterval, assertJobId, JobQueue } from './job-queue';
import { JobFailureLog } from './job-failure-log';
import { JobRegistry, RegisteredJob } from './job-registry';
import { QueueName } from './queue-name';

interface QueuedJob {
  id: string;
  /** Identity for idempotent adds: queue and id. */
  key: string;
  handler: RegisteredJob;
  retry: RetryPolicy;
  data: unknown;
  attemptsMade: number;
  /** Set while delayed: when the job becomes due. */
  dueAt?: number;
  timer?: NodeJS.Timeout;
}

/**
 * The embedded (single node, no Redis) JobQueue: the same handlers, delays, retries with
 * backoff, idempotent ids, concurrency limits and recurring jobs as BullMQ, in memory.
 * Pending jobs do not survive a restart; jobs are idempotent and recurring work is
 * re-registered at start-up, so nothing is owed after one.
 */
export class InProcessJobQueue
  extends JobQueue
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(InProcessJobQueue.name);
  private readonly failures = new JobFailureLog(this.logger);
  /** Waiting, delayed and active jobs by key. */
  private readonly jobs = new Map<string, QueuedJob>();
  private readonly waiting = new Map<QueueName, QueuedJob[]>();
  private readonly active = new Map<QueuedJob, Promise<void>>();
  private readonly recurring = new Map<string, NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private started = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: JobRegistry,
  ) {
    super();
  }

  /** Like the BullMQ worker, runs nothing before bootstrap: jobs added earlier wait until then. */
  onApplicationBootstrap(): void {
    this.started = true;
    for (const queue of this.waiting.keys()) this.pump(queue);
  }

  async add<T>(job: JobClass<T>, data: NoInfer<T>, options: AddJobOptions = {}): Promise<string> {
    if (options.jobId !== undefined) assertJobId(options.jobId);
    assertDelay(options.delayMs);
    return this.enqueue(
      this.registry.resolve(job),
      data,
      options.jobId ?? randomUUID(),
      options.delayMs,
    );
  }

  async upsertRecurring<T>(
    job: JobClass<T>,
    schedulerId: string,
    everyMs: number,
    data: NoInfer<T>,
  ): Promise<void> {
    assertInterval(everyMs);
    const handler = this.registry.resolve(job);
    clearInterval(this.recurring.get(schedulerId));
    if (this.stopped) return;
    // A fixed id per schedule: a run that is still pending absorbs the next tick.
    const fire = () => this.enqueue(handler, data, `repeat.${schedulerId}`);
    const timer = setInterval(fire, everyMs).unref();
    this.recurring.set(schedulerId, timer);
    fire();
  }

  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIfIdle();
    });
  }

  /** Stops taking jobs, waits (bounded) for the active ones, and drops the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.recurring.values()) clearInterval(timer);
    this.recurring.clear();
    const dropped = [...this.jobs.values()].filter((job) => !this.active.has(job));
    for (const job of dropped) {
      clearTimeout(job.timer);
      this.jobs.delete(job.key);
    }
    this.waiting.clear();
    if (dropped.length > 0) this.logger.warn(`Dropped ${dropped.length} pending jobs at shutdown`);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.config.SHUTDOWN_TIMEOUT_MS).unref();
    });
    const finished = Promise.allSettled(this.active.values()).then(() => false);
    if (await Promise.race([finished, timedOut])) {
      this.logger.warn(
        `${this.active.size} jobs still running after ${this.config.SHUTDOWN_TIMEOUT_MS} ms`,
      );
    }
    clearTimeout(timer);
    this.notifyIfIdle();
  }

  private enqueue(handler: RegisteredJob, data: unknown, id: string, delayMs = 0): string {
    const key = `${handler.options.queue}/${id}`;
    if (this.jobs.has(key)) return id;
    const job: QueuedJob = {
      id,
      key,
      handler,
      retry: retryPolicy(handler.options),
      // Handlers get a copy, as they would from Redis: later changes by the caller do not leak in.
      data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)),
      attemptsMade: 0,
    };
    this.jobs.set(key, job);
    if (delayMs > 0) this.delay(job, delayMs);
    else this.makeReady(job);
    return id;
  }

  private delay(job: QueuedJob, ms: number): void {
    job.dueAt = Date.now() + ms;
    job.timer = setTimeout(() => {
      job.dueAt = undefined;
      job.timer = undefined;
      this.makeReady(job);
    }, ms).unref();
  }

  private makeReady(job: QueuedJob): void {
    if (this.stopped) {
      this.jobs.delete(job.key);
      return;
    }
    const queue = job.handler.options.queue;
    this.waiting.set(queue, [...(this.waiting.get(queue) ?? []), job]);
    this.pump(queue);
  }

  /** Starts waiting jobs of the queue up to its concurrency limit. */
  private pump(queue: QueueName): void {
    if (!this.started || this.stopped || !this.config.runsWorker) return;
    const limit = this.registry.concurrencyByQueue().get(queue) ?? 1;
    const waiting = this.waiting.get(queue) ?? [];
    let running = [...this.active.keys()].filter(
      (job) => job.handler.options.queue === queue,
    ).length;
    while (running < limit && waiting.length > 0) {
      const job = waiting.shift()!;
      this.active.set(job, this.run(job));
      running += 1;
    }
  }

  private async run(job: QueuedJob): Promise<void> {
    // Never start the handler inside the caller's stack. A microtask, not setImmediate: jest's
    // fake timers skip an immediate scheduled from a timer callback, stalling tests that use them.
    await Promise.resolve();
    job.attemptsMade += 1;
    const { name, instance } = job.handler;
    const attempt = `${job.attemptsMade}/${job.retry.attempts}`;
    try {
      await instance.handle(job.data, { jobId: job.id, attempt: job.attemptsMade });
      this.jobs.delete(job.key);
      this.failures.succeeded();
    } catch (error) {
      const line = `Job ${name} ${job.id} failed (attempt ${attempt})`;
      if (job.attemptsMade >= job.retry.attempts) {
        this.failures.failed(line, error, 'giving up');
        this.jobs.delete(job.key);
      } else if (this.stopped) {
        this.logger.warn(`${line}, not retried: shutting down`);
        this.jobs.delete(job.key);
      } else {
        this.failures.failed(line, error, 'will retry');
        this.delay(job, backoffDelay(job.attemptsMade, job.retry.backoff));
      }
    } finally {
      this.active.delete(job);
      this.pump(job.handler.options.queue);
      this.notifyIfIdle();
    }
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const now = Date.now();
    const pending = [...this.jobs.values()].some(
      (job) => job.dueAt === undefined || job.dueAt <= now,
    );
    if (pending) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
