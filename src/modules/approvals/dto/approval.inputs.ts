import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { PageArgs } from '../../../core/graphql/pagination';
import { ConfigDeploymentStrategy, ConfigValueType } from '../../configs/business-config.entity';
import { GuardTripAction } from '../../deployments/config-deployment.entity';
import { ConfigFieldsInput } from '../../configs/dto/config.inputs';
import { DeploymentCandidateInput } from '../../deployments/dto/deployment.inputs';
import { ApprovalReview, ReviewDecision } from '../approval-review.entity';
import { ApprovalStatus, ConfigApproval, ConfigChangeKind } from '../config-approval.entity';

/** A config's fields for a CREATE or UPDATE request: as createConfig and updateConfig take them. */
@InputType()
export class ProposedConfigInput extends ConfigFieldsInput {
  @Field(() => ConfigValueType, { nullable: true, description: 'Required for CREATE.' })
  @Allow()
  valueType?: ConfigValueType;
}

@InputType()
export class ProposedDeploymentInput {
  @Field(() => DeploymentCandidateInput)
  @ValidateNested()
  @Type(() => DeploymentCandidateInput)
  candidate!: DeploymentCandidateInput;

  @Field(() => ConfigDeploymentStrategy, {
    nullable: true,
    description: "Default: the config's deploymentStrategy.",
  })
  @Allow()
  strategy?: ConfigDeploymentStrategy | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  parameters?: unknown;

  @Field(() => GuardTripAction, { nullable: true, description: 'Default ROLLBACK.' })
  @IsOptional()
  @IsEnum(GuardTripAction)
  onGuardTrip?: GuardTripAction | null;
}

@InputType()
export class ProposedExperimentInput {
  @Field({ description: "The experiment's key (on this config)." })
  @IsString()
  @MaxLength(200)
  key!: string;

  @Field(() => String, { nullable: true, description: 'COMPLETE_EXPERIMENT: the winning variant.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  winner?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "COMPLETE_EXPERIMENT: also make the winner's value the config's value.",
  })
  @IsOptional()
  @IsBoolean()
  promoteWinner?: boolean | null;
}

/** The proposal of a request, or of its edit: the part that matches the request's kind. */
@InputType({ isAbstract: true })
export abstract class ProposalInput {
  @Field(() => Int, {
    nullable: true,
    description: 'The config version you read (the base); default: the current one.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number | null;

  @Field(() => ProposedConfigInput, { nullable: true, description: 'CREATE and UPDATE.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProposedConfigInput)
  config?: ProposedConfigInput | null;

  @Field(() => Int, { nullable: true, description: 'ROLLBACK: the version to restore.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  toVersion?: number | null;

  @Field(() => ProposedDeploymentInput, { nullable: true, description: 'START_DEPLOYMENT.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProposedDeploymentInput)
  deployment?: ProposedDeploymentInput | null;

  @Field(() => ProposedExperimentInput, {
    nullable: true,
    description: 'START_EXPERIMENT and COMPLETE_EXPERIMENT.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProposedExperimentInput)
  experiment?: ProposedExperimentInput | null;

  @Field(() => String, { nullable: true, description: 'Why; shown to reviewers, and in history.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'Apply at this time once approved (at most a year ahead); without it, as soon as approved.',
  })
  @IsOptional()
  @IsDate()
  applyAt?: Date | null;
}

@InputType()
export class RequestConfigChangeInput extends ProposalInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({ description: "The config's key." })
  @IsString()
  @MaxLength(200)
  key!: string;

  @Field(() => ConfigChangeKind)
  @IsEnum(ConfigChangeKind)
  kind!: ConfigChangeKind;
}

@InputType({
  description:
    "Replaces a pending or scheduled request's proposal (the requester only), based on the config as it is now.",
})
export class EditConfigChangeInput extends ProposalInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@InputType()
export class ReviewConfigChangeInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => ReviewDecision)
  @IsEnum(ReviewDecision)
  decision!: ReviewDecision;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;
}

@InputType()
export class CancelConfigChangeInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;
}

@ObjectType()
export class ConfigApprovalPayload {
  @Field(() => ConfigApproval)
  approval!: ConfigApproval;
}

@ObjectType()
export class RequestConfigChangePayload extends ConfigApprovalPayload {}
@ObjectType()
export class ReviewConfigChangePayload extends ConfigApprovalPayload {}
@ObjectType()
export class CancelConfigChangePayload extends ConfigApprovalPayload {}
@ObjectType()
export class EditConfigChangePayload extends ConfigApprovalPayload {}

@ArgsType()
export class ApprovalsArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => ApprovalStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ApprovalStatus)
  status?: ApprovalStatus;

  @Field(() => ID, {
    nullable: true,
    description: "Requests made by this key's person (any of their keys).",
  })
  @IsOptional()
  @IsUUID()
  requester?: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'Requests waiting on this key: pending, its current level one this key may review, not reviewed by its person yet and not theirs.',
  })
  @IsOptional()
  @IsUUID()
  reviewer?: string;

  @Field({ nullable: true, description: "Only this config's requests." })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  key?: string;
}

@ArgsType()
export class ApprovalUpdatedArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;
}

@ObjectType('ApprovalPerson')
export class ApprovalPerson {
  @Field(() => ID, { description: 'The key.' })
  keyId!: string;

  @Field({ description: "The owner's name, else the key's." })
  name!: string;
}

@ObjectType('ApprovalLevelProgress', {
  description: 'A level of a request: who may approve, who did, and whether it is satisfied.',
})
export class ApprovalLevelProgress {
  @Field(() => Int, { description: '0-based.' })
  level!: number;

  @Field()
  name!: string;

  @Field(() => Int)
  required!: number;

  @Field(() => Int, { description: 'Approvals by different people in the current round.' })
  approvals!: number;

  @Field()
  satisfied!: boolean;

  @Field(() => [ID])
  approverKeyIds!: string[];

  @Field()
  anyApprover!: boolean;

  @Field(() => [ApprovalReview], { description: 'Reviews at this level in the current round.' })
  reviews!: ApprovalReview[];
}

@ObjectType('ApprovalDiff', {
  description: 'The proposed state against the config as it is now (RFC 6902 `patch`).',
})
export class ApprovalDiff {
  @Field(() => Int)
  baseVersion!: number;

  @Field(() => Int, { nullable: true, description: 'null: the config does not exist (now).' })
  currentVersion!: number | null;

  @Field({ description: 'The config moved past the base version (or appeared, or is gone).' })
  stale!: boolean;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The config now.' })
  current!: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "The state once applied (a deployment's candidate); null: deleted, or no state change.",
  })
  proposed!: unknown;

  @Field(() => GraphQLJSON, { description: 'From current to proposed.' })
  patch!: unknown[];
}

@ObjectType('ApprovalUpdatedEvent')
export class ApprovalUpdatedEvent {
  @Field(() => ID)
  approvalId!: string;

  @Field()
  configKey!: string;

  @Field(() => ApprovalStatus)
  status!: ApprovalStatus;

  @Field(() => Int)
  currentLevel!: number;

  @Field({ description: 'What happened: requested, reviewed, edited, cancelled, applied, …' })
  event!: string;
}
