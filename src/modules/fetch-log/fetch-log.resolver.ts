import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/auth.decorators';
import { Connection, ConnectionType } from '../../core/graphql/pagination';
import { ConfigFetchLog } from './config-fetch-log.entity';
import { ConfigFetchLogArgs } from './dto/config-fetch-log.args';
import { FetchLogService } from './fetch-log.service';

export const ConfigFetchLogConnection = ConnectionType(ConfigFetchLog, 'ConfigFetchLog');

@Resolver(() => ConfigFetchLog)
export class FetchLogResolver {
  constructor(private readonly fetchLog: FetchLogService) {}

  @Query(() => ConfigFetchLogConnection, {
    description: 'Sampled fetch records, newest first (see docs/fetch-log.md).',
  })
  configFetchLog(
    @CurrentActor() actor: Actor,
    @Args() args: ConfigFetchLogArgs,
  ): Promise<Connection<ConfigFetchLog>> {
    return this.fetchLog.list(actor, args);
  }
}
