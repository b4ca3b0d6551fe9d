import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Refused saves per config and hour. Counted per key (a refused create has no config yet);
 * the validation-failure alert reads these counts.
 */
@Entity('config_validation_failure')
export class ConfigValidationFailure {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_validation_failure' })
  environmentId!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_validation_failure' })
  configKey!: string;

  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'pk_config_validation_failure' })
  hour!: Date;

  @Column('integer', { default: 0 })
  failures!: number;
}
