import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { Environment } from './environment.entity';
import { EnvironmentsService } from './environments.service';
import {
  CreateEnvironmentInput,
  CreateEnvironmentPayload,
  EnvironmentArgs,
  UpdateEnvironmentInput,
  UpdateEnvironmentPayload,
} from './dto/environment.inputs';

@Resolver(() => Environment)
export class EnvironmentsResolver {
  constructor(private readonly environmentsService: EnvironmentsService) {}

  @Query(() => [Environment], { description: 'Environments visible to the caller.' })
  @Allow(Role.VIEWER, Role.SDK)
  environments(@CurrentActor() actor: Actor): Promise<Environment[]> {
    return this.environmentsService.list(actor);
  }

  @Query(() => Environment)
  @Allow(Role.VIEWER, Role.SDK)
  environment(
    @CurrentActor() actor: Actor,
    @Args() { key }: EnvironmentArgs,
  ): Promise<Environment> {
    return this.environmentsService.getForActor(actor, key);
  }

  @Mutation(() => CreateEnvironmentPayload, {
    description: 'Needs an admin key not scoped to one environment.',
  })
  @Allow(Role.ADMIN)
  async createEnvironment(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateEnvironmentInput,
  ): Promise<CreateEnvironmentPayload> {
    return { environment: await this.environmentsService.create(actor, input) };
  }

  @Mutation(() => UpdateEnvironmentPayload)
  @Allow(Role.ADMIN)
  async updateEnvironment(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateEnvironmentInput,
  ): Promise<UpdateEnvironmentPayload> {
    return { environment: await this.environmentsService.update(actor, input) };
  }
}
