import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { EmailRecipient } from './email-recipient.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { NotificationEventType, NotificationPayload } from './notification-event-type';

export enum DeliveryStatus {
  PENDING = 'pending',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(DeliveryStatus, {
  name: 'NotificationDeliveryStatus',
  description: 'pending: not delivered yet (retrying); succeeded; failed: retries given up.',
});

export enum DeliveryChannel {
  WEBHOOK = 'webhook',
  EMAIL = 'email',
}
registerEnumType(DeliveryChannel, { name: 'NotificationChannel' });

/**
 * One event to one endpoint or recipient: its id is the `webhook-id` of every attempt, and
 * the idempotency key of the email (sent once it is claimed, marked as sent after).
 */
@ObjectType('NotificationDelivery')
@Entity('notification_delivery')
@Check('ck_notification_delivery_target', 'num_nonnulls(endpoint_id, recipient_id, address) = 1')
@Index('uq_notification_delivery_endpoint', ['eventId', 'endpointId'], {
  unique: true,
  where: 'endpoint_id IS NOT NULL',
})
@Index('uq_notification_delivery_recipient', ['eventId', 'recipientId'], {
  unique: true,
  where: 'recipient_id IS NOT NULL',
})
@Index('uq_notification_delivery_address', ['eventId', 'address'], {
  unique: true,
  where: 'address IS NOT NULL',
})
@Index('ix_notification_delivery_environment', ['environmentId', 'createdAt', 'id'])
@Index('ix_notification_delivery_due', ['nextAttemptAt'], { where: "status = 'pending'" })
export class NotificationDelivery {
  @Field(() => ID, { description: 'The webhook-id header of every attempt.' })
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_notification_delivery' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  /** The event's id: one delivery per event and endpoint or recipient. */
  @Field()
  @Column('text')
  eventId!: string;

  @Field(() => NotificationEventType)
  @Column('text')
  eventType!: NotificationEventType;

  @Field(() => GraphQLJSON, { description: 'The body sent (the webhook payload).' })
  @Column('jsonb')
  payload!: NotificationPayload;

  @Field(() => DeliveryChannel)
  @Column('text')
  channel!: DeliveryChannel;

  @Field(() => ID, { nullable: true })
  @Index('ix_notification_delivery_endpoint')
  @Column('uuid', { nullable: true })
  endpointId!: string | null;

  /** A deleted endpoint or recipient takes its delivery log with it. */
  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({
    name: 'endpoint_id',
    foreignKeyConstraintName: 'fk_notification_delivery_endpoint',
  })
  endpoint?: WebhookEndpoint | null;

  @Field(() => ID, { nullable: true })
  @Index('ix_notification_delivery_recipient')
  @Column('uuid', { nullable: true })
  recipientId!: string | null;

  @ManyToOne(() => EmailRecipient, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({
    name: 'recipient_id',
    foreignKeyConstraintName: 'fk_notification_delivery_recipient',
  })
  recipient?: EmailRecipient | null;

  /**
   * An email to a person rather than a recipient of the environment (the approvers and the
   * requester of a change request, by their key's owner).
   */
  @Field(() => String, { nullable: true, description: 'An email to a person, not a recipient.' })
  @Column('text', { nullable: true })
  address!: string | null;

  @Column('text', { nullable: true })
  addressName!: string | null;

  @Field(() => DeliveryStatus)
  @Column('text', { default: DeliveryStatus.PENDING })
  status!: DeliveryStatus;

  @Field(() => Int)
  @Column('integer', { default: 0 })
  attempts!: number;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status, last attempt." })
  @Column('integer', { nullable: true })
  responseCode!: number | null;

  @Field(() => Int, { nullable: true, description: 'Milliseconds the last attempt took.' })
  @Column('integer', { nullable: true })
  latencyMs!: number | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (pending).' })
  @Column('timestamptz', { nullable: true })
  nextAttemptAt!: Date | null;

  /** Held by the worker making an attempt, so two never send it at once. */
  @Column('timestamptz', { nullable: true })
  claimedUntil!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  deliveredAt!: Date | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
