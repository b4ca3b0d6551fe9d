import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '../../../core/graphql/pagination';
import { ConfigValueType } from '../business-config.entity';

@InputType()
export class ConfigFilter {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  keyPrefix?: string;

  @Field({ nullable: true, description: 'Text found in the key or the description.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @Field(() => ConfigValueType, { nullable: true })
  @IsOptional()
  @IsEnum(ConfigValueType)
  valueType?: ConfigValueType;

  @Field({ nullable: true, description: 'true: archived only; false: active only; absent: both.' })
  @IsOptional()
  @IsBoolean()
  archived?: boolean;
}

@ArgsType()
export class ConfigsArgs extends PageArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => ConfigFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConfigFilter)
  filter?: ConfigFilter;
}
