import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Experiment } from './experiment.entity';

/**
 * A stored `random` assignment: the first one written for a subject wins (primary key), and
 * is served from then on, across restarts.
 */
@Entity('experiment_assignment')
export class ExperimentAssignment {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_experiment_assignment' })
  experimentId!: string;

  @ManyToOne(() => Experiment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'experiment_id',
    foreignKeyConstraintName: 'fk_experiment_assignment_experiment',
  })
  experiment?: Experiment;

  /** The subject's stickiness value. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_experiment_assignment' })
  subject!: string;

  @Column('text')
  variantKey!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  assignedAt!: Date;
}
