import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PageArgs } from '../../../core/graphql/pagination';
import { SUBJECT_FIELD_MAX } from '../fetch-log.util';

@InputType()
export class ConfigFetchLogFilter {
  @Field({ nullable: true, description: 'A config key.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  key?: string;

  @Field({ nullable: true, description: 'The context’s `user.id`.' })
  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_FIELD_MAX)
  userId?: string;

  @Field({ nullable: true, description: 'The context’s `device.id`.' })
  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_FIELD_MAX)
  deviceId?: string;

  @Field({ nullable: true, description: 'Records at or after this time.' })
  @IsOptional()
  @IsDate()
  from?: Date;

  @Field({ nullable: true, description: 'Records before this time; after `from`.' })
  @IsOptional()
  @IsDate()
  to?: Date;
}

@ArgsType()
export class ConfigFetchLogArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => ConfigFetchLogFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConfigFetchLogFilter)
  filter?: ConfigFetchLogFilter;
}
