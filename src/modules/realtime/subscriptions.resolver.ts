import { Args, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { AppError } from '../../core/errors/app-error';
import { isPlainObject } from '../../engine/validate/issues';
import { BusinessConfig } from '../configs/business-config.entity';
import { ConfigChangedEvent } from '../configs/config-change-events';
import { ConfigsService } from '../configs/configs.service';
import {
  ConfigChangedArgs,
  ConfigChangeEventType,
  EvaluationsChangedArgs,
  EvaluationsUpdateType,
} from './dto/subscriptions.types';
import { SubscriptionsService } from './subscriptions.service';

@Resolver(() => ConfigChangeEventType)
export class SubscriptionsResolver {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly configs: ConfigsService,
  ) {}

  @Subscription(() => ConfigChangeEventType, {
    description: 'Every change committed in an environment, or to the listed keys.',
    resolve: (event: ConfigChangedEvent) => event,
  })
  @Allow(Role.VIEWER)
  configChanged(@CurrentActor() actor: Actor, @Args() args: ConfigChangedArgs) {
    return this.subscriptions.configChanges(actor, args.environment, args.keys);
  }

  @Subscription(() => EvaluationsUpdateType, {
    description:
      'The evaluated configs for one context: the full set first, then what changes for it.',
    resolve: (update: EvaluationsUpdateType) => update,
  })
  @Allow(Role.SDK, Role.VIEWER)
  evaluationsChanged(@CurrentActor() actor: Actor, @Args() args: EvaluationsChangedArgs) {
    if (!isPlainObject(args.context)) {
      throw AppError.badInput('context must be an object', [
        { path: 'context', rule: 'type', message: 'context must be a JSON object' },
      ]);
    }
    return this.subscriptions.evaluations(
      actor,
      args.environment,
      args.context,
      args.keys,
      args.sinceRevision,
    );
  }

  @ResolveField(() => BusinessConfig, {
    nullable: true,
    description: 'The config as stored now; null once deleted.',
  })
  config(@Parent() event: ConfigChangedEvent): Promise<BusinessConfig | null> {
    return this.configs.findById(event.configId);
  }
}
