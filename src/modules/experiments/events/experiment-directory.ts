import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Experiment } from '../experiment.entity';

/** A stretch of time an experiment ran: from a start or resume to a pause or stop (or now). */
export interface RunningWindow {
  startedAt: Date;
  /** Null while it runs. */
  endedAt: Date | null;
}

/**
 * What exposures and events need to know of experiments: ids by key, and when each ran. The
 * stored experiments answer it (StoredExperiments).
 */
export abstract class ExperimentDirectory {
  /** The ids of those keys that name an experiment of the environment (any status). */
  abstract idsByKey(environmentId: string, keys: readonly string[]): Promise<Map<string, string>>;
  /** The running windows of each experiment, by id; an experiment never started has none. */
  abstract runningWindows(ids: readonly string[]): Promise<Map<string, RunningWindow[]>>;
}

/** The experiments table: keys of any status, windows from each start or resume. */
@Injectable()
export class StoredExperiments extends ExperimentDirectory {
  constructor(@InjectRepository(Experiment) private readonly experiments: Repository<Experiment>) {
    super();
  }

  async idsByKey(environmentId: string, keys: readonly string[]): Promise<Map<string, string>> {
    const found = await this.experiments.find({
      select: { id: true, key: true },
      where: { environmentId, key: In([...keys]) },
    });
    return new Map(found.map((e) => [e.key, e.id]));
  }

  async runningWindows(ids: readonly string[]): Promise<Map<string, RunningWindow[]>> {
    if (ids.length === 0) return new Map();
    const found = await this.experiments.find({
      select: { id: true, runWindows: true },
      where: { id: In([...ids]) },
    });
    return new Map(
      found.map((e) => [
        e.id,
        e.runWindows.map((w) => ({
          startedAt: new Date(w.start),
          endedAt: w.end === null ? null : new Date(w.end),
        })),
      ]),
    );
  }
}
