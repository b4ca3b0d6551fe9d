import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Allow, IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import {
  BusinessConfig,
  ConfigDeploymentStrategy,
  ConfigValueType,
  DEPLOYMENT_CONFIG_DESCRIPTION,
  DEPLOYMENT_STRATEGY_DESCRIPTION,
} from '../business-config.entity';
import { ConfigKeyField, EnvironmentKeyField } from '../../../core/graphql/key-fields';

/**
 * The config fields a client may set. Their rules (types, constraints, targeting structure,
 * limits) live in the engine's validator, which reports every problem at once; here they
 * are only allowed through.
 */
@InputType({ isAbstract: true })
export abstract class ConfigFieldsInput {
  @Field({ nullable: true })
  @Allow()
  description?: string;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  value?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  defaultValue?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  targetingRules?: unknown;

  @Field(() => Float, { nullable: true })
  @Allow()
  rolloutPercentage?: number;

  @Field(() => String, { nullable: true })
  @Allow()
  stickiness?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  minValue?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  maxValue?: unknown;

  @Field(() => Int, { nullable: true })
  @Allow()
  minLength?: number | null;

  @Field(() => Int, { nullable: true })
  @Allow()
  maxLength?: number | null;

  @Field(() => String, { nullable: true })
  @Allow()
  pattern?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  allowedValues?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Allow()
  validationSchema?: unknown;

  @Field(() => ConfigDeploymentStrategy, {
    nullable: true,
    description: DEPLOYMENT_STRATEGY_DESCRIPTION,
  })
  @Allow()
  deploymentStrategy?: ConfigDeploymentStrategy;

  @Field(() => GraphQLJSON, { nullable: true, description: DEPLOYMENT_CONFIG_DESCRIPTION })
  @Allow()
  deploymentConfig?: unknown;

  @Field(() => String, { nullable: true, description: 'Recorded in the change history.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;
}

export const BYPASS_APPROVAL_DESCRIPTION =
  "Admins only, where the config's approval policy allows it: write without a change request. The comment is required and recorded in the history as the reason.";

/** The field every write a person starts has, to bypass an approval policy (admins). */
export function BypassApprovalField(): PropertyDecorator {
  return (target, property) => {
    Field(() => Boolean, { nullable: true, description: BYPASS_APPROVAL_DESCRIPTION })(
      target,
      property,
    );
    IsOptional()(target, property);
    IsBoolean()(target, property);
  };
}

/** What the approval gate is told of a bypass an input asks for. */
export function bypassOf(input: {
  bypassApproval?: boolean | null;
  comment?: string | null;
}): { comment: string | null | undefined } | null {
  return input.bypassApproval ? { comment: input.comment } : null;
}

@InputType({ isAbstract: true })
abstract class ConfigRefInput {
  @EnvironmentKeyField()
  environment!: string;

  @ConfigKeyField()
  key!: string;
}

@InputType()
export class CreateConfigInput extends ConfigFieldsInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({ description: 'Lowercase letters, digits, ".", "_" and "-"; up to 128 characters.' })
  @IsString()
  @MaxLength(200)
  key!: string;

  @Field(() => ConfigValueType)
  @Allow()
  valueType!: ConfigValueType;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@InputType()
export class UpdateConfigInput extends ConfigFieldsInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(128)
  key!: string;

  @Field(() => Int, { description: 'The version you read; a stale one gets CONFLICT.' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => ConfigValueType, { nullable: true })
  @Allow()
  valueType?: ConfigValueType;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@InputType({ description: 'A dry run of createConfig (new key) or updateConfig (existing key).' })
export class ValidateConfigInput extends ConfigFieldsInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  key!: string;

  @Field(() => ConfigValueType, { nullable: true })
  @Allow()
  valueType?: ConfigValueType;
}

@InputType()
export class ConfigStateChangeInput extends ConfigRefInput {
  @Field(() => Int, { nullable: true, description: 'When given, a stale version gets CONFLICT.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@InputType()
export class ArchiveConfigInput extends ConfigStateChangeInput {}

@InputType()
export class UnarchiveConfigInput extends ConfigStateChangeInput {}

@InputType()
export class DeleteConfigInput extends ConfigStateChangeInput {}

@InputType()
export class RollbackConfigInput extends ConfigStateChangeInput {
  @Field(() => Int, { description: 'The earlier version whose state becomes the next version.' })
  @IsInt()
  @Min(1)
  toVersion!: number;
}

@ObjectType()
export class ConfigPayload {
  @Field(() => BusinessConfig)
  config!: BusinessConfig;
}

@ObjectType()
export class CreateConfigPayload extends ConfigPayload {}

@ObjectType()
export class UpdateConfigPayload extends ConfigPayload {}

@ObjectType()
export class ArchiveConfigPayload extends ConfigPayload {}

@ObjectType()
export class UnarchiveConfigPayload extends ConfigPayload {}

@ObjectType()
export class RollbackConfigPayload extends ConfigPayload {}

@ObjectType()
export class DeleteConfigPayload {
  @Field()
  key!: string;

  @Field()
  deletedConfigId!: string;
}

@ObjectType('ValidationError')
export class ValidationErrorType {
  @Field({ description: 'Where, e.g. targetingRules[1].value.' })
  path!: string;

  @Field({ description: 'The rule broken, e.g. maxLength.' })
  rule!: string;

  @Field()
  message!: string;
}

@ObjectType()
export class ValidateConfigPayload {
  @Field()
  valid!: boolean;

  @Field(() => [ValidationErrorType])
  validationErrors!: ValidationErrorType[];
}
