import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DEFAULT_CONCURRENCY, JobClass, JobHandler, jobMetadata, JobOptions } from './job';
import { QueueName } from './queue-name';

export interface RegisteredJob {
  name: string;
  job: JobClass<unknown>;
  instance: JobHandler<unknown>;
  options: JobOptions;
}

/** Every @Job provider of the application, by job name (the class name). */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private index?: Map<string, RegisteredJob>;

  constructor(private readonly discovery: DiscoveryService) {}

  /** Fails start-up when two handlers share a job name. */
  onModuleInit(): void {
    this.handlers();
  }

  handlers(): Map<string, RegisteredJob> {
    // Built on first use: providers exist before any lifecycle hook, but hooks run in module order.
    this.index ??= indexJobHandlers(this.discover());
    return this.index;
  }

  get(name: string): RegisteredJob | undefined {
    return this.handlers().get(name);
  }

  /** The registered handler of a job class; throws when the class is not a provided @Job. */
  resolve(job: JobClass<unknown>): RegisteredJob {
    if (!jobMetadata(job)) {
      throw new Error(`${job.name} is not a job: decorate it with @Job({ queue })`);
    }
    const registered = this.get(job.name);
    if (!registered || !(registered.instance instanceof job)) {
      throw new Error(`No handler registered for job ${job.name}: add it to a module's providers`);
    }
    return registered;
  }

  /** Queues that have handlers, each with the largest concurrency its jobs ask for. */
  concurrencyByQueue(): Map<QueueName, number> {
    const result = new Map<QueueName, number>();
    for (const { options } of this.handlers().values()) {
      const wanted = options.concurrency ?? DEFAULT_CONCURRENCY;
      result.set(options.queue, Math.max(result.get(options.queue) ?? 0, wanted));
    }
    return result;
  }

  private discover(): RegisteredJob[] {
    return this.discovery.getProviders().flatMap((wrapper) => {
      const cls: unknown = wrapper.metatype;
      const options = typeof cls === 'function' ? jobMetadata(cls) : undefined;
      if (!options || typeof cls !== 'function') return [];
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
        throw new Error(
          `Job ${cls.name} must be a singleton provider (no request or transient scope)`,
        );
      }
      const job = cls as JobClass<unknown>;
      return [{ name: job.name, job, instance: wrapper.instance as JobHandler<unknown>, options }];
    });
  }
}

/** Indexes handlers by name; two with one name would make dispatch ambiguous. */
export function indexJobHandlers(jobs: RegisteredJob[]): Map<string, RegisteredJob> {
  const index = new Map<string, RegisteredJob>();
  for (const job of jobs) {
    if (index.has(job.name)) {
      throw new Error(
        `Job ${job.name} has more than one handler: job names are class names and must be unique, and each job is provided once`,
      );
    }
    index.set(job.name, job);
  }
  return index;
}
