import { Field, ID, ObjectType } from '@nestjs/graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Environment } from '../environments/environment.entity';
import { NotificationEventType } from './notification-event-type';

@ObjectType('WebhookEndpoint', {
  description: 'A URL that receives signed notifications (Standard Webhooks) of an environment.',
})
@Entity('webhook_endpoint')
@Index('ix_webhook_endpoint_environment', ['environmentId', 'createdAt', 'id'])
export class WebhookEndpoint {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_endpoint' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @Field(() => Environment)
  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_webhook_endpoint_environment',
  })
  environment!: Environment;

  @Field()
  @Column('text')
  url!: string;

  @Field()
  @Column('text', { default: '' })
  description!: string;

  @Field(() => [NotificationEventType])
  @Column('text', { array: true })
  eventTypes!: NotificationEventType[];

  @Field({ description: 'False when turned off, or disabled after failing (see disabledReason).' })
  @Column('boolean', { default: true })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the system disabled the endpoint.' })
  @Column('text', { nullable: true })
  disabledReason!: string | null;

  /** The signing secret (`whsec_…`); shown once, at creation or rotation. */
  @Column('text', { select: false })
  secret!: string;

  /** The secret before the last rotation, still signed with until previousSecretExpiresAt. */
  @Column('text', { nullable: true, select: false })
  previousSecret!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until then deliveries carry a signature with the previous secret too.',
  })
  @Column('timestamptz', { nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** Since when every attempt failed; cleared by a success. */
  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  failingSince!: Date | null;

  /** Millisecond precision, so a JavaScript Date is an exact keyset cursor. */
  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
