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

@ObjectType('EmailRecipient', { description: 'An address that gets notifications by email.' })
@Entity('email_recipient')
@Index('uq_email_recipient_address', ['environmentId', 'address'], { unique: true })
@Index('ix_email_recipient_environment', ['environmentId', 'createdAt', 'id'])
export class EmailRecipient {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_email_recipient' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @Field(() => Environment)
  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_email_recipient_environment',
  })
  environment!: Environment;

  @Field({ description: 'Stored lower-case.' })
  @Column('text')
  address!: string;

  @Field()
  @Column('text', { default: '' })
  name!: string;

  @Field(() => [NotificationEventType])
  @Column('text', { array: true })
  eventTypes!: NotificationEventType[];

  @Field()
  @Column('boolean', { default: true })
  enabled!: boolean;

  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
