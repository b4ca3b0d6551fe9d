import {
  ArgsType,
  Field,
  Float,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { Allow, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { BypassApprovalField } from '../../configs/dto/config.inputs';
import { PageArgs } from '../../../core/graphql/pagination';
import {
  Experiment,
  ExperimentAssignmentType,
  ExperimentStatus,
  ExperimentVariantType,
  MetricKind,
} from '../experiment.entity';
import { EnvironmentKeyField } from '../../../core/graphql/key-fields';

/**
 * Inputs are only allowed through here: their rules (counts, weights, values against the
 * config, the targeting tree, names) live in experiment-validation.ts, which reports every
 * problem at once with its path.
 */
@InputType()
export class ExperimentVariantInput {
  @Field({ description: 'Letters, digits, "_" or "-"; up to 64 characters; unique.' })
  @Allow()
  key!: string;

  @Field({ nullable: true, description: 'Defaults to the key.' })
  @Allow()
  name?: string;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "Valid for the config's type and constraints.",
  })
  @Allow()
  value?: unknown;

  @Field(() => Float, { description: 'Percent, a multiple of 0.01; the weights sum to 100.' })
  @Allow()
  weight!: number;

  @Field({ defaultValue: false, description: 'Exactly one variant is the control.' })
  @Allow()
  control!: boolean;
}

@InputType()
export class ExperimentMetricInput {
  @Field({ description: 'The event name: 1-100 letters, digits, ".", "_", ":" or "-".' })
  @Allow()
  event!: string;

  @Field(() => MetricKind)
  @Allow()
  kind!: MetricKind;
}

@InputType({ isAbstract: true })
export abstract class ExperimentFieldsInput {
  @Field({ nullable: true })
  @Allow()
  name?: string;

  @Field({ nullable: true })
  @Allow()
  hypothesis?: string;

  @Field(() => [ExperimentVariantInput], { nullable: true, description: '2 to 10, in order.' })
  @Allow()
  variants?: ExperimentVariantInput[];

  @Field(() => Float, { nullable: true, description: '0.01 to 100; default 100.' })
  @Allow()
  trafficPercentage?: number;

  @Field(() => ExperimentAssignmentType, { nullable: true, description: 'Default CONSISTENT.' })
  @Allow()
  assignment?: ExperimentAssignmentType;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'For TARGETING: a condition tree, as in targeting rules.',
  })
  @Allow()
  targeting?: unknown;

  @Field(() => ExperimentMetricInput, { nullable: true })
  @Allow()
  primaryMetric?: ExperimentMetricInput;

  @Field(() => [ExperimentMetricInput], { nullable: true, description: 'At most 10.' })
  @Allow()
  secondaryMetrics?: ExperimentMetricInput[];

  @Field({ nullable: true, description: 'Results read the always-valid p-value.' })
  @Allow()
  sequential?: boolean;

  @Field(() => Float, { nullable: true, description: 'mSPRT tuning parameter; default 5,000.' })
  @Allow()
  sequentialTuning?: number;
}

@InputType()
export class CreateExperimentInput extends ExperimentFieldsInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({ description: 'The config whose value the variants replace.' })
  @IsString()
  @MaxLength(200)
  configKey!: string;

  @Field({ description: 'Lowercase letters, digits, ".", "_" and "-"; up to 128 characters.' })
  @IsString()
  @MaxLength(200)
  key!: string;
}

@InputType({ isAbstract: true })
abstract class ExperimentRefInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  key!: string;
}

@InputType({ description: 'Changes a draft experiment; absent fields keep their value.' })
export class UpdateExperimentInput extends ExperimentFieldsInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  key!: string;
}

@InputType()
export class ExperimentTransitionInput extends ExperimentRefInput {
  @Field(() => String, { nullable: true, description: 'Recorded in the change history.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string | null;

  @BypassApprovalField()
  bypassApproval?: boolean | null;
}

@InputType()
export class StartExperimentInput extends ExperimentTransitionInput {}

@InputType()
export class PauseExperimentInput extends ExperimentTransitionInput {}

@InputType()
export class ResumeExperimentInput extends ExperimentTransitionInput {}

@InputType()
export class CompleteExperimentInput extends ExperimentTransitionInput {
  @Field(() => String, { nullable: true, description: 'The winning variant key.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  winner?: string | null;

  @Field({
    defaultValue: false,
    description: "Also make the winner's value the config's value (a new config version).",
  })
  @Allow()
  promoteWinner!: boolean;
}

@InputType()
export class ArchiveExperimentInput extends ExperimentRefInput {}

@InputType()
export class DeleteExperimentInput extends ExperimentRefInput {}

@InputType()
export class AssignVariantInput {
  @Field({ nullable: true, description: 'Required unless the key is scoped to one environment.' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  environment?: string;

  @Field()
  @IsString()
  @MaxLength(200)
  experimentKey!: string;

  @Field(() => GraphQLJSON, { description: 'The evaluation context of the subject.' })
  @Allow()
  context!: unknown;
}

@ArgsType()
export class ExperimentsArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => ExperimentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ExperimentStatus)
  status?: ExperimentStatus;
}

@ArgsType()
export class ExperimentUpdatedArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => [String], { nullable: true, description: 'Only these experiment keys.' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  keys?: string[];
}

@ObjectType()
export class ExperimentPayload {
  @Field(() => Experiment)
  experiment!: Experiment;
}

@ObjectType()
export class CreateExperimentPayload extends ExperimentPayload {}
@ObjectType()
export class UpdateExperimentPayload extends ExperimentPayload {}
@ObjectType()
export class StartExperimentPayload extends ExperimentPayload {}
@ObjectType()
export class PauseExperimentPayload extends ExperimentPayload {}
@ObjectType()
export class ResumeExperimentPayload extends ExperimentPayload {}
@ObjectType()
export class CompleteExperimentPayload extends ExperimentPayload {
  @Field(() => Int, {
    nullable: true,
    description: "The config's new version when the winner was promoted.",
  })
  configVersion!: number | null;
}
@ObjectType()
export class ArchiveExperimentPayload extends ExperimentPayload {}

@ObjectType()
export class DeleteExperimentPayload {
  @Field()
  key!: string;

  @Field()
  deletedExperimentId!: string;
}

@ObjectType()
export class AssignVariantPayload {
  @Field()
  experimentKey!: string;

  @Field(() => ExperimentVariantType, {
    nullable: true,
    description: 'null: the subject is outside the experiment (traffic, targeting, no subject).',
  })
  variant!: ExperimentVariantType | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "The variant's value (null outside)." })
  value!: unknown;
}

export enum ExperimentUpdateKind {
  TRANSITION = 'transition',
  COUNTS = 'counts',
}
registerEnumType(ExperimentUpdateKind, {
  name: 'ExperimentUpdateKind',
  description:
    'TRANSITION: a start, pause, resume or completion; COUNTS: new live counts of a running experiment (after each aggregation run, every EXPERIMENT_AGGREGATE_MS).',
});

@ObjectType('ExperimentVariantExposures', { description: "A variant's exposed subjects." })
export class ExperimentVariantExposures {
  @Field({ description: 'Variant key.' })
  variantKey!: string;

  @Field(() => Float, { description: 'Subjects exposed to it, each once.' })
  exposures!: number;
}

@ObjectType('ExperimentUpdatedEvent', {
  description:
    "An experiment's start, pause, resume or completion, or (kind COUNTS) its live exposure counts while it runs.",
})
export class ExperimentUpdatedEvent {
  @Field({ description: "The experiment's key." })
  experimentKey!: string;

  @Field(() => ExperimentUpdateKind, { description: 'A transition or new live counts.' })
  kind!: ExperimentUpdateKind;

  @Field(() => ExperimentStatus, { description: 'The status after the update.' })
  status!: ExperimentStatus;

  @Field(() => Int, {
    description:
      'The environment revision the change was given (for COUNTS, the latest this instance has).',
  })
  revision!: number;

  /** The experiment field resolves it from storage. */
  experimentId!: string;

  /** Set on COUNTS updates; the exposures field reads them otherwise. */
  exposures?: ExperimentVariantExposures[];
}

/** `experiment` and `experimentResults`: held to the lengths writes allow (ExperimentRefInput). */
@ArgsType()
export class ExperimentKeyArgs {
  @EnvironmentKeyField()
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  key!: string;
}
