import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ExplainServedArgs, ServedExplanationType } from './dto/explain-served.types';
import { ExplainServedService, ServedExplanation } from './explain-served.service';

@Resolver()
export class ExplainServedResolver {
  constructor(private readonly service: ExplainServedService) {}

  @Query(() => ServedExplanationType, {
    description:
      'Why a subject got the value it got at a past time: the config as the change history had it then, evaluated and explained for the context.',
  })
  @Allow(Role.VIEWER)
  explainServed(
    @CurrentActor() actor: Actor,
    @Args() args: ExplainServedArgs,
  ): Promise<ServedExplanation> {
    return this.service.explain(actor, args);
  }
}
