import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ConfigApproval } from './config-approval.entity';

export enum ReviewDecision {
  APPROVE = 'approve',
  REJECT = 'reject',
}
registerEnumType(ReviewDecision, { name: 'ReviewDecision' });

@ObjectType('ApprovalReviewer')
export class ApprovalReviewer {
  @Field(() => ID, { description: 'The key that reviewed.' })
  keyId!: string;

  @Field({ description: "The owner's name, else the key's." })
  name!: string;
}

/** One person's decision at one level of a change request (one per person, level and round). */
@ObjectType('ApprovalReview')
@Entity('config_approval_review')
@Index('uq_config_approval_review_person', ['approvalId', 'round', 'level', 'reviewerPerson'], {
  unique: true,
})
export class ApprovalReview {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_config_approval_review' })
  id!: string;

  @Column('uuid')
  approvalId!: string;

  @ManyToOne(() => ConfigApproval, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'approval_id',
    foreignKeyConstraintName: 'fk_config_approval_review_approval',
  })
  approval?: ConfigApproval;

  @Field(() => Int, { description: 'The round: an edit that resets the reviews starts another.' })
  @Column('integer')
  round!: number;

  @Field(() => Int, { description: 'The level reviewed (0-based).' })
  @Column('integer')
  level!: number;

  @Column('uuid')
  reviewerId!: string;

  @Column('text')
  reviewerName!: string;

  @Column('text')
  reviewerPerson!: string;

  @Field(() => ReviewDecision)
  @Column('text')
  decision!: ReviewDecision;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Field({ name: 'at' })
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field(() => ApprovalReviewer)
  get reviewer(): ApprovalReviewer {
    return { keyId: this.reviewerId, name: this.reviewerName };
  }
}
