import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/auth.decorators';
import { AnalyticsService } from './analytics.service';
import { ConfigAnalyticsArgs } from './dto/config-analytics.args';
import { ConfigAnalytics } from './dto/config-analytics.payload';
import { StaleConfig, StaleConfigsArgs } from './dto/stale-configs.args';

@Resolver()
export class AnalyticsResolver {
  constructor(private readonly analytics: AnalyticsService) {}

  @Query(() => ConfigAnalytics, {
    description:
      'Usage over a date range: per config (the keys given) and for the whole environment, a time series of each counter, totals, rates and distinct users and devices; top configs by evaluations and by errors (see docs/analytics.md).',
  })
  configAnalytics(
    @CurrentActor() actor: Actor,
    @Args() args: ConfigAnalyticsArgs,
  ): Promise<ConfigAnalytics> {
    return this.analytics.analytics(actor, args);
  }

  @Query(() => [StaleConfig], {
    description:
      'Configs that are candidates for clean-up: not evaluated for `days` days, or serving one value to everyone unchanged for `days` days (see docs/analytics.md). Archived configs are not listed.',
  })
  staleConfigs(
    @CurrentActor() actor: Actor,
    @Args() args: StaleConfigsArgs,
  ): Promise<StaleConfig[]> {
    return this.analytics.stale(actor, args);
  }
}
