import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '../../../core/graphql/pagination';
import { ApprovalPolicy } from '../approval-policy.entity';
import { ApprovalPolicyChange } from '../approval-policy-change.entity';
import { EnvironmentKeyField } from '../../../core/graphql/key-fields';

export const MAX_LEVELS = 5;
export const MAX_APPROVERS_PER_LEVEL = 50;
const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

@InputType()
export class ApprovalLevelInput {
  @Field({ nullable: true, description: 'Default: "Level 1", "Level 2", …' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\r\n]*$/, { message: 'name must be one line' })
  name?: string;

  @Field(() => [ID], { defaultValue: [], description: 'The keys that may review at this level.' })
  @ArrayMaxSize(MAX_APPROVERS_PER_LEVEL)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  approverKeyIds: string[] = [];

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Any key with the APPROVER role (or ADMIN) may review at this level too.',
  })
  @IsBoolean()
  anyApprover = false;

  @Field(() => Int, { description: 'Approvals by different people this level needs.' })
  @IsInt()
  @Min(1)
  @Max(MAX_APPROVERS_PER_LEVEL)
  required!: number;
}

@InputType()
export class SetApprovalPolicyInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({
    description:
      'Creates the policy of this name, or replaces it. Letters, digits, space, ".", "_" and "-".',
  })
  @IsString()
  @Matches(POLICY_NAME, {
    message:
      'name must be 1-63 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit',
  })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The config keys it governs: key characters and `*` for any run of them (`checkout.*`). Null: every key. The most specific matching pattern wins.',
  })
  @IsOptional()
  @IsString()
  configKeyPattern?: string | null;

  @Field(() => [ApprovalLevelInput], { description: 'Satisfied in order; 1 to 5.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LEVELS)
  @ValidateNested({ each: true })
  @Type(() => ApprovalLevelInput)
  levels!: ApprovalLevelInput[];

  @Field(() => Boolean, { defaultValue: true, description: 'One rejection closes the request.' })
  @IsBoolean()
  rejectionCloses = true;

  @Field(() => Boolean, {
    defaultValue: true,
    description: 'An edit by the requester clears the reviews.',
  })
  @IsBoolean()
  editResetsReviews = true;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Admins may write directly with bypassApproval and a comment saying why.',
  })
  @IsBoolean()
  allowAdminBypass = false;

  @Field(() => Boolean, {
    defaultValue: true,
    description:
      'Pausing or rolling back a deployment, pausing an experiment and completing one without a winner need no approval.',
  })
  @IsBoolean()
  exemptSafetyActions = true;

  @Field(() => String, { nullable: true, description: 'Recorded in the policy audit trail.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;
}

@ObjectType()
export class SetApprovalPolicyPayload {
  @Field(() => ApprovalPolicy)
  approvalPolicy!: ApprovalPolicy;
}

@InputType()
export class DeleteApprovalPolicyInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(63)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;
}

@ObjectType()
export class DeleteApprovalPolicyPayload {
  @Field(() => ID)
  deletedPolicyId!: string;
}

@ArgsType()
export class ApprovalPoliciesArgs {
  @EnvironmentKeyField()
  environment!: string;
}

@ArgsType()
export class ApprovalPolicyChangesArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;
}

export { ApprovalPolicyChange };
