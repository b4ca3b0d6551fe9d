import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Allow } from 'class-validator';

/**
 * The shapes of `trackEvents`. The rules (sizes, counts, times) are checked by
 * readTrackEvents, the same for GraphQL and `POST /v1/events`.
 */
@InputType()
export class TrackedEventInput {
  @Field({
    description:
      'Chosen by the client, unique per event in the environment: an event sent again is stored once. At most 128 characters.',
  })
  @Allow()
  id!: string;

  @Field({
    nullable: true,
    description:
      'The experiment the event is for; without it the event counts for every experiment the subject was exposed to.',
  })
  @Allow()
  experimentKey?: string;

  @Field({ description: 'The metric’s event name, e.g. "purchase". At most 128 characters.' })
  @Allow()
  eventName!: string;

  @Field({
    description:
      'Who did it: the stickiness value the experiment assigns by (by default user.id, else device.id). At most 256 characters.',
  })
  @Allow()
  subject!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'For numeric metrics (revenue, duration); a finite number.',
  })
  @Allow()
  value?: number;

  @Field(() => Date, { description: 'When it happened; at most 5 minutes ahead of the server.' })
  @Allow()
  occurredAt!: Date;
}

@InputType()
export class TrackEventsInput {
  @Field(() => [TrackedEventInput], { description: '1 to 1,000 events.' })
  @Allow()
  events!: TrackedEventInput[];

  @Field({
    nullable: true,
    description: 'The environment, for keys not scoped to one; an sdk key tracks in its own.',
  })
  @Allow()
  environment?: string;
}

@ObjectType('RejectedEvent')
export class RejectedEvent {
  @Field(() => Int, { description: 'The event’s position in the batch.' })
  index!: number;

  @Field()
  id!: string;

  @Field({
    description:
      'Why it was not stored: FUTURE_TIMESTAMP (occurredAt over 5 minutes ahead) or EXPERIMENT_NOT_FOUND.',
  })
  errorCode!: string;
}

@ObjectType('TrackEventsPayload')
export class TrackEventsPayload {
  @Field(() => Int, { description: 'Events stored now.' })
  accepted!: number;

  @Field(() => Int, { description: 'Events whose id was already stored: skipped, not an error.' })
  duplicates!: number;

  @Field(() => [RejectedEvent], { description: 'Events not stored, each with why.' })
  rejected!: RejectedEvent[];
}
