import { Field, ID, ObjectType } from '@nestjs/graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Role } from '../../core/auth/role';
import { Environment } from '../environments/environment.entity';

export type ApiKeyKind = 'standard' | 'bootstrap';

@ObjectType('ApiKeyOwner', {
  description:
    'The person a key belongs to. Separation of duties and notifications go by the owner: two keys with one owner email are one person.',
})
export class ApiKeyOwner {
  @Field()
  name!: string;

  @Field({ description: 'Stored lower-case; it identifies the person.' })
  email!: string;
}

@ObjectType('ApiKey', { description: 'A credential. Its secret is shown once, at creation.' })
@Entity('api_key')
@Index('uq_api_key_token_hash', ['tokenHash'], { unique: true })
export class ApiKey {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_key' })
  id!: string;

  @Field()
  @Column('text')
  name!: string;

  /** SHA-256 of the token, hex. Never exposed. */
  @Column('text')
  tokenHash!: string;

  @Field({ description: 'The first characters of the token, to tell keys apart.' })
  @Column('text')
  tokenPrefix!: string;

  @Field(() => [Role])
  @Column('text', { array: true })
  roles!: Role[];

  /** `bootstrap` keys come from ADMIN_TOKEN or the first start; the rest from createApiKey. */
  @Column('text', { default: 'standard' })
  kind!: ApiKeyKind;

  @Column('uuid', { nullable: true })
  environmentId!: string | null;

  @Field(() => Environment, {
    nullable: true,
    description: 'Set when the key may act in this environment only.',
  })
  @ManyToOne(() => Environment, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'fk_api_key_environment' })
  environment!: Environment | null;

  @Column('uuid', { nullable: true })
  createdById!: string | null;

  /** Set by an admin (setApiKeyOwner); null: the key stands for itself. */
  @Column('text', { nullable: true })
  ownerName!: string | null;

  @Column('text', { nullable: true })
  ownerEmail!: string | null;

  @Field(() => ApiKeyOwner, { nullable: true, description: 'Who this key belongs to, if set.' })
  get owner(): ApiKeyOwner | null {
    return this.ownerName && this.ownerEmail
      ? { name: this.ownerName, email: this.ownerEmail }
      : null;
  }

  /** Millisecond precision, so a JavaScript Date is an exact keyset cursor. */
  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}
