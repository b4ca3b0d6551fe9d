import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ConnectionType } from '../../core/graphql/pagination';
import { ApprovalPolicy } from './approval-policy.entity';
import { ApprovalPolicyChange } from './approval-policy-change.entity';
import { ApprovalPoliciesService } from './approval-policies.service';
import { ConfigKeyArgs } from '../configs/dto/configs.args';
import {
  ApprovalPoliciesArgs,
  ApprovalPolicyChangesArgs,
  DeleteApprovalPolicyInput,
  DeleteApprovalPolicyPayload,
  SetApprovalPolicyInput,
  SetApprovalPolicyPayload,
} from './dto/approval-policy.inputs';

export const ApprovalPolicyChangeConnection = ConnectionType(
  ApprovalPolicyChange,
  'ApprovalPolicyChange',
);

@Resolver(() => ApprovalPolicy)
export class ApprovalPoliciesResolver {
  constructor(private readonly policies: ApprovalPoliciesService) {}

  @Query(() => [ApprovalPolicy], { description: "An environment's approval policies, by name." })
  approvalPolicies(
    @CurrentActor() actor: Actor,
    @Args() { environment }: ApprovalPoliciesArgs,
  ): Promise<ApprovalPolicy[]> {
    return this.policies.list(actor, environment);
  }

  @Query(() => ApprovalPolicy, {
    nullable: true,
    description:
      'The policy that governs a config key (the most specific matching pattern), or null: changes to it need no approval.',
  })
  governingApprovalPolicy(
    @CurrentActor() actor: Actor,
    @Args() { environment, key }: ConfigKeyArgs,
  ): Promise<ApprovalPolicy | null> {
    return this.policies.governingFor(actor, environment, key);
  }

  @Query(() => ApprovalPolicyChangeConnection, {
    description: "The audit trail of an environment's approval policies, newest first.",
  })
  approvalPolicyChanges(@CurrentActor() actor: Actor, @Args() args: ApprovalPolicyChangesArgs) {
    return this.policies.changes(actor, args);
  }

  @Mutation(() => SetApprovalPolicyPayload, {
    description: 'Creates or replaces an approval policy (by environment and name).',
  })
  @Allow(Role.ADMIN)
  async setApprovalPolicy(
    @CurrentActor() actor: Actor,
    @Args('input') input: SetApprovalPolicyInput,
  ): Promise<SetApprovalPolicyPayload> {
    return { approvalPolicy: await this.policies.set(actor, input) };
  }

  @Mutation(() => DeleteApprovalPolicyPayload)
  @Allow(Role.ADMIN)
  async deleteApprovalPolicy(
    @CurrentActor() actor: Actor,
    @Args('input') input: DeleteApprovalPolicyInput,
  ): Promise<DeleteApprovalPolicyPayload> {
    return { deletedPolicyId: await this.policies.delete(actor, input) };
  }
}
