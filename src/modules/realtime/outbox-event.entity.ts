import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';

/**
 * A change event written in the same transaction as the change and relayed to pub/sub after
 * commit, so a crash between commit and publish loses nothing.
 */
@Entity('outbox_event')
@Index('ix_outbox_event_unpublished', ['id'], { where: 'published_at IS NULL' })
export class OutboxEvent {
  /** bigint, kept as a string: the relay's position. */
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    primaryKeyConstraintName: 'pk_outbox_event',
  })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @Column('bigint', { transformer: bigintToNumber })
  revision!: number;

  /** e.g. `config.changed`. */
  @Column('text')
  type!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  publishedAt!: Date | null;
}

/** What a writer puts in the outbox: one event per committed change. */
export interface ChangeEvent {
  environmentId: string;
  revision: number;
  type: string;
  payload: Record<string, unknown>;
}
