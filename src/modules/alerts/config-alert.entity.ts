import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';
import { Environment } from '../environments/environment.entity';
import { EmailRecipient } from '../notifications/email-recipient.entity';
import { WebhookEndpoint } from '../notifications/webhook-endpoint.entity';
import { AlertCondition, AlertOperator, AlertSeverity } from './alert.enums';

/** The longest window: a week. */
export const MAX_WINDOW_MINUTES = 10_080;
/** Webhook endpoints and email recipients one rule notifies, together. */
export const MAX_ALERT_CHANNELS = 20;

@ObjectType('ConfigAlert', {
  description:
    "An alert rule: a condition on a config's (or an environment's) usage counters, checked every evaluation interval.",
})
@Entity('config_alert')
@Index('ix_config_alert_environment', ['environmentId', 'createdAt', 'id'])
@Check(
  'ck_config_alert_condition',
  `"condition" IN ('error_rate', 'fetch_rate', 'usage_drop', 'validation_failure')`,
)
@Check('ck_config_alert_operator', `"operator" IN ('gt', 'gte', 'lt', 'lte')`)
@Check('ck_config_alert_severity', `"severity" IN ('info', 'warning', 'critical')`)
@Check('ck_config_alert_window', `"window_minutes" BETWEEN 1 AND ${MAX_WINDOW_MINUTES}`)
@Check('ck_config_alert_counts', `"minimum_sample" >= 0 AND "cooldown_minutes" >= 0`)
export class ConfigAlert {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_alert' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @Field(() => Environment)
  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'fk_config_alert_environment' })
  environment!: Environment;

  @Field(() => String, {
    nullable: true,
    description: "The config whose counters are watched; null: the whole environment's.",
  })
  @Column('text', { nullable: true })
  configKey!: string | null;

  @Field()
  @Column('text')
  name!: string;

  @Field(() => AlertCondition)
  @Column('text')
  condition!: AlertCondition;

  @Field(() => AlertOperator)
  @Column('text')
  operator!: AlertOperator;

  @Field(() => Float, {
    description: 'A share from 0 to 1 for ERROR_RATE and USAGE_DROP; a count or rate otherwise.',
  })
  @Column('double precision')
  threshold!: number;

  @Field(() => Int)
  @Column('integer')
  windowMinutes!: number;

  @Field(() => Int, {
    description:
      'The rule does not fire on fewer: evaluations in the window (ERROR_RATE, FETCH_RATE), in the window before (USAGE_DROP), refused saves (VALIDATION_FAILURE).',
  })
  @Column('integer', { default: 0 })
  minimumSample!: number;

  @Field(() => Int, { description: 'No new event this long after the last one was resolved.' })
  @Column('integer', { default: 30 })
  cooldownMinutes!: number;

  @Field(() => AlertSeverity)
  @Column('text', { default: AlertSeverity.WARNING })
  severity!: AlertSeverity;

  @Field()
  @Column('boolean', { default: true })
  enabled!: boolean;

  @Field({
    description:
      "When it fires, the config's active deployment (if any) is rolled back, or paused per its onGuardTrip.",
  })
  @Column('boolean', { default: false })
  guardsDeployments!: boolean;

  @OneToMany(() => ConfigAlertWebhookEndpoint, (link) => link.alert)
  webhookEndpointLinks?: ConfigAlertWebhookEndpoint[];

  @OneToMany(() => ConfigAlertEmailRecipient, (link) => link.alert)
  emailRecipientLinks?: ConfigAlertEmailRecipient[];

  @Field()
  @Column('text')
  createdBy!: string;

  @Field()
  @Column('text')
  updatedBy!: string;

  /** The evaluation slot (time ÷ interval) last evaluated: one evaluator per rule and slot. */
  @Column('bigint', { nullable: true, transformer: bigintToNumber })
  evaluatedSlot!: number | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  lastEvaluatedAt!: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The value measured last (null: nothing to measure, e.g. no evaluations).',
  })
  @Column('double precision', { nullable: true })
  lastValue!: number | null;

  @Field(() => Float, { nullable: true, description: 'The sample measured last.' })
  @Column('bigint', { nullable: true, transformer: bigintToNumber })
  lastSample!: number | null;

  /** Millisecond precision, so a JavaScript Date is an exact keyset cursor. */
  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** A webhook endpoint a rule notifies; deleting the endpoint removes it from the rule. */
@Entity('config_alert_webhook_endpoint')
@Index('ix_config_alert_webhook_endpoint_endpoint', ['endpointId'])
export class ConfigAlertWebhookEndpoint {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_alert_webhook_endpoint' })
  alertId!: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_alert_webhook_endpoint' })
  endpointId!: string;

  @ManyToOne(() => ConfigAlert, (alert) => alert.webhookEndpointLinks, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'alert_id',
    foreignKeyConstraintName: 'fk_config_alert_webhook_endpoint_alert',
  })
  alert?: ConfigAlert;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'endpoint_id',
    foreignKeyConstraintName: 'fk_config_alert_webhook_endpoint_endpoint',
  })
  endpoint?: WebhookEndpoint;
}

/** An email recipient a rule notifies; deleting the recipient removes it from the rule. */
@Entity('config_alert_email_recipient')
@Index('ix_config_alert_email_recipient_recipient', ['recipientId'])
export class ConfigAlertEmailRecipient {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_alert_email_recipient' })
  alertId!: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_alert_email_recipient' })
  recipientId!: string;

  @ManyToOne(() => ConfigAlert, (alert) => alert.emailRecipientLinks, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'alert_id',
    foreignKeyConstraintName: 'fk_config_alert_email_recipient_alert',
  })
  alert?: ConfigAlert;

  @ManyToOne(() => EmailRecipient, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'recipient_id',
    foreignKeyConstraintName: 'fk_config_alert_email_recipient_recipient',
  })
  recipient?: EmailRecipient;
}
