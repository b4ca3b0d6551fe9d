import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { EvaluateArgs, EvaluationResultType } from './dto/evaluation.types';
import { EvaluationService } from './evaluation.service';

@Resolver()
export class EvaluationResolver {
  constructor(private readonly evaluation: EvaluationService) {}

  @Query(() => [EvaluationResultType], {
    description: 'The value each config serves for a context, and why.',
  })
  @Allow(Role.SDK, Role.VIEWER)
  evaluate(@CurrentActor() actor: Actor, @Args() args: EvaluateArgs) {
    return this.evaluation.evaluate(actor, args.environment, args.context, args.keys);
  }
}
