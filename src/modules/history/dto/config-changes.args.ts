import { ArgsType, Field, InputType, ObjectType, Int, ID } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '../../../core/graphql/pagination';
import { ChangeAction } from '../config-change-log.entity';

@InputType()
export class ConfigChangeFilter {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  configKey?: string;

  @Field({ nullable: true, description: 'An actor name or API key id.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @Field(() => ChangeAction, { nullable: true })
  @IsOptional()
  @IsEnum(ChangeAction)
  action?: ChangeAction;

  @Field({ nullable: true, description: 'Changes at or after this time.' })
  @IsOptional()
  @IsDate()
  from?: Date;

  @Field({ nullable: true, description: 'Changes before this time.' })
  @IsOptional()
  @IsDate()
  to?: Date;
}

@ArgsType()
export class ConfigChangesArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => ConfigChangeFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConfigChangeFilter)
  filter?: ConfigChangeFilter;
}

@InputType('ChainHeadInput', {
  description:
    'A head of the chain exported earlier (verifyChangeHistory.headRevision and headHash).',
})
export class ChainHeadInput {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  revision!: number;

  @Field()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'hash must be 64 lowercase hex digits' })
  hash!: string;
}

@ArgsType()
export class VerifyChangeHistoryArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => ChainHeadInput, {
    nullable: true,
    description:
      'A head kept outside the database; the chain must still hold it (see docs/history.md).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChainHeadInput)
  anchor?: ChainHeadInput;
}

@ObjectType('ChangeHistoryVerification')
export class ChangeHistoryVerification {
  @Field({ description: 'Every entry is intact and linked, none is missing, the anchor holds.' })
  valid!: boolean;

  @Field(() => Int)
  checkedEntries!: number;

  @Field(() => ID, {
    nullable: true,
    description: 'The first entry whose revision, hash or link does not hold.',
  })
  firstBrokenEntryId!: string | null;

  @Field(() => Int, {
    description: 'Entries the environment revision counts that are not in the history.',
  })
  missingEntries!: number;

  @Field(() => Int, { description: "The environment's revision: the newest entry's." })
  headRevision!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The hash the environment records for its newest entry. Export it with headRevision to anchor the history outside the database.',
  })
  headHash!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the chain holds the anchor given; null without one.',
  })
  anchorMatched!: boolean | null;

  @Field(() => String, { nullable: true, description: 'What is wrong, when not valid.' })
  problem!: string | null;
}
