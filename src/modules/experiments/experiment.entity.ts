import { Field, Float, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Condition } from '../../engine/config-state';
import { AssignmentType, ExperimentVariant } from '../../engine/experiment-state';
import { BusinessConfig } from '../configs/business-config.entity';
import { Environment } from '../environments/environment.entity';

/** An experiment's lifecycle: draft → running ⇄ paused → completed → archived (docs/experiments.md). */
export enum ExperimentStatus {
  DRAFT = 'draft',
  RUNNING = 'running',
  PAUSED = 'paused',
  COMPLETED = 'completed',
  ARCHIVED = 'archived',
}
registerEnumType(ExperimentStatus, { name: 'ExperimentStatus' });

/** GraphQL names for the engine's lowercase assignment types. */
export enum ExperimentAssignmentType {
  CONSISTENT = 'consistent',
  RANDOM = 'random',
  TARGETING = 'targeting',
}
registerEnumType(ExperimentAssignmentType, {
  name: 'ExperimentAssignmentType',
  description:
    'consistent: hashed buckets, stable without storage; random: a stored draw (assignVariant); targeting: only subjects matching a condition enter, consistent within.',
});

export enum MetricKind {
  CONVERSION = 'conversion',
  NUMERIC = 'numeric',
}
registerEnumType(MetricKind, {
  name: 'MetricKind',
  description: 'conversion: whether a subject sent the event; numeric: the sum of its values.',
});

/** A metric: an event name and how it is measured. */
@ObjectType('ExperimentMetric')
export class ExperimentMetric {
  @Field()
  event!: string;

  @Field(() => MetricKind)
  kind!: MetricKind;
}

@ObjectType('ExperimentVariant')
export class ExperimentVariantType implements ExperimentVariant {
  @Field()
  key!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: "Served as the config's value." })
  value!: unknown;

  @Field(() => Float, { description: 'Percent of the traffic; the weights sum to 100.' })
  weight!: number;

  @Field()
  control!: boolean;
}

/** One status change, with who made it and when. */
@ObjectType('ExperimentTransition')
export class ExperimentTransition {
  @Field(() => ExperimentStatus, { nullable: true, description: 'null for the creation.' })
  from!: ExperimentStatus | null;

  @Field(() => ExperimentStatus)
  to!: ExperimentStatus;

  @Field()
  at!: string;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field()
  actorName!: string;

  @Field()
  actorKind!: string;
}

/** A period during which the experiment ran (start or resume, then pause or completion). */
@ObjectType('ExperimentRunWindow')
export class ExperimentRunWindow {
  @Field()
  start!: string;

  @Field(() => String, { nullable: true, description: 'null while running.' })
  end!: string | null;
}

const numeric = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@ObjectType('Experiment', { description: "An A/B experiment on one config's value." })
@Entity('experiment')
@Index('uq_experiment_environment_key', ['environmentId', 'key'], { unique: true })
@Index('ix_experiment_config', ['configId', 'status'])
@Index('ix_experiment_environment_created', ['environmentId', 'createdAt', 'id'])
// At most one running experiment per config, even when two starts race.
@Index('uq_experiment_config_running', ['configId'], {
  unique: true,
  where: `"status" = 'running'`,
})
@Check(
  'ck_experiment_status',
  `"status" IN ('draft', 'running', 'paused', 'completed', 'archived')`,
)
@Check('ck_experiment_assignment', `"assignment" IN ('consistent', 'random', 'targeting')`)
@Check('ck_experiment_traffic', '"traffic_percentage" > 0 AND "traffic_percentage" <= 100')
export class Experiment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_experiment' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'fk_experiment_environment' })
  environment?: Environment;

  @Field(() => ID)
  @Column('uuid')
  configId!: string;

  @ManyToOne(() => BusinessConfig, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'config_id', foreignKeyConstraintName: 'fk_experiment_config' })
  config?: BusinessConfig;

  @Field({ description: "The config's key." })
  @Column('text')
  configKey!: string;

  @Field()
  @Column('text')
  key!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field()
  @Column('text', { default: '' })
  hypothesis!: string;

  @Field(() => [ExperimentVariantType])
  @Column('jsonb')
  variants!: ExperimentVariant[];

  @Field(() => Float, { description: 'Percent of subjects that enter the experiment.' })
  @Column('numeric', { precision: 5, scale: 2, transformer: numeric })
  trafficPercentage!: number;

  @Field(() => ExperimentAssignmentType)
  @Column('text')
  assignment!: AssignmentType;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'For targeting: the condition tree a subject must match to enter.',
  })
  @Column('jsonb', { nullable: true })
  targeting!: Condition | null;

  @Field(() => ExperimentMetric)
  @Column('jsonb')
  primaryMetric!: ExperimentMetric;

  @Field(() => [ExperimentMetric], { description: 'Secondary and guardrail metrics (≤ 10).' })
  @Column('jsonb', { default: () => "'[]'" })
  secondaryMetrics!: ExperimentMetric[];

  @Field({ description: 'Results read the always-valid sequential p-value.' })
  @Column('boolean', { default: false })
  sequential!: boolean;

  @Field(() => Float, { description: 'The mSPRT tuning parameter (default 5,000).' })
  @Column('double precision', { default: 5000 })
  sequentialTuning!: number;

  @Field(() => ExperimentStatus)
  @Column('text', { default: ExperimentStatus.DRAFT })
  status!: ExperimentStatus;

  @Field(() => String, { nullable: true, description: 'The winning variant key, once completed.' })
  @Column('text', { nullable: true })
  winner!: string | null;

  @Field(() => [ExperimentTransition])
  @Column('jsonb', { default: () => "'[]'" })
  transitions!: ExperimentTransition[];

  @Field(() => [ExperimentRunWindow], {
    description: 'The periods it ran; events outside them do not count.',
  })
  @Column('jsonb', { default: () => "'[]'" })
  runWindows!: ExperimentRunWindow[];

  @Field(() => Date, { nullable: true, description: 'The first start.' })
  @Column('timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Completion.' })
  @Column('timestamptz', { nullable: true })
  stoppedAt!: Date | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Field({ description: 'Name of the key that made the last change.' })
  @Column('text')
  updatedBy!: string;
}
