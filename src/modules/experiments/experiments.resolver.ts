import {
  Args,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ConnectionType } from '../../core/graphql/pagination';
import {
  ArchiveExperimentInput,
  ArchiveExperimentPayload,
  AssignVariantInput,
  AssignVariantPayload,
  CompleteExperimentInput,
  CompleteExperimentPayload,
  CreateExperimentInput,
  CreateExperimentPayload,
  DeleteExperimentInput,
  DeleteExperimentPayload,
  ExperimentsArgs,
  ExperimentUpdatedArgs,
  ExperimentUpdatedEvent,
  ExperimentVariantExposures,
  PauseExperimentInput,
  PauseExperimentPayload,
  ResumeExperimentInput,
  ResumeExperimentPayload,
  StartExperimentInput,
  StartExperimentPayload,
  UpdateExperimentInput,
  UpdateExperimentPayload,
} from './dto/experiment.inputs';
import { Experiment } from './experiment.entity';
import { ExperimentsService } from './experiments.service';
import { ExperimentUpdates } from './experiment-updates.service';
import { ExperimentCounts } from './events/experiment-counts';
import { ExperimentKeyArgs } from './dto/experiment.inputs';

export const ExperimentConnection = ConnectionType(Experiment, 'Experiment');

@Resolver(() => Experiment)
export class ExperimentsResolver {
  constructor(private readonly service: ExperimentsService) {}

  @Query(() => Experiment)
  experiment(
    @CurrentActor() actor: Actor,
    @Args() { environment, key }: ExperimentKeyArgs,
  ): Promise<Experiment> {
    return this.service.get(actor, environment, key);
  }

  @Query(() => ExperimentConnection, { description: 'Experiments of an environment, by key.' })
  experiments(@CurrentActor() actor: Actor, @Args() args: ExperimentsArgs) {
    return this.service.list(actor, args.environment, args.status, args);
  }

  @Mutation(() => CreateExperimentPayload, { description: 'A draft experiment on a config.' })
  @Allow(Role.EDITOR)
  async createExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateExperimentInput,
  ): Promise<CreateExperimentPayload> {
    return { experiment: await this.service.create(actor, input) };
  }

  @Mutation(() => UpdateExperimentPayload, { description: 'Changes a draft experiment.' })
  @Allow(Role.EDITOR)
  async updateExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateExperimentInput,
  ): Promise<UpdateExperimentPayload> {
    return { experiment: await this.service.update(actor, input) };
  }

  @Mutation(() => StartExperimentPayload, {
    description: "Starts a draft: the config serves its variants (the config's version unchanged).",
  })
  @Allow(Role.EDITOR)
  async startExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: StartExperimentInput,
  ): Promise<StartExperimentPayload> {
    return { experiment: await this.service.start(actor, input) };
  }

  @Mutation(() => PauseExperimentPayload, { description: 'The config serves as if it had none.' })
  @Allow(Role.EDITOR)
  async pauseExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: PauseExperimentInput,
  ): Promise<PauseExperimentPayload> {
    return { experiment: await this.service.pause(actor, input) };
  }

  @Mutation(() => ResumeExperimentPayload)
  @Allow(Role.EDITOR)
  async resumeExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: ResumeExperimentInput,
  ): Promise<ResumeExperimentPayload> {
    return { experiment: await this.service.resume(actor, input) };
  }

  @Mutation(() => CompleteExperimentPayload, {
    description: "Ends a running or paused experiment; optionally promotes the winner's value.",
  })
  @Allow(Role.EDITOR)
  async completeExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: CompleteExperimentInput,
  ): Promise<CompleteExperimentPayload> {
    return this.service.complete(actor, input);
  }

  @Mutation(() => ArchiveExperimentPayload, { description: 'Archives a completed or draft one.' })
  @Allow(Role.EDITOR)
  async archiveExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: ArchiveExperimentInput,
  ): Promise<ArchiveExperimentPayload> {
    return { experiment: await this.service.archive(actor, input) };
  }

  @Mutation(() => DeleteExperimentPayload, { description: 'Deletes a draft experiment.' })
  @Allow(Role.EDITOR)
  async deleteExperiment(
    @CurrentActor() actor: Actor,
    @Args('input') input: DeleteExperimentInput,
  ): Promise<DeleteExperimentPayload> {
    return { key: input.key, deletedExperimentId: await this.service.delete(actor, input) };
  }

  @Mutation(() => AssignVariantPayload, {
    description:
      'The variant a subject gets in a running experiment; a random one is drawn and stored on first call, then sticky.',
  })
  @Allow(Role.SDK, Role.EDITOR)
  assignVariant(
    @CurrentActor() actor: Actor,
    @Args('input') input: AssignVariantInput,
  ): Promise<AssignVariantPayload> {
    return this.service.assignVariant(actor, input);
  }
}

@Resolver(() => ExperimentUpdatedEvent)
export class ExperimentUpdatesResolver {
  constructor(
    private readonly updates: ExperimentUpdates,
    private readonly service: ExperimentsService,
    private readonly counts: ExperimentCounts,
  ) {}

  @Subscription(() => ExperimentUpdatedEvent, {
    description:
      "Each start, pause, resume and completion of an environment's experiments, and the live exposure counts of the running ones after each aggregation run.",
    resolve: (event: ExperimentUpdatedEvent) => event,
  })
  @Allow(Role.VIEWER)
  experimentUpdated(@CurrentActor() actor: Actor, @Args() args: ExperimentUpdatedArgs) {
    return this.updates.stream(actor, args.environment, args.keys);
  }

  @ResolveField(() => Experiment, { nullable: true, description: 'As stored now.' })
  experiment(@Parent() event: ExperimentUpdatedEvent): Promise<Experiment | null> {
    return this.service.findById(event.experimentId);
  }

  @ResolveField(() => [ExperimentVariantExposures], {
    description:
      'Exposed subjects per variant: carried by COUNTS updates, read now for transitions.',
  })
  async exposures(@Parent() event: ExperimentUpdatedEvent): Promise<ExperimentVariantExposures[]> {
    if (event.exposures) return event.exposures;
    const counts = await this.counts.forExperiment(event.experimentId);
    return counts.map((c) => ({ variantKey: c.variantKey, exposures: c.exposures }));
  }
}
