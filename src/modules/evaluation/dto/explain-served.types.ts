import { ArgsType, Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Allow, IsDate, IsString, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { ConfigChangeLog } from '../../history/config-change-log.entity';
import { EvaluationResultType, ExplainStepType } from './evaluation.types';

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
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(128)
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
}
