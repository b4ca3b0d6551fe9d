import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ChangeActor } from '../history/config-change-log.entity';

export enum ApprovalPolicyAction {
  SET = 'set',
  DELETE = 'delete',
}
registerEnumType(ApprovalPolicyAction, { name: 'ApprovalPolicyAction' });

/**
 * The audit trail of an environment's approval policies: every set and delete with the
 * policy before and after and who did it. Append-only (the database refuses UPDATE and
 * DELETE), like the config history.
 */
@ObjectType('ApprovalPolicyChange')
@Entity('approval_policy_change')
@Index('ix_approval_policy_change_environment', ['environmentId', 'createdAt', 'id'])
export class ApprovalPolicyChange {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_approval_policy_change' })
  id!: string;

  /** No foreign key: the trail outlives nothing it describes, and is never rewritten. */
  @Column('uuid')
  environmentId!: string;

  @Field(() => ID)
  @Column('uuid')
  policyId!: string;

  @Field()
  @Column('text')
  policyName!: string;

  @Field(() => ApprovalPolicyAction)
  @Column('text')
  action!: ApprovalPolicyAction;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The policy before (null: created).' })
  @Column('jsonb', { nullable: true })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The policy after (null: deleted).' })
  @Column('jsonb', { nullable: true })
  after!: Record<string, unknown> | null;

  @Column('uuid', { nullable: true })
  actorId!: string | null;

  @Column('text')
  actorName!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field(() => ChangeActor)
  get actor(): ChangeActor {
    return { id: this.actorId, name: this.actorName, kind: 'api_key' };
  }
}
