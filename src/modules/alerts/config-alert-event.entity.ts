import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';
import { ConfigDeployment } from '../deployments/config-deployment.entity';
import { Environment } from '../environments/environment.entity';
import { AlertCondition, AlertEventStatus, AlertOperator, AlertSeverity } from './alert.enums';
import { ConfigAlert } from './config-alert.entity';

/** The statuses of an event that is not over: a rule has at most one such event. */
export const UNRESOLVED_SQL = `('open', 'acknowledged')`;

@ObjectType('ConfigAlertEvent', {
  description:
    'One crossing of an alert rule: opened when the rule crosses its threshold, resolved after two evaluations in a row that do not.',
})
@Entity('config_alert_event')
// At most one unresolved event per rule, whichever evaluators race to open one.
@Index('uq_config_alert_event_unresolved', ['alertId'], {
  unique: true,
  where: `"status" IN ${UNRESOLVED_SQL}`,
})
@Index('ix_config_alert_event_environment', ['environmentId', 'openedAt', 'id'])
@Index('ix_config_alert_event_alert', ['alertId', 'openedAt'])
@Index('ix_config_alert_event_deployment', ['deploymentId'])
@Check('ck_config_alert_event_status', `"status" IN ('open', 'acknowledged', 'resolved')`)
export class ConfigAlertEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_alert_event' })
  id!: string;

  @Field(() => ID)
  @Column('uuid')
  alertId!: string;

  /** Deleting a rule deletes its events. */
  @ManyToOne(() => ConfigAlert, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id', foreignKeyConstraintName: 'fk_config_alert_event_alert' })
  alert?: ConfigAlert;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_config_alert_event_environment',
  })
  environment?: Environment;

  @Field(() => String, { nullable: true, description: "The rule's config key when it fired." })
  @Column('text', { nullable: true })
  configKey!: string | null;

  @Field({ description: "The rule's name when it fired." })
  @Column('text')
  alertName!: string;

  @Field(() => AlertCondition)
  @Column('text')
  condition!: AlertCondition;

  @Field(() => AlertOperator)
  @Column('text')
  operator!: AlertOperator;

  @Field(() => AlertSeverity)
  @Column('text')
  severity!: AlertSeverity;

  @Field(() => Float, { description: 'The value measured when it opened.' })
  @Column('double precision')
  value!: number;

  @Field(() => Float)
  @Column('double precision')
  threshold!: number;

  @Field(() => Int)
  @Column('integer')
  windowMinutes!: number;

  @Field(() => Float, { description: 'The sample measured when it opened.' })
  @Column('bigint', { transformer: bigintToNumber })
  sample!: number;

  @Field(() => AlertEventStatus)
  @Column('text', { default: AlertEventStatus.OPEN })
  status!: AlertEventStatus;

  /** Evaluations in a row that did not cross since it opened (two resolve it). */
  @Column('integer', { default: 0 })
  recoveredEvaluations!: number;

  @Field()
  @Column({ type: 'timestamptz', precision: 3 })
  openedAt!: Date;

  @Field()
  @Column('text')
  openedBy!: string;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  acknowledgedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Given with the acknowledgement.' })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  resolvedBy!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The deployment this event tripped (rolled back or paused), if any.',
  })
  @Column('uuid', { nullable: true })
  deploymentId!: string | null;

  @ManyToOne(() => ConfigDeployment, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'deployment_id',
    foreignKeyConstraintName: 'fk_config_alert_event_deployment',
  })
  deployment?: ConfigDeployment | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the deployment was tripped (null while the trip is still to be made).',
  })
  @Column('timestamptz', { nullable: true })
  guardTrippedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What the trip did: "rolled back", "paused", or "not tripped: <why>" (the deployment had ended).',
  })
  @Column('text', { nullable: true })
  guardResult!: string | null;
}
