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
import { IdArgs } from '../../core/graphql/id.args';
import { ConnectionType } from '../../core/graphql/pagination';
import { ConfigDeployment } from './config-deployment.entity';
import { DeploymentUpdates } from './deployment-updates.service';
import { DeploymentsService } from './deployments.service';
import {
  AdvanceDeploymentInput,
  AdvanceDeploymentPayload,
  DeploymentsArgs,
  DeploymentUpdatedArgs,
  DeploymentUpdatedEvent,
  PauseDeploymentInput,
  PauseDeploymentPayload,
  ResumeDeploymentInput,
  ResumeDeploymentPayload,
  RollbackDeploymentInput,
  RollbackDeploymentPayload,
  StartDeploymentInput,
  StartDeploymentPayload,
} from './dto/deployment.inputs';

export const DeploymentConnection = ConnectionType(ConfigDeployment, 'ConfigDeployment');

@Resolver(() => ConfigDeployment)
export class DeploymentsResolver {
  constructor(private readonly service: DeploymentsService) {}

  @Query(() => ConfigDeployment)
  deployment(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<ConfigDeployment> {
    return this.service.get(actor, id);
  }

  @Query(() => DeploymentConnection, {
    description: "An environment's deployments (the history), the newest first.",
  })
  deployments(@CurrentActor() actor: Actor, @Args() args: DeploymentsArgs) {
    return this.service.list(actor, args);
  }

  @Mutation(() => StartDeploymentPayload, {
    description:
      "Serves a candidate state to a growing share of a config's subjects, step by step; the last step makes it the config's state.",
  })
  @Allow(Role.EDITOR)
  async startDeployment(
    @CurrentActor() actor: Actor,
    @Args('input') input: StartDeploymentInput,
  ): Promise<StartDeploymentPayload> {
    return { deployment: await this.service.start(actor, input) };
  }

  @Mutation(() => PauseDeploymentPayload, { description: 'Holds the current split.' })
  @Allow(Role.EDITOR)
  async pauseDeployment(
    @CurrentActor() actor: Actor,
    @Args('input') input: PauseDeploymentInput,
  ): Promise<PauseDeploymentPayload> {
    return { deployment: await this.service.pause(actor, input) };
  }

  @Mutation(() => ResumeDeploymentPayload)
  @Allow(Role.EDITOR)
  async resumeDeployment(
    @CurrentActor() actor: Actor,
    @Args('input') input: ResumeDeploymentInput,
  ): Promise<ResumeDeploymentPayload> {
    return { deployment: await this.service.resume(actor, input) };
  }

  @Mutation(() => AdvanceDeploymentPayload, { description: 'Takes the next step now.' })
  @Allow(Role.EDITOR)
  async advanceDeployment(
    @CurrentActor() actor: Actor,
    @Args('input') input: AdvanceDeploymentInput,
  ): Promise<AdvanceDeploymentPayload> {
    return { deployment: await this.service.advance(actor, input) };
  }

  @Mutation(() => RollbackDeploymentPayload, {
    description: 'Ends an active deployment: everyone is served the stable state again.',
  })
  @Allow(Role.EDITOR)
  async rollbackDeployment(
    @CurrentActor() actor: Actor,
    @Args('input') input: RollbackDeploymentInput,
  ): Promise<RollbackDeploymentPayload> {
    return { deployment: await this.service.rollback(actor, input) };
  }
}

@Resolver(() => DeploymentUpdatedEvent)
export class DeploymentUpdatesResolver {
  constructor(
    private readonly updates: DeploymentUpdates,
    private readonly service: DeploymentsService,
  ) {}

  @Subscription(() => DeploymentUpdatedEvent, {
    description:
      "Each start, step, pause, resume, rollback and completion of an environment's deployments.",
    resolve: (event: DeploymentUpdatedEvent) => event,
  })
  @Allow(Role.VIEWER)
  deploymentUpdated(@CurrentActor() actor: Actor, @Args() args: DeploymentUpdatedArgs) {
    return this.updates.stream(actor, args.environment, args.keys);
  }

  @ResolveField(() => ConfigDeployment, { nullable: true, description: 'As stored now.' })
  deployment(@Parent() event: DeploymentUpdatedEvent): Promise<ConfigDeployment | null> {
    return this.service.findById(event.deploymentId);
  }
}
