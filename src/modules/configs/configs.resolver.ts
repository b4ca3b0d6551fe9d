import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ConnectionType } from '../../core/graphql/pagination';
import { BusinessConfig } from './business-config.entity';
import { ConfigsService } from './configs.service';
import {
  ArchiveConfigInput,
  ArchiveConfigPayload,
  CreateConfigInput,
  CreateConfigPayload,
  DeleteConfigInput,
  DeleteConfigPayload,
  RollbackConfigInput,
  RollbackConfigPayload,
  UnarchiveConfigInput,
  UnarchiveConfigPayload,
  UpdateConfigInput,
  UpdateConfigPayload,
  ValidateConfigInput,
  ValidateConfigPayload,
} from './dto/config.inputs';
import { ConfigKeyArgs, ConfigsArgs } from './dto/configs.args';

export const BusinessConfigConnection = ConnectionType(BusinessConfig, 'BusinessConfig');

@Resolver(() => BusinessConfig)
export class ConfigsResolver {
  constructor(private readonly configsService: ConfigsService) {}

  @Query(() => BusinessConfig)
  config(
    @CurrentActor() actor: Actor,
    @Args() { environment, key }: ConfigKeyArgs,
  ): Promise<BusinessConfig> {
    return this.configsService.get(actor, environment, key);
  }

  @Query(() => BusinessConfigConnection, {
    description: 'Configs of an environment, by key unless orderBy says otherwise.',
  })
  configs(@CurrentActor() actor: Actor, @Args() args: ConfigsArgs) {
    return this.configsService.list(
      actor,
      args.environment,
      args.filter ?? {},
      args,
      args.orderBy ?? undefined,
    );
  }

  @Query(() => ValidateConfigPayload, { description: 'Runs the checks of a save without saving.' })
  @Allow(Role.EDITOR)
  async validateConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: ValidateConfigInput,
  ): Promise<ValidateConfigPayload> {
    const validationErrors = await this.configsService.validate(actor, input);
    return { valid: validationErrors.length === 0, validationErrors };
  }

  @Mutation(() => CreateConfigPayload)
  @Allow(Role.EDITOR)
  async createConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateConfigInput,
  ): Promise<CreateConfigPayload> {
    return { config: await this.configsService.create(actor, input) };
  }

  @Mutation(() => UpdateConfigPayload)
  @Allow(Role.EDITOR)
  async updateConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateConfigInput,
  ): Promise<UpdateConfigPayload> {
    return { config: await this.configsService.update(actor, input) };
  }

  @Mutation(() => ArchiveConfigPayload, {
    description: 'Archived configs serve their default value.',
  })
  @Allow(Role.EDITOR)
  async archiveConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: ArchiveConfigInput,
  ): Promise<ArchiveConfigPayload> {
    return { config: await this.configsService.archive(actor, input) };
  }

  @Mutation(() => UnarchiveConfigPayload)
  @Allow(Role.EDITOR)
  async unarchiveConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: UnarchiveConfigInput,
  ): Promise<UnarchiveConfigPayload> {
    return { config: await this.configsService.unarchive(actor, input) };
  }

  @Mutation(() => DeleteConfigPayload, {
    description: 'Deletes an archived config; its history stays.',
  })
  @Allow(Role.ADMIN)
  async deleteConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: DeleteConfigInput,
  ): Promise<DeleteConfigPayload> {
    return { key: input.key, deletedConfigId: await this.configsService.delete(actor, input) };
  }

  @Mutation(() => RollbackConfigPayload, {
    description: 'Restores an earlier version as a new version.',
  })
  @Allow(Role.EDITOR)
  async rollbackConfig(
    @CurrentActor() actor: Actor,
    @Args('input') input: RollbackConfigInput,
  ): Promise<RollbackConfigPayload> {
    return { config: await this.configsService.rollback(actor, input) };
  }
}
