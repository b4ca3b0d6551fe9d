import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
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
import { ConfigState } from '../../engine/config-state';
import { ConfigDeploymentStrategy } from '../configs/business-config.entity';
import { GuardTripAction } from '../deployments/config-deployment.entity';
import { Environment } from '../environments/environment.entity';
import { ApprovalLevelSpec } from './approval-policy.entity';

/** What a change request asks for. */
export enum ConfigChangeKind {
  CREATE = 'create',
  UPDATE = 'update',
  ROLLBACK = 'rollback',
  ARCHIVE = 'archive',
  UNARCHIVE = 'unarchive',
  DELETE = 'delete',
  START_DEPLOYMENT = 'start_deployment',
  START_EXPERIMENT = 'start_experiment',
  COMPLETE_EXPERIMENT = 'complete_experiment',
}
registerEnumType(ConfigChangeKind, {
  name: 'ConfigChangeKind',
  description: 'What a change request asks for.',
  valuesMap: {
    CREATE: { description: 'A new config (the full state in `config`).' },
    UPDATE: { description: "The config's full next state (`config`, over the current one)." },
    ROLLBACK: { description: 'Back to an earlier version (`toVersion`).' },
    ARCHIVE: {},
    UNARCHIVE: {},
    DELETE: { description: 'Delete an archived config.' },
    START_DEPLOYMENT: { description: 'Start a progressive deployment (`deployment`).' },
    START_EXPERIMENT: { description: 'Start a draft experiment (`experiment.key`).' },
    COMPLETE_EXPERIMENT: {
      description: 'Complete an experiment with a winner, optionally promoted (`experiment`).',
    },
  },
});

export enum ApprovalStatus {
  PENDING = 'pending',
  APPROVED = 'approved',
  REJECTED = 'rejected',
  APPLIED = 'applied',
  CANCELLED = 'cancelled',
  STALE = 'stale',
  SCHEDULED = 'scheduled',
  FAILED = 'failed',
}
registerEnumType(ApprovalStatus, {
  name: 'ApprovalStatus',
  valuesMap: {
    PENDING: { description: 'Waiting for reviews.' },
    APPROVED: { description: 'Every level approved; being applied.' },
    REJECTED: { description: 'Closed by a rejection.' },
    APPLIED: { description: 'Written through the change path (see the history).' },
    CANCELLED: { description: 'Withdrawn by the requester or an admin.' },
    STALE: {
      description: 'The config changed since the request was made; never applied over it.',
    },
    SCHEDULED: { description: 'Approved; applies at applyAt.' },
    FAILED: { description: 'Could not be applied (see reason), e.g. an active deployment.' },
  },
});

/** Statuses a request cannot leave. */
export const CLOSED_STATUSES: readonly ApprovalStatus[] = [
  ApprovalStatus.REJECTED,
  ApprovalStatus.APPLIED,
  ApprovalStatus.CANCELLED,
  ApprovalStatus.STALE,
  ApprovalStatus.FAILED,
];

/** Kind-specific details of a request, as stored. */
export interface ChangeProposal {
  /** ROLLBACK: the version restored. */
  toVersion?: number;
  /** START_DEPLOYMENT: what startDeployment takes besides the config. */
  deployment?: {
    candidate: Record<string, unknown>;
    strategy?: ConfigDeploymentStrategy;
    parameters?: unknown;
    onGuardTrip?: GuardTripAction;
  };
  /** START_EXPERIMENT, COMPLETE_EXPERIMENT. */
  experiment?: { key: string; winner?: string | null; promoteWinner?: boolean };
}

/**
 * A change request (docs/approvals.md): the proposed change to one config with the version
 * it was based on, the policy's levels as they were when it was made, and its status. The
 * reviews are rows of their own (config_approval_review).
 */
@ObjectType('ConfigApproval', { description: 'A change request and its reviews.' })
@Entity('config_approval')
@Index('ix_config_approval_environment', ['environmentId', 'createdAt', 'id'])
@Index('ix_config_approval_config', ['environmentId', 'configKey', 'status'])
@Index('ix_config_approval_due', ['applyAt'], { where: "status IN ('approved', 'scheduled')" })
export class ConfigApproval {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_approval' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_config_approval_environment',
  })
  environment?: Environment;

  @Field()
  @Column('text')
  configKey!: string;

  /** Null for a CREATE (the config does not exist yet). No foreign key: it outlives a delete. */
  @Column('uuid', { nullable: true })
  configId!: string | null;

  @Field(() => ConfigChangeKind)
  @Column('text')
  kind!: ConfigChangeKind;

  @Field(() => GraphQLJSON, {
    description: 'Kind-specific details (toVersion, deployment, experiment).',
  })
  @Column('jsonb', { default: () => "'{}'" })
  proposal!: ChangeProposal;

  /** The config's state once applied (null: DELETE, START_EXPERIMENT). */
  @Column('jsonb', { nullable: true })
  proposedState!: ConfigState | null;

  /** The config's state when requested (null: CREATE): what the reviewers compared against. */
  @Column('jsonb', { nullable: true })
  baseState!: ConfigState | null;

  @Field(() => Int, { description: 'The config version it was based on (0: a new config).' })
  @Column('integer')
  baseVersion!: number;

  @Column('uuid', { nullable: true })
  policyId!: string | null;

  @Field({ description: 'The policy that governs it, as named when it was requested.' })
  @Column('text')
  policyName!: string;

  /** The policy's levels when it was requested. */
  @Column('jsonb')
  levels!: ApprovalLevelSpec[];

  @Field()
  @Column('boolean')
  rejectionCloses!: boolean;

  @Field()
  @Column('boolean')
  editResetsReviews!: boolean;

  @Column('uuid')
  requesterId!: string;

  @Column('text')
  requesterName!: string;

  /** The requester's person (personOf): nobody who is this person reviews the request. */
  @Column('text')
  requesterPerson!: string;

  @Column('text', { nullable: true })
  requesterEmail!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Field(() => ApprovalStatus)
  @Column('text')
  status!: ApprovalStatus;

  /** Bumped when an edit resets the reviews: reviews of earlier rounds no longer count. */
  @Field(() => Int)
  @Column('integer', { default: 1 })
  round!: number;

  @Field(() => Int, { description: 'The level waiting for reviews (0-based).' })
  @Column('integer', { default: 0 })
  currentLevel!: number;

  @Field(() => Date, { nullable: true, description: 'When it applies once approved.' })
  @Column('timestamptz', { nullable: true })
  applyAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it is stale, failed, rejected or cancelled.',
  })
  @Column('text', { nullable: true })
  reason!: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  appliedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was closed, whatever the outcome.' })
  @Column('timestamptz', { nullable: true })
  closedAt!: Date | null;
}
