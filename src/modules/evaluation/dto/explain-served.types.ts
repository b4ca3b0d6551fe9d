import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Allow, IsDate } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { ConfigDeploymentStatus } from '../../deployments/config-deployment.entity';
import { ExperimentAssignmentType } from '../../experiments/experiment.entity';
import { ConfigChangeLog } from '../../history/config-change-log.entity';
import {
  DeploymentExplanationType,
  EvaluationResultType,
  ExplainStepType,
} from './evaluation.types';
import { ConfigKeyField, EnvironmentKeyField } from '../../../core/graphql/key-fields';

export enum ServedConfigStateType {
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
  NOT_CREATED = 'NOT_CREATED',
  DELETED = 'DELETED',
}
registerEnumType(ServedConfigStateType, {
  name: 'ServedConfigState',
  description: 'What the config was at the time asked about.',
  valuesMap: {
    ACTIVE: { description: 'It existed and served its value, rules and rollout.' },
    ARCHIVED: { description: 'It was archived: every context got its default value (DISABLED).' },
    NOT_CREATED: {
      description: 'It was created later: clients got FLAG_NOT_FOUND and kept their own default.',
    },
    DELETED: {
      description: 'It had been deleted: clients got FLAG_NOT_FOUND and kept their own default.',
    },
  },
});

@ArgsType()
export class ExplainServedArgs {
  @EnvironmentKeyField()
  environment!: string;

  @ConfigKeyField()
  key!: string;

  @Field(() => GraphQLJSON, {
    description: 'The subject: { user: {id, …}, device: {id, os, …}, app: {version, …}, …custom }',
  })
  @Allow()
  context!: unknown;

  @Field({ description: 'When the subject was served; not in the future.' })
  @IsDate()
  at!: Date;
}

@ObjectType('ServedDeployment', {
  description:
    'The progressive deployment active at the time asked about (evaluation step 4): its status and percentage then, and which state served the subject.',
})
export class ServedDeploymentType extends DeploymentExplanationType {
  @Field(() => Float, { description: "The deployment's percentage (0-100) at that time." })
  declare percentage: number;

  @Field(() => ConfigDeploymentStatus, { description: 'IN_PROGRESS or PAUSED at that time.' })
  status!: ConfigDeploymentStatus;

  @Field(() => Int, { description: "Index of its step in the deployment's schedule then." })
  step!: number;

  @Field(() => ConfigChangeLog, {
    description:
      'The history entry that set the status and percentage in force then: its start, a step, a pause or a resume.',
  })
  change!: ConfigChangeLog;
}

@ObjectType('ServedExperiment', {
  description:
    'The experiment running at the time asked about (evaluation step 3) and the variant it served the subject.',
})
export class ServedExperimentType {
  @Field(() => ID, {
    nullable: true,
    description: 'Null when its record was deleted with its config (see replayable).',
  })
  id!: string | null;

  @Field()
  key!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => ExperimentAssignmentType, { nullable: true })
  assignment!: ExperimentAssignmentType | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The variant served (the result's reason is then EXPERIMENT); null when the subject was not in the experiment: outside its traffic or targeting, or, random, no assignment stored by then.",
  })
  variant!: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "A random experiment's stored assignment of the subject: when it was made (at or before the time asked about); null when none was by then.",
  })
  assignedAt!: Date | null;

  @Field({
    description:
      'False when its record was deleted with its config: which variant it served cannot be replayed, and the result is what subjects outside it were served.',
  })
  replayable!: boolean;

  @Field(() => ConfigChangeLog, {
    description: 'The history entry it was running since: its start or resume.',
  })
  change!: ConfigChangeLog;
}

@ObjectType('ServedExplanation', {
  description:
    'What a config served a subject at a past time and why: its state then, taken from the change history, evaluated with the serving engine.',
})
export class ServedExplanationType {
  @Field()
  key!: string;

  @Field()
  at!: Date;

  @Field(() => GraphQLJSON)
  context!: unknown;

  @Field(() => ServedConfigStateType)
  configState!: ServedConfigStateType;

  @Field(() => EvaluationResultType, {
    description:
      'What was served: value, reason, rule and the version evaluated (reason ERROR with FLAG_NOT_FOUND and version 0 when the config did not exist then).',
  })
  result!: EvaluationResultType;

  @Field(() => [ExplainStepType], {
    description: 'How evaluation got to the result; empty when the config did not exist then.',
  })
  explain!: ExplainStepType[];

  @Field(() => ConfigChangeLog, {
    nullable: true,
    description:
      'The history entry whose state was in force at `at` (its id, time, actor and version); null before the config was created.',
  })
  change!: ConfigChangeLog | null;

  @Field(() => [GraphQLJSON], {
    nullable: true,
    description:
      "The subject's sampled fetch-log records of this key within an hour either side of `at`, matched by the context's user.id or device.id (docs/fetch-log.md); empty when none was sampled, null only when the fetch log is not installed.",
  })
  fetchLogRecords!: unknown[] | null;

  @Field(() => ServedDeploymentType, {
    nullable: true,
    description:
      'The deployment active on the config then (started and not yet rolled back or completed): which state, stable or candidate, the subject was served. Null when none was, or the config was not live.',
  })
  deployment!: ServedDeploymentType | null;

  @Field(() => ServedExperimentType, {
    nullable: true,
    description:
      'The experiment running on the config then (started or resumed, not yet paused or completed): the variant the subject was served. Null when none was, or the config was not live.',
  })
  experiment!: ServedExperimentType | null;
}
