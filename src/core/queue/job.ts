import { applyDecorators, Injectable, SetMetadata, Type } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { QueueName } from './queue-name';

export interface JobContext {
  jobId: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

/** One processor per job. Jobs may run more than once: the database decides what is still due. */
export interface JobHandler<T> {
  handle(data: T, context: JobContext): Promise<void>;
}

export type JobClass<T> = Type<JobHandler<T>>;

/** The payload type of a job class, from its `handle` parameter. */
export type JobData<J> = J extends JobClass<infer T> ? T : never;

export interface JobOptions {
  queue: QueueName;
  /** Runs in total, the first included. */
  attempts?: number;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
  /** Jobs of this queue run at most this many at once per process (the queue takes the max). */
  concurrency?: number;
  /** Makes the job recurring: worker processes register this schedule at start-up. */
  recurring?: RecurringOptions;
}

/** A job's recurring schedule; each run gets the data `{}`. */
export interface RecurringOptions {
  /**
   * The scheduler id, unique among recurring jobs (checked at start-up). BullMQ stores the
   * schedule under it: a renamed id leaves the old schedule running in Redis.
   */
  id: string;
  /** The interval, or a function of the configuration that gives it. */
  everyMs: number | ((config: AppConfig) => number);
}

export const HOURLY_MS = 60 * 60 * 1000;
export const DAILY_MS = 24 * HOURLY_MS;

export const DEFAULT_CONCURRENCY = 5;

/** Spread of the backoff: a retry waits between (1 - JITTER) and 1 times the exponential delay. */
const JITTER = 0.5;

/** The one place for job defaults; BullMQ's `age` is in seconds. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000, jitter: JITTER },
  removeOnComplete: { count: 1000, age: 24 * 60 * 60 },
  removeOnFail: { count: 5000, age: 7 * 24 * 60 * 60 },
} as const satisfies JobsOptions;

export interface RetryPolicy {
  attempts: number;
  backoff: { type: 'exponential'; delay: number; jitter: number };
}

export function retryPolicy(options: JobOptions): RetryPolicy {
  return {
    attempts: options.attempts ?? DEFAULT_JOB_OPTIONS.attempts,
    backoff: {
      ...DEFAULT_JOB_OPTIONS.backoff,
      delay: options.backoffMs ?? DEFAULT_JOB_OPTIONS.backoff.delay,
    },
  };
}

/**
 * The wait before the next attempt after `attemptsMade` failures, computed as BullMQ's
 * built-in exponential strategy does, so both queue adapters retry on the same schedule.
 */
export function backoffDelay(
  attemptsMade: number,
  backoff: RetryPolicy['backoff'],
  random: () => number = Math.random,
): number {
  const max = Math.round(2 ** (attemptsMade - 1) * backoff.delay);
  return Math.floor(random() * max * backoff.jitter + max * (1 - backoff.jitter));
}

const JOB_METADATA = 'business-config:job';

/**
 * Marks a class as the injectable processor of one job; the job's name is the class name,
 * so it must be unique (checked at start-up).
 */
export function Job(options: JobOptions): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(JOB_METADATA, options));
}

/** The @Job options of a class, or undefined when it is not a job. */
export function jobMetadata(cls: object): JobOptions | undefined {
  return Reflect.getOwnMetadata(JOB_METADATA, cls) as JobOptions | undefined;
}
