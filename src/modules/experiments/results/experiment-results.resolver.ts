import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../../core/auth/actor';
import { CurrentActor } from '../../../core/auth/auth.decorators';
import { ExperimentResultsOf, ExperimentResultsService } from './experiment-results.service';
import { ExperimentResults } from './experiment-results.types';
import { ExperimentKeyArgs } from '../dto/experiment.inputs';

@Resolver(() => ExperimentResults)
export class ExperimentResultsResolver {
  constructor(private readonly service: ExperimentResultsService) {}

  @Query(() => ExperimentResults, {
    description:
      "An experiment's results per variant and metric, from the aggregated exposures and events (docs/experiments.md, Results).",
  })
  experimentResults(
    @CurrentActor() actor: Actor,
    @Args() { environment, key }: ExperimentKeyArgs,
  ): Promise<ExperimentResultsOf> {
    return this.service.results(actor, environment, key);
  }
}
