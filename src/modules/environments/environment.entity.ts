import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';

@ObjectType('Environment', {
  description: 'A namespace with its own configs, keys and revision counter.',
})
@Entity('environment')
@Index('uq_environment_key', ['key'], { unique: true })
@Check(
  'ck_environment_fetch_log_sample_rate',
  '"fetch_log_sample_rate" >= 0 AND "fetch_log_sample_rate" <= 1',
)
@Check('ck_environment_fetch_log_retention_days', '"fetch_log_retention_days" >= 1')
export class Environment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_environment' })
  id!: string;

  @Field({ description: 'Stable identifier used in APIs, e.g. `production`.' })
  @Column('text')
  key!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field(() => Int, { description: 'Bumped by every committed config change in this environment.' })
  @Column('bigint', { default: 0, transformer: bigintToNumber })
  revision!: number;

  @Field(() => Float, {
    description:
      'Share of evaluation requests whose results go to the fetch log: 0 off, 1 all (docs/fetch-log.md).',
  })
  @Column('double precision', { default: 0.01 })
  fetchLogSampleRate!: number;

  @Field(() => Int, { description: 'Days fetch-log records are kept.' })
  @Column('integer', { default: 7 })
  fetchLogRetentionDays!: number;

  /** The hash of the newest change-log entry: the head of this environment's hash chain. */
  @Column('text', { nullable: true, select: false })
  chainHead!: string | null;

  /** The head before the newest entry, so the statement that moves the head can return it. */
  @Column('text', { nullable: true, select: false })
  chainPrev!: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
