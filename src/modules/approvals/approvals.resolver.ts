import {
  Args,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { IdArgs } from '../../core/graphql/id.args';
import { ConnectionType } from '../../core/graphql/pagination';
import { ApprovalReview } from './approval-review.entity';
import { ApprovalUpdates } from './approval-updates.service';
import { ApprovalsService } from './approvals.service';
import { ConfigApproval } from './config-approval.entity';
import {
  ApprovalDiff,
  ApprovalLevelProgress,
  ApprovalPerson,
  ApprovalsArgs,
  ApprovalUpdatedArgs,
  ApprovalUpdatedEvent,
  CancelConfigChangeInput,
  CancelConfigChangePayload,
  EditConfigChangeInput,
  EditConfigChangePayload,
  RequestConfigChangeInput,
  RequestConfigChangePayload,
  ReviewConfigChangeInput,
  ReviewConfigChangePayload,
} from './dto/approval.inputs';

export const ConfigApprovalConnection = ConnectionType(ConfigApproval, 'ConfigApproval');

@Resolver(() => ConfigApproval)
export class ApprovalsResolver {
  constructor(private readonly service: ApprovalsService) {}

  @Query(() => ConfigApproval, { description: 'A change request.' })
  approval(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<ConfigApproval> {
    return this.service.get(actor, id);
  }

  @Query(() => ConfigApprovalConnection, {
    description: "An environment's change requests, the newest first.",
  })
  approvals(@CurrentActor() actor: Actor, @Args() args: ApprovalsArgs) {
    return this.service.list(actor, args);
  }

  @Mutation(() => RequestConfigChangePayload, {
    description:
      "Asks for a change that the environment's approval policy governs; it applies once every level approves (or at applyAt).",
  })
  @Allow(Role.EDITOR)
  async requestConfigChange(
    @CurrentActor() actor: Actor,
    @Args('input') input: RequestConfigChangeInput,
  ): Promise<RequestConfigChangePayload> {
    return { approval: await this.service.request(actor, input) };
  }

  @Mutation(() => ReviewConfigChangePayload, {
    description: "Approves or rejects a request at its current level (the level's approvers).",
  })
  async reviewConfigChange(
    @CurrentActor() actor: Actor,
    @Args('input') input: ReviewConfigChangeInput,
  ): Promise<ReviewConfigChangePayload> {
    return { approval: await this.service.review(actor, input) };
  }

  @Mutation(() => CancelConfigChangePayload, {
    description: 'Withdraws a pending or scheduled request (its requester, or an admin).',
  })
  @Allow(Role.EDITOR)
  async cancelConfigChange(
    @CurrentActor() actor: Actor,
    @Args('input') input: CancelConfigChangeInput,
  ): Promise<CancelConfigChangePayload> {
    return { approval: await this.service.cancel(actor, input) };
  }

  @Mutation(() => EditConfigChangePayload)
  @Allow(Role.EDITOR)
  async editConfigChange(
    @CurrentActor() actor: Actor,
    @Args('input') input: EditConfigChangeInput,
  ): Promise<EditConfigChangePayload> {
    return { approval: await this.service.edit(actor, input) };
  }

  @ResolveField(() => ApprovalPerson)
  requester(@Parent() approval: ConfigApproval): ApprovalPerson {
    return this.service.requesterOf(approval);
  }

  @ResolveField(() => [ApprovalLevelProgress], {
    description: 'The levels, in order, with their reviews in the current round.',
  })
  levels(@Parent() approval: ConfigApproval): Promise<ApprovalLevelProgress[]> {
    return this.service.levelsOf(approval);
  }

  @ResolveField(() => [ApprovalReview], { description: 'Every review, all rounds, in order.' })
  reviews(@Parent() approval: ConfigApproval): Promise<ApprovalReview[]> {
    return this.service.reviewsOf(approval.id);
  }

  @ResolveField(() => ApprovalDiff, { description: 'The proposal against the config now.' })
  diff(@Parent() approval: ConfigApproval): Promise<ApprovalDiff> {
    return this.service.diff(approval);
  }

  @ResolveField(() => Boolean, { description: 'Whether the caller may review it now.' })
  viewerCanReview(
    @CurrentActor() actor: Actor,
    @Parent() approval: ConfigApproval,
  ): Promise<boolean> {
    return this.service.canReview(actor, approval);
  }
}

@Resolver(() => ApprovalUpdatedEvent)
export class ApprovalUpdatesResolver {
  constructor(
    private readonly updates: ApprovalUpdates,
    private readonly service: ApprovalsService,
  ) {}

  @Subscription(() => ApprovalUpdatedEvent, {
    description: "Each change of an environment's change requests.",
    resolve: (event: ApprovalUpdatedEvent) => event,
  })
  approvalUpdated(@CurrentActor() actor: Actor, @Args() args: ApprovalUpdatedArgs) {
    return this.updates.stream(actor, args.environment);
  }

  @ResolveField(() => ConfigApproval, { nullable: true, description: 'As stored now.' })
  async approval(@Parent() event: ApprovalUpdatedEvent): Promise<ConfigApproval | null> {
    return this.service.find(event.approvalId).catch(() => null);
  }
}
