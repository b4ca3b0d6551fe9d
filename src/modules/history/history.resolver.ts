import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/auth.decorators';
import { ConnectionType } from '../../core/graphql/pagination';
import { EnvironmentsService } from '../environments/environments.service';
import { ConfigChangeLog } from './config-change-log.entity';
import {
  ChangeHistoryVerification,
  ConfigChangesArgs,
  VerifyChangeHistoryArgs,
} from './dto/config-changes.args';
import { HistoryService } from './history.service';

export const ConfigChangeConnection = ConnectionType(ConfigChangeLog, 'ConfigChange');

@Resolver(() => ConfigChangeLog)
export class HistoryResolver {
  constructor(
    private readonly history: HistoryService,
    private readonly environments: EnvironmentsService,
  ) {}

  @Query(() => ConfigChangeConnection, { description: 'Committed changes, newest first.' })
  async configChanges(@CurrentActor() actor: Actor, @Args() args: ConfigChangesArgs) {
    const environment = await this.environments.getForActor(actor, args.environment);
    return this.history.list(environment.id, args.filter ?? {}, args);
  }

  @Query(() => ChangeHistoryVerification, {
    description:
      "Recomputes the environment's hash chain up to the head the environment records, and checks an anchor kept outside the database.",
  })
  async verifyChangeHistory(
    @CurrentActor() actor: Actor,
    @Args() args: VerifyChangeHistoryArgs,
  ): Promise<ChangeHistoryVerification> {
    const environment = await this.environments.getForActor(actor, args.environment);
    const { head, ...check } = await this.history.verify(environment.id, args.anchor);
    return { ...check, headRevision: head.revision, headHash: head.hash };
  }
}
