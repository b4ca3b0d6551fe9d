import { ArgsType, Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  Allow,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
} from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { PageArgs } from '../../../core/graphql/pagination';
import { ConfigDeploymentStrategy } from '../../configs/business-config.entity';
import { BypassApprovalField } from '../../configs/dto/config.inputs';
import { ChangeAction } from '../../history/config-change-log.entity';
import {
  ConfigDeployment,
  ConfigDeploymentStatus,
  GuardTripAction,
} from '../config-deployment.entity';

/**
 * What the candidate serves; absent fields keep the config's. The type and constraints are
 * the config's own and judge the candidate as they judge any save (engine validator).
 */
@InputType()
export class DeploymentCandidateInput {
  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  value?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  defaultValue?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  targetingRules?: unknown;

  @Field(() => Number, { nullable: true })
  @Allow()
  rolloutPercentage?: number;

  @Field(() => String, { nullable: true })
  @Allow()
  stickiness?: string | null;

  @Field({ nullable: true })
  @Allow()
  description?: string;
}

@InputType()
export class StartDeploymentInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({ description: "The config's key." })
  @IsString()
  @MaxLength(128)
  key!: string;

  @Field(() => DeploymentCandidateInput)
  @Allow()
  candidate!: DeploymentCandidateInput;

  @Field(() => ConfigDeploymentStrategy, {
    nullable: true,
    description: "Default: the config's deploymentStrategy.",
  })
  @Allow()
  strategy?: ConfigDeploymentStrategy;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "The strategy's parameters (docs/deployments.md). Default: the config's deploymentConfig when the strategy is the config's, else the strategy's defaults.",
  })
  @Allow()
  parameters?: unknown;

  @Field(() => GuardTripAction, { nullable: true, description: 'Default ROLLBACK.' })
  @IsOptional()
  @IsEnum(GuardTripAction)
  onGuardTrip?: GuardTripAction;

  @Field(() => Int, { description: 'The config version you read; a stale one gets CONFLICT.' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => String, { nullable: true, description: 'Recorded in the change history.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@InputType()
export class DeploymentTransitionInput {
  @Field()
  @IsUUID()
  id!: string;

  @Field(() => String, { nullable: true, description: 'Recorded in the change history.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@InputType()
export class PauseDeploymentInput extends DeploymentTransitionInput {}
@InputType()
export class ResumeDeploymentInput extends DeploymentTransitionInput {}
@InputType()
export class AdvanceDeploymentInput extends DeploymentTransitionInput {}

@InputType()
export class RollbackDeploymentInput {
  @Field()
  @IsUUID()
  id!: string;

  @Field({ description: 'Why; recorded in the change history. Required.' })
  @IsString()
  @MaxLength(1000)
  reason!: string;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@ArgsType()
export class DeploymentsArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({ nullable: true, description: "Only this config's deployments." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  key?: string;

  @Field(() => ConfigDeploymentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ConfigDeploymentStatus)
  status?: ConfigDeploymentStatus;
}

@ArgsType()
export class DeploymentUpdatedArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => [String], { nullable: true, description: 'Only these config keys.' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  keys?: string[];
}

@ObjectType()
export class DeploymentPayload {
  @Field(() => ConfigDeployment)
  deployment!: ConfigDeployment;
}

@ObjectType()
export class StartDeploymentPayload extends DeploymentPayload {}
@ObjectType()
export class PauseDeploymentPayload extends DeploymentPayload {}
@ObjectType()
export class ResumeDeploymentPayload extends DeploymentPayload {}
@ObjectType()
export class AdvanceDeploymentPayload extends DeploymentPayload {}
@ObjectType()
export class RollbackDeploymentPayload extends DeploymentPayload {}

@ObjectType('DeploymentUpdatedEvent', {
  description: "A deployment's start, step, pause, resume, rollback or completion.",
})
export class DeploymentUpdatedEvent {
  @Field()
  deploymentId!: string;

  @Field({ description: "The config's key." })
  configKey!: string;

  @Field(() => ChangeAction, { description: 'What happened, as the change history names it.' })
  action!: ChangeAction;

  @Field(() => ConfigDeploymentStatus)
  status!: ConfigDeploymentStatus;

  @Field(() => Int)
  currentStep!: number;

  @Field(() => Number, { description: 'Percent of subjects served the candidate now.' })
  percentage!: number;

  @Field(() => Date, { nullable: true, description: 'When the next step is due after this one.' })
  nextStepAt!: Date | null;

  @Field(() => Int, { description: 'The environment revision the change was given.' })
  revision!: number;
}
