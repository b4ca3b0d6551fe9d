import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Experiment, ExperimentStatus } from './experiment.entity';

/** Experiments on configs: storage, lifecycle and assignment (docs/experiments.md). */
@Injectable()
export class ExperimentsService {
  constructor(@InjectRepository(Experiment) private readonly experiments: Repository<Experiment>) {}

  /** The environment's experiment with this key, whatever its status. */
  findByKey(environmentId: string, key: string): Promise<Experiment | null> {
    return this.experiments.findOneBy({ environmentId, key });
  }

  /** The environment's experiment with this key if it is running. */
  findRunningByKey(environmentId: string, key: string): Promise<Experiment | null> {
    return this.experiments.findOneBy({ environmentId, key, status: ExperimentStatus.RUNNING });
  }
}
