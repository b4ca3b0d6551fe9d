import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';
import { Environment } from '../environments/environment.entity';

/** Which API served a fetch. */
export enum FetchChannel {
  GRAPHQL = 'GRAPHQL',
  OFREP = 'OFREP',
}
registerEnumType(FetchChannel, { name: 'FetchChannel' });

/** One sampled fetch of one config by one subject (see docs/fetch-log.md). */
@ObjectType('ConfigFetchLog', {
  description: 'A sampled record of one config served to one subject.',
})
@Entity('config_fetch_log')
@Index('ix_config_fetch_log_time', ['environmentId', 'fetchedAt', 'id'])
@Index('ix_config_fetch_log_user', ['environmentId', 'userId', 'fetchedAt'])
@Index('ix_config_fetch_log_device', ['environmentId', 'deviceId', 'fetchedAt'])
@Index('ix_config_fetch_log_key', ['environmentId', 'configKey', 'fetchedAt', 'id'])
export class ConfigFetchLog {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_fetch_log' })
  id!: string;

  @Column('uuid')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'fk_config_fetch_log_environment',
  })
  environment?: Environment;

  @Field()
  @Column('text')
  configKey!: string;

  @Field(() => String, { nullable: true, description: 'The context’s `user.id`.' })
  @Column('text', { nullable: true })
  userId!: string | null;

  @Field(() => String, { nullable: true, description: 'The context’s `device.id`.' })
  @Column('text', { nullable: true })
  deviceId!: string | null;

  @Field(() => String, { nullable: true, description: 'The context’s `app.version`.' })
  @Column('text', { nullable: true })
  appVersion!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'SHA-256 (hex) of the served value’s canonical JSON (RFC 8785); null when no value was served (an error).',
  })
  @Column('text', { nullable: true })
  valueHash!: string | null;

  @Field({ description: 'The evaluation reason, e.g. TARGETING_MATCH, ROLLOUT, DEFAULT, ERROR.' })
  @Column('text')
  reason!: string;

  @Field(() => String, { nullable: true, description: 'FLAG_NOT_FOUND, … when reason is ERROR.' })
  @Column('text', { nullable: true })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  ruleId!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  variant!: string | null;

  @Field(() => Int, { description: 'The config’s version that was served (0 when not found).' })
  @Column('integer')
  configVersion!: number;

  @Field(() => Int, { description: 'The environment revision the serving snapshot reflected.' })
  @Column('bigint', { transformer: bigintToNumber })
  revision!: number;

  @Field(() => FetchChannel)
  @Column('text')
  channel!: FetchChannel;

  @Field()
  @Column('timestamptz')
  fetchedAt!: Date;
}
