import {
  ArgsType,
  Field,
  Float,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ValidateConfigInput } from '../../configs/dto/config.inputs';
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
registerEnumType(EvaluationReasonType, {
  name: 'EvaluationReason',
  description: 'Why a result was served; the order is in docs/evaluation.md.',
  valuesMap: {
    EXPERIMENT: {
      description:
        'A running experiment served one of its variants (the result names it in variant): the subject is in its traffic (and matches its targeting, for a targeting experiment).',
    },
  },
});

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

  @Field(() => String, {
    nullable: true,
    description: 'The experiment variant served, when the reason is EXPERIMENT; else null.',
  })
  variant?: string;

  @Field(() => String, {
    nullable: true,
    description: 'FLAG_NOT_FOUND, or TARGETING_KEY_MISSING when no stickiness value was given.',
  })
  errorCode?: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The active deployment whose candidate state served this result; null when the config's stable state served (or it has no active deployment).",
  })
  deploymentId?: string;
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

export enum ExplainKindType {
  ARCHIVED = 'ARCHIVED',
  EXPERIMENT = 'EXPERIMENT',
  VARIANT = 'VARIANT',
  DEPLOYMENT = 'DEPLOYMENT',
  RULE = 'RULE',
  ALL = 'ALL',
  ANY = 'ANY',
  CONDITION = 'CONDITION',
  ROLLOUT = 'ROLLOUT',
}
registerEnumType(ExplainKindType, {
  name: 'ExplainKind',
  valuesMap: {
    EXPERIMENT: {
      description:
        'The running experiment (step 3): whether the subject is in it. Its targeting, traffic (a ROLLOUT step) and VARIANT steps follow.',
    },
    VARIANT: {
      description:
        "The experiment's variant for the subject: its bucket's range, or the stored assignment (random).",
    },
    DEPLOYMENT: {
      description:
        "The active deployment (step 4): outcome true when the candidate state serves the subject, false when the stable state does. Both states' steps follow, the candidate's under deployment.candidate.",
    },
  },
});

@ObjectType('ExplainStep', {
  description:
    'One node of an explanation, in tree order: the experiment, a rule, a group, a condition, a rollout or a variant.',
})
export class ExplainStepType {
  @Field({ description: 'Where in the config, e.g. targetingRules[0].condition.all[1].' })
  path!: string;

  @Field(() => ExplainKindType)
  kind!: ExplainKindType;

  @Field({
    description:
      'Whether evaluation got here. It stops at what decides: the first rule served, an all at its first false child, an any at its first true one, a rule rollout when its condition is false. A step not reached was not evaluated.',
  })
  reached!: boolean;

  @Field({ description: 'Whether it held for this context; false when not reached.' })
  outcome!: boolean;

  @Field(() => String, { nullable: true })
  ruleId?: string;

  @Field(() => String, { nullable: true, description: 'The variant a VARIANT step served.' })
  variant?: string;

  @Field(() => String, { nullable: true })
  attribute?: string;

  @Field(() => String, { nullable: true })
  operator?: string;

  @Field(() => GraphQLJSON, { nullable: true, description: "The context's value there." })
  actual?: unknown;

  @Field(() => String, { nullable: true })
  detail?: string;
}

export enum DeploymentServedStateType {
  STABLE = 'stable',
  CANDIDATE = 'candidate',
}
registerEnumType(DeploymentServedStateType, {
  name: 'DeploymentServedState',
  description: "Which of a deployment's two states a subject was served.",
});

@ObjectType('DeploymentExplanation', {
  description:
    'How an active deployment (evaluation step 4) split the subjects: which state served this one, and its bucket.',
})
export class DeploymentExplanationType {
  @Field()
  deploymentId!: string;

  @Field(() => Float, { description: "The deployment's current percentage (0-100)." })
  percentage!: number;

  @Field(() => DeploymentServedStateType, {
    nullable: true,
    description:
      'The state evaluation went on with; null when a running experiment served first (step 3).',
  })
  served!: DeploymentServedStateType | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "The subject's bucket (0-9999) of salt; the candidate serves when it is below percentage × 100. Null without a stickiness value.",
  })
  bucket!: number | null;

  @Field({ description: '<configKey>:<deploymentId>.' })
  salt!: string;
}

@ObjectType('PreviewResult')
export class PreviewResultType {
  @Field(() => GraphQLJSON)
  context!: unknown;

  @Field(() => EvaluationResultType)
  result!: EvaluationResultType;

  @Field(() => [ExplainStepType])
  explain!: ExplainStepType[];

  @Field(() => DeploymentExplanationType, {
    nullable: true,
    description:
      'Present when the config has an active deployment: which state served this context.',
  })
  deployment?: DeploymentExplanationType | null;
}

export const MAX_PREVIEW_CONTEXTS = 100;

@InputType()
export class PreviewEvaluationInput {
  @Field(() => ValidateConfigInput, {
    description: 'The draft: a new key, or changes over the stored config of that key.',
  })
  @ValidateNested()
  @Type(() => ValidateConfigInput)
  config!: ValidateConfigInput;

  @Field(() => [GraphQLJSON], { description: `Up to ${MAX_PREVIEW_CONTEXTS} contexts.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PREVIEW_CONTEXTS)
  @Allow()
  contexts!: unknown[];
}
