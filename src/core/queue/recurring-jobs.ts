import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobClass } from './job';
import { JobQueue } from './job-queue';
import { JobRegistry, RegisteredJob } from './job-registry';

/** A recurring job's schedule, with its interval read from the configuration. */
export interface RecurringJob {
  job: JobClass<unknown>;
  id: string;
  everyMs: number;
}

/**
 * Registers the schedule of every job that @Job declares `recurring`, with the data `{}`, at
 * start-up of worker processes. Every process checks that the scheduler ids are unique.
 */
@Injectable()
export class RecurringJobs implements OnModuleInit, OnApplicationBootstrap {
  private schedules: RecurringJob[] = [];

  constructor(
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  /** Fails start-up when two recurring jobs share a scheduler id. */
  onModuleInit(): void {
    this.schedules = recurringJobs([...this.registry.handlers().values()], this.config);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorker) return;
    for (const { job, id, everyMs } of this.schedules) {
      await this.queue.upsertRecurring(job, id, everyMs, {});
    }
  }
}

/** The recurring jobs among these; two with one scheduler id would overwrite one schedule. */
export function recurringJobs(jobs: RegisteredJob[], config: AppConfig): RecurringJob[] {
  const byId = new Map<string, RecurringJob>();
  for (const { job, options } of jobs) {
    if (!options.recurring) continue;
    const { id, everyMs } = options.recurring;
    const other = byId.get(id);
    if (other) {
      throw new Error(
        `Jobs ${other.job.name} and ${job.name} are both recurring with id "${id}": scheduler ids must be unique`,
      );
    }
    byId.set(id, { job, id, everyMs: typeof everyMs === 'function' ? everyMs(config) : everyMs });
  }
  return [...byId.values()];
}
