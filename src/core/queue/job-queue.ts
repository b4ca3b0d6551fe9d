import { JobClass } from './job';

export interface AddJobOptions {
  /**
   * Makes the add idempotent: while a job with this id is waiting, delayed (including
   * between retries) or active in its queue, adding it again does nothing and returns the
   * same id. Once it has finished, the id can be used again. Letters, digits, `-`, `_` and
   * `.` only (BullMQ refuses `:` and integer ids).
   */
  jobId?: string;
  delayMs?: number;
}

/**
 * The port every domain uses to enqueue work. Production uses BullMQ on Redis; the
 * embedded single-node mode runs the same handlers in process.
 */
export abstract class JobQueue {
  /** Enqueues a job (the class names it; its handler must be registered) and returns its id. */
  abstract add<T>(job: JobClass<T>, data: NoInfer<T>, options?: AddJobOptions): Promise<string>;

  /**
   * Runs the job now and then every `everyMs`. The schedule is stored under `schedulerId`:
   * calling again with the same id replaces it (new interval or data), never adds a second.
   * Resolves once stored, or after a short wait when the broker cannot be reached: it gets
   * the schedule when it is back (start-up never waits out a Redis outage).
   */
  abstract upsertRecurring<T>(
    job: JobClass<T>,
    schedulerId: string,
    everyMs: number,
    data: NoInfer<T>,
  ): Promise<void>;

  /**
   * For tests: resolves once no job is waiting or active and no delayed job is due. Delayed
   * jobs not due yet (including retries waiting out their backoff, and the next run of a
   * recurring job) are ignored. Needs a process that consumes the queues.
   */
  abstract drain(): Promise<void>;
}

const JOB_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** Same rule in both adapters, so an id that works embedded also works on BullMQ. */
export function assertJobId(jobId: string): void {
  if (!JOB_ID.test(jobId) || /^\d+$/.test(jobId)) {
    throw new Error(
      `Invalid jobId "${jobId}": use 1-200 letters, digits, "-", "_" or "." (not only digits)`,
    );
  }
}

export function assertDelay(delayMs: number | undefined): void {
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new Error(`Invalid delayMs ${delayMs}: must be a finite number >= 0`);
  }
}

export function assertInterval(everyMs: number): void {
  if (!(Number.isInteger(everyMs) && everyMs > 0)) {
    throw new Error(`Invalid everyMs ${everyMs}: must be a positive integer`);
  }
}
