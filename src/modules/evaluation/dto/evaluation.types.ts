import { ArgsType, Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Allow, ArrayMaxSize, IsOptional, IsString, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';

export enum EvaluationReasonType {
  DISABLED = 'DISABLED',
  EXPERIMENT = 'EXPERIMENT',
  TARGETING_MATCH = 'TARGETING_MATCH',
  ROLLOUT = 'ROLLOUT',
  FALLTHROUGH = 'FALLTHROUGH',
  DEFAULT = 'DEFAULT',
  ERROR = 'ERROR',
}
registerEnumType(EvaluationReasonType, { name: 'EvaluationReason' });

@ObjectType('EvaluationResult')
export class EvaluationResultType {
  @Field()
  key!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  value!: unknown;

  @Field(() => EvaluationReasonType)
  reason!: EvaluationReasonType;

  @Field(() => Int, { description: 'The config version evaluated; 0 when the key is unknown.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'The targeting rule that matched.' })
  ruleId?: string;

  @Field(() => String, { nullable: true, description: 'The experiment variant served.' })
  variant?: string;

  @Field(() => String, {
    nullable: true,
    description: 'FLAG_NOT_FOUND, or TARGETING_KEY_MISSING when no stickiness value was given.',
  })
  errorCode?: string;
}

@ArgsType()
export class EvaluateArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Required unless the key is scoped to one environment.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  environment?: string;

  @Field(() => GraphQLJSON, {
    description: '{ user: {id, …}, device: {id, os, …}, app: {version, …}, …custom }',
  })
  @Allow()
  context!: unknown;

  @Field(() => [String], {
    nullable: true,
    description: 'Only these keys; all configs when absent.',
  })
  @IsOptional()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  keys?: string[];
}
