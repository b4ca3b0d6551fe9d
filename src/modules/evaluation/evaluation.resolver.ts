import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import {
  EvaluateArgs,
  EvaluationResultType,
  PreviewEvaluationInput,
  PreviewResultType,
} from './dto/evaluation.types';
import { EvaluationService, Explained } from './evaluation.service';

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

  @Query(() => [PreviewResultType], {
    description:
      'Evaluates an unsaved config draft against up to 100 contexts, with an explanation of each result.',
  })
  @Allow(Role.VIEWER)
  previewEvaluation(
    @CurrentActor() actor: Actor,
    @Args('input') input: PreviewEvaluationInput,
  ): Promise<Explained[]> {
    return this.evaluation.preview(actor, input);
  }
}
