import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Environment } from '../environments/environment.entity';
import { bigintToNumber } from '../../core/database/transformers';
import { presentDiff, presentSnapshot } from './change-presentation.util';

export enum ChangeAction {
  CREATE = 'create',
  UPDATE = 'update',
  ARCHIVE = 'archive',
  UNARCHIVE = 'unarchive',
  DELETE = 'delete',
  ROLLBACK = 'rollback',
  /** An experiment on the config started or resumed (the config's version unchanged). */
  EXPERIMENT_STARTED = 'experiment_started',
  /** An experiment on the config paused or completed (the config's version unchanged). */
  EXPERIMENT_STOPPED = 'experiment_stopped',
  /** A progressive deployment started on the config (the config's version unchanged). */
  DEPLOYMENT_STARTED = 'deployment_started',
  /** A deployment moved to its next step (the config's version unchanged). */
  DEPLOYMENT_STEP = 'deployment_step',
  DEPLOYMENT_PAUSED = 'deployment_paused',
  DEPLOYMENT_RESUMED = 'deployment_resumed',
  /** A deployment was rolled back: the stable state stays, the reason is the comment. */
  DEPLOYMENT_ROLLED_BACK = 'deployment_rolled_back',
  /** A deployment's last step: its candidate became the config's state (a new version). */
  DEPLOYMENT_COMPLETED = 'deployment_completed',
}
registerEnumType(ChangeAction, { name: 'ChangeAction' });

@ObjectType('ChangeActor')
export class ChangeActor {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field()
  name!: string;

  @Field({ description: 'api_key, or system for automatic changes.' })
  kind!: string;
}

/**
 * One committed change. Append-only: the database refuses UPDATE and DELETE. Entries of an
 * environment form a SHA-256 chain in revision order: hash = sha256(prevHash + canonical JSON).
 */
@ObjectType('ConfigChange')
@Entity('config_change_log')
@Index('uq_config_change_log_environment_revision', ['environmentId', 'environmentRevision'], {
  unique: true,
})
@Index('ix_config_change_log_config', ['configId', 'configVersion'])
@Index('ix_config_change_log_key', ['environmentId', 'configKey', 'environmentRevision'])
export class ConfigChangeLog {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_change_log' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_config_change_log_environment',
  })
  environment?: Environment;

  /** No foreign key: the entry outlives a deleted config. */
  @Field(() => ID)
  @Column('uuid')
  configId!: string;

  @Field()
  @Column('text')
  configKey!: string;

  @Field(() => ChangeAction)
  @Column('text')
  action!: ChangeAction;

  /** Snapshots and diff as stored and hashed: enum values in the engine's lowercase. */
  @Column('jsonb', { nullable: true })
  before!: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  after!: Record<string, unknown> | null;

  @Column('jsonb')
  diff!: unknown[];

  @Column('uuid', { nullable: true })
  actorId!: string | null;

  @Column('text')
  actorName!: string;

  @Column('text')
  actorKind!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Field(() => Int, {
    description: 'The config version this change produced (on delete: the version deleted).',
  })
  @Column('integer')
  configVersion!: number;

  @Field(() => Int)
  @Column('bigint', { transformer: bigintToNumber })
  environmentRevision!: number;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  prevHash!: string | null;

  @Field()
  @Column('text')
  hash!: string;

  @Field()
  @Column({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field(() => GraphQLJSON, {
    name: 'before',
    nullable: true,
    description: 'The config before the change (null on create).',
  })
  get shownBefore(): Record<string, unknown> | null {
    return presentSnapshot(this.before);
  }

  @Field(() => GraphQLJSON, {
    name: 'after',
    nullable: true,
    description: 'The config after the change (null on delete).',
  })
  get shownAfter(): Record<string, unknown> | null {
    return presentSnapshot(this.after);
  }

  @Field(() => GraphQLJSON, {
    name: 'diff',
    description: 'RFC 6902 JSON Patch from before to after.',
  })
  get shownDiff(): unknown[] {
    return presentDiff(this.diff);
  }

  @Field(() => ChangeActor)
  get actor(): ChangeActor {
    return { id: this.actorId, name: this.actorName, kind: this.actorKind };
  }
}
