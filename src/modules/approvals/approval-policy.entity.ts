import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
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

/** One level of a policy as stored (and copied into each change request it governs). */
export interface ApprovalLevelSpec {
  name: string;
  /** The keys that may review at this level (their owners, where set, are the people). */
  approverKeyIds: string[];
  /** Any key holding a role that grants APPROVER may review too. */
  anyApprover: boolean;
  /** Approvals by different people this level needs. */
  required: number;
}

@ObjectType('ApprovalLevel', { description: 'One level of an approval policy.' })
export class ApprovalLevel implements ApprovalLevelSpec {
  @Field()
  name!: string;

  @Field(() => [ID], { description: 'The keys that may review at this level.' })
  approverKeyIds!: string[];

  @Field({ description: 'Any key with the APPROVER role (or ADMIN) may review too.' })
  anyApprover!: boolean;

  @Field(() => Int, { description: 'Approvals by different people this level needs.' })
  required!: number;
}

/**
 * Who must approve a change in an environment, optionally only for config keys matching a
 * pattern: ordered levels, each with its approvers and a required count (docs/approvals.md).
 */
@ObjectType('ApprovalPolicy')
@Entity('approval_policy')
@Index('uq_approval_policy_name', ['environmentId', 'name'], { unique: true })
// One policy per pattern (and one without) per environment: an expression index, in the migration.
@Index('uq_approval_policy_pattern', { synchronize: false })
export class ApprovalPolicy {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_approval_policy' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_approval_policy_environment',
  })
  environment?: Environment;

  @Field()
  @Column('text')
  name!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Config keys it governs: `*` stands for any characters (`checkout.*`); null: every key of the environment.',
  })
  @Column('text', { nullable: true })
  configKeyPattern!: string | null;

  @Field(() => [ApprovalLevel], { description: 'Satisfied in order.' })
  @Column('jsonb')
  levels!: ApprovalLevelSpec[];

  @Field({ description: 'One rejection closes the request (status REJECTED).' })
  @Column('boolean', { default: true })
  rejectionCloses!: boolean;

  @Field({ description: "An edit by the requester clears the request's reviews." })
  @Column('boolean', { default: true })
  editResetsReviews!: boolean;

  @Field({ description: 'Admins may write without a request, with a comment saying why.' })
  @Column('boolean', { default: false })
  allowAdminBypass!: boolean;

  @Field({
    description:
      'Pausing or rolling back a deployment, pausing an experiment and completing one without a winner need no approval.',
  })
  @Column('boolean', { default: true })
  exemptSafetyActions!: boolean;

  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @Field({ description: 'Name of the key that last set it.' })
  @Column('text')
  updatedBy!: string;
}
