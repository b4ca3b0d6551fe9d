import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Environment } from '../environments/environment.entity';
import { Bound, DeploymentStrategy, TargetingRule, ValueType } from '../../engine/config-state';

/** GraphQL names for the engine's lowercase value types. */
export enum ConfigValueType {
  STRING = 'string',
  INTEGER = 'integer',
  BOOLEAN = 'boolean',
  DECIMAL = 'decimal',
  JSON = 'json',
  IMAGE = 'image',
}
registerEnumType(ConfigValueType, {
  name: 'ConfigValueType',
  description:
    'decimal values travel as strings ("19.99"); image values are https or data:image URLs.',
});

export enum ConfigDeploymentStrategy {
  IMMEDIATE = 'immediate',
  CANARY = 'canary',
  LINEAR = 'linear',
  EXPONENTIAL = 'exponential',
}
/** The defaults of `startDeployment` when it names no strategy (docs/deployments.md). */
export const DEPLOYMENT_STRATEGY_DESCRIPTION =
  'How a change rolls out by default: the strategy startDeployment uses when it names none.';
export const DEPLOYMENT_CONFIG_DESCRIPTION =
  "The default strategy's parameters (docs/deployments.md), used by startDeployment when it names no strategy or this one without parameters.";

registerEnumType(ConfigDeploymentStrategy, {
  name: 'DeploymentStrategy',
  description: DEPLOYMENT_STRATEGY_DESCRIPTION,
});

const numeric = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@ObjectType('BusinessConfig', {
  description: 'A typed configuration value or feature flag in one environment.',
})
@Entity('business_config')
@Index('uq_business_config_environment_key', ['environmentId', 'key'], { unique: true })
@Index('ix_business_config_environment_updated', ['environmentId', 'updatedAt', 'id'])
export class BusinessConfig {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_business_config' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_business_config_environment',
  })
  environment?: Environment;

  @Field()
  @Column('text')
  key!: string;

  @Field()
  @Column('text', { default: '' })
  description!: string;

  @Field(() => ConfigValueType)
  @Column('text')
  valueType!: ValueType;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Served inside the rollout.' })
  /** SQL NULL stands for JSON null (json configs may hold null). */
  @Column('jsonb', { nullable: true })
  value!: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Served outside the rollout, and when archived.',
  })
  @Column('jsonb', { nullable: true })
  defaultValue!: unknown;

  @Field(() => GraphQLJSON, {
    description: 'Rules in order: [{id, name?, condition, value, rolloutPercentage?}].',
  })
  @Column('jsonb', { default: () => "'[]'" })
  targetingRules!: TargetingRule[];

  @Field(() => Float)
  @Column('numeric', { precision: 5, scale: 2, default: 100, transformer: numeric })
  rolloutPercentage!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Attribute that buckets subjects; null: user.id, then device.id.',
  })
  @Column('text', { nullable: true })
  stickiness!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column('jsonb', { nullable: true })
  minValue!: Bound | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column('jsonb', { nullable: true })
  maxValue!: Bound | null;

  @Field(() => Int, { nullable: true })
  @Column('integer', { nullable: true })
  minLength!: number | null;

  @Field(() => Int, { nullable: true })
  @Column('integer', { nullable: true })
  maxLength!: number | null;

  @Field(() => String, { nullable: true, description: 'RE2 syntax; the whole value must match.' })
  @Column('text', { nullable: true })
  pattern!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column('jsonb', { nullable: true })
  allowedValues!: unknown[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'JSON Schema 2020-12.' })
  @Column('jsonb', { nullable: true })
  validationSchema!: Record<string, unknown> | boolean | null;

  @Field(() => ConfigDeploymentStrategy, { description: DEPLOYMENT_STRATEGY_DESCRIPTION })
  @Column('text', { default: 'immediate' })
  deploymentStrategy!: DeploymentStrategy;

  @Field(() => GraphQLJSON, { description: DEPLOYMENT_CONFIG_DESCRIPTION })
  @Column('jsonb', { default: () => "'{}'" })
  deploymentConfig!: Record<string, unknown>;

  @Field(() => Int, { description: 'Bumped by every change; send it back as expectedVersion.' })
  @Column('integer', { default: 1 })
  version!: number;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  archivedAt!: Date | null;

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
