import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ConnectionType, PageArgs } from '../../core/graphql/pagination';
import { ApiKey } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import {
  CreateApiKeyInput,
  CreateApiKeyPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
  SetApiKeyOwnerInput,
  SetApiKeyOwnerPayload,
} from './dto/api-key.inputs';

export const ApiKeyConnection = ConnectionType(ApiKey, 'ApiKey');

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(private readonly apiKeysService: ApiKeysService) {}

  @Query(() => ApiKey, { description: 'The key making this request.' })
  @Allow(Role.VIEWER, Role.APPROVER, Role.SDK)
  me(@CurrentActor() actor: Actor): Promise<ApiKey> {
    return this.apiKeysService.getById(actor.id);
  }

  @Query(() => ApiKeyConnection, {
    description: 'Every key; a key scoped to one environment sees the keys of that environment.',
  })
  @Allow(Role.ADMIN)
  apiKeys(@CurrentActor() actor: Actor, @Args() page: PageArgs) {
    return this.apiKeysService.list(actor, page);
  }

  @Mutation(() => CreateApiKeyPayload)
  @Allow(Role.ADMIN)
  createApiKey(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    return this.apiKeysService.create(actor, input);
  }

  @Mutation(() => RevokeApiKeyPayload)
  @Allow(Role.ADMIN)
  async revokeApiKey(
    @CurrentActor() actor: Actor,
    @Args('input') input: RevokeApiKeyInput,
  ): Promise<RevokeApiKeyPayload> {
    return { apiKey: await this.apiKeysService.revoke(actor, input.id) };
  }

  @Mutation(() => SetApiKeyOwnerPayload, {
    description:
      'Sets (or clears, with owner null) the person a key belongs to: separation of duties and approval notifications use it.',
  })
  @Allow(Role.ADMIN)
  async setApiKeyOwner(
    @CurrentActor() actor: Actor,
    @Args('input') input: SetApiKeyOwnerInput,
  ): Promise<SetApiKeyOwnerPayload> {
    return { apiKey: await this.apiKeysService.setOwner(actor, input) };
  }
}
