import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A usage report already counted: the same batch id with the same content gets the same
 * answer and is not counted twice; with other content it is refused.
 */
@Entity('usage_report_batch')
@Index('ix_usage_report_batch_received_at', ['receivedAt'])
export class UsageReportBatch {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_usage_report_batch' })
  environmentId!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_usage_report_batch' })
  batchId!: string;

  /** SHA-256 of the report's canonical JSON. */
  @Column('text')
  contentHash!: string;

  /** The answer given, given again to a retry. */
  @Column('jsonb')
  response!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;
}
