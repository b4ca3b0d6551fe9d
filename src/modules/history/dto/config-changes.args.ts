import { ArgsType, Field, InputType, ObjectType, Int, ID } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsEnum, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
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

@ObjectType('ChangeHistoryVerification')
export class ChangeHistoryVerification {
  @Field()
  valid!: boolean;

  @Field(() => Int)
  checkedEntries!: number;

  @Field(() => ID, {
    nullable: true,
    description: 'The first entry whose hash or link does not hold.',
  })
  firstBrokenEntryId!: string | null;
}
