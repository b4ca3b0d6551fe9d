import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
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
import { ConfigState, DeploymentStrategy } from '../../engine/config-state';
import { DeploymentStatus, DeploymentStep } from '../../engine/deployment-state';
import { BusinessConfig, ConfigDeploymentStrategy } from '../configs/business-config.entity';
import { Environment } from '../environments/environment.entity';

/** GraphQL names for the engine's lowercase statuses (docs/deployments.md). */
export enum ConfigDeploymentStatus {
  PENDING = 'pending',
  IN_PROGRESS = 'in_progress',
  PAUSED = 'paused',
  COMPLETED = 'completed',
  ROLLED_BACK = 'rolled_back',
  FAILED = 'failed',
}
registerEnumType(ConfigDeploymentStatus, {
  name: 'DeploymentStatus',
  description:
    'PENDING, IN_PROGRESS and PAUSED are active (the candidate serves its share); COMPLETED: the candidate became the config; ROLLED_BACK: the stable state stayed.',
});

/** What a guard trip does to the deployment (GuardService). */
export enum GuardTripAction {
  ROLLBACK = 'rollback',
  PAUSE = 'pause',
}
registerEnumType(GuardTripAction, { name: 'GuardTripAction' });

@ObjectType('DeploymentStep')
export class DeploymentStepType implements DeploymentStep {
  @Field(() => Float, { description: 'Percent of subjects served the candidate.' })
  percentage!: number;

  @Field(() => Int, { description: 'Wait before the next step (0 on the last).' })
  holdSeconds!: number;
}

const numeric = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

export const ACTIVE_STATUSES_SQL = `('pending', 'in_progress', 'paused')`;

@ObjectType('ConfigDeployment', {
  description:
    "A progressive deployment: a candidate state served to a growing share of a config's subjects.",
})
@Entity('config_deployment')
@Index('ix_config_deployment_config', ['configId', 'createdAt', 'id'])
@Index('ix_config_deployment_environment', ['environmentId', 'createdAt', 'id'])
// At most one active deployment per config, whatever races the service loses.
@Index('uq_config_deployment_config_active', ['configId'], {
  unique: true,
  where: `"status" IN ${ACTIVE_STATUSES_SQL}`,
})
// The sweeper's scan: active deployments whose next step is due.
@Index('ix_config_deployment_due', ['nextStepAt'], { where: `"status" = 'in_progress'` })
@Check(
  'ck_config_deployment_status',
  `"status" IN ('pending', 'in_progress', 'paused', 'completed', 'rolled_back', 'failed')`,
)
@Check(
  'ck_config_deployment_strategy',
  `"strategy" IN ('immediate', 'canary', 'linear', 'exponential')`,
)
@Check('ck_config_deployment_on_guard_trip', `"on_guard_trip" IN ('rollback', 'pause')`)
export class ConfigDeployment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_deployment' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_config_deployment_environment',
  })
  environment?: Environment;

  @Field(() => ID)
  @Column('uuid')
  configId!: string;

  @ManyToOne(() => BusinessConfig, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'config_id', foreignKeyConstraintName: 'fk_config_deployment_config' })
  config?: BusinessConfig;

  @Field({ description: "The config's key." })
  @Column('text')
  configKey!: string;

  @Field(() => Int, { description: 'The config version the deployment started from (stable).' })
  @Column('integer')
  fromVersion!: number;

  @Field(() => GraphQLJSON, {
    description: 'The candidate config state, served to the current percentage of subjects.',
  })
  @Column('jsonb')
  candidate!: ConfigState;

  @Field(() => ConfigDeploymentStrategy)
  @Column('text')
  strategy!: DeploymentStrategy;

  @Field(() => GraphQLJSON, { description: "The strategy's parameters as given (or defaulted)." })
  @Column('jsonb', { default: () => "'{}'" })
  parameters!: Record<string, unknown>;

  @Field(() => [DeploymentStepType], { description: 'The schedule, computed at the start.' })
  @Column('jsonb')
  steps!: DeploymentStep[];

  @Field(() => Int, { description: 'Index of the current step in `steps`.' })
  @Column('integer', { default: 0 })
  currentStep!: number;

  @Field(() => Float, { description: 'Percent of subjects served the candidate now.' })
  @Column('numeric', { precision: 5, scale: 2, default: 0, transformer: numeric })
  currentPercentage!: number;

  @Field(() => ConfigDeploymentStatus)
  @Column('text')
  status!: DeploymentStatus;

  @Field(() => Date, {
    nullable: true,
    description: 'When the next step is due (kept while paused; a resume shifts it).',
  })
  @Column('timestamptz', { nullable: true })
  nextStepAt!: Date | null;

  @Field(() => GuardTripAction, { description: 'What a tripped guard does.' })
  @Column('text', { default: GuardTripAction.ROLLBACK })
  onGuardTrip!: GuardTripAction;

  @Field()
  @Column('text')
  startedBy!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  pausedBy!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  resumedBy!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  rolledBackBy!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was rolled back or paused last (a person or a guard).',
  })
  @Column('text', { nullable: true })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'The comment given at the start.' })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Field()
  @Column('timestamptz')
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  pausedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Completion, rollback or failure.' })
  @Column('timestamptz', { nullable: true })
  endedAt!: Date | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
