import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BusinessConfig } from './business-config.entity';

/** What holds a config exclusively: a running experiment or an active deployment. */
export type ExclusiveActivityKind = 'experiment' | 'deployment';

/**
 * The one activity a config has while an experiment runs on it or a deployment is active
 * (DESIGN.md: at most one of them). Its primary key is what makes a concurrent second start
 * fail: the transition that starts one inserts the row in its own write statement, the one
 * that ends it deletes it (docs/experiments.md, docs/deployments.md).
 */
@Entity('config_exclusive_activity')
@Check('ck_config_exclusive_activity_kind', `"kind" IN ('experiment', 'deployment')`)
export class ConfigExclusiveActivity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_exclusive_activity' })
  configId!: string;

  @ManyToOne(() => BusinessConfig, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'config_id',
    foreignKeyConstraintName: 'fk_config_exclusive_activity_config',
  })
  config?: BusinessConfig;

  @Column('text')
  kind!: ExclusiveActivityKind;

  /** The experiment's or the deployment's id. */
  @Column('uuid')
  activityId!: string;

  @Column('uuid', { nullable: true })
  environmentId!: string | null;
}
