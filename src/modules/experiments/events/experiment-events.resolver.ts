import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Actor } from '../../../core/auth/actor';
import { Allow, CurrentActor } from '../../../core/auth/auth.decorators';
import { Role } from '../../../core/auth/role';
import { TrackEventsInput, TrackEventsPayload } from './dto/track-events.input';
import { ExperimentEventsService } from './experiment-events.service';

@Resolver()
export class ExperimentEventsResolver {
  constructor(private readonly events: ExperimentEventsService) {}

  @Mutation(() => TrackEventsPayload, {
    description:
      'Stores experiment events (conversions, numeric values) for results. Idempotent per event id; events in the future or for an unknown experiment are returned in `rejected`, the rest stored.',
  })
  @Allow(Role.SDK)
  trackEvents(
    @CurrentActor() actor: Actor,
    @Args('input') input: TrackEventsInput,
  ): Promise<TrackEventsPayload> {
    return this.events.track(actor, input, 'input');
  }
}
