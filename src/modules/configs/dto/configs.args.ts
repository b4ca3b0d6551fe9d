import { ArgsType, Field, InputType, registerEnumType } from '@nestjs/graphql';
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
import { ConfigKeyField, EnvironmentKeyField } from '../../../core/graphql/key-fields';

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

export enum ConfigOrderField {
  KEY = 'KEY',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(ConfigOrderField, {
  name: 'ConfigOrderField',
  description: 'KEY: by key; UPDATED_AT: by the time of the last change. Ties go by id.',
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType()
export class ConfigOrder {
  @Field(() => ConfigOrderField)
  @IsEnum(ConfigOrderField)
  field!: ConfigOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  @IsEnum(OrderDirection)
  direction: OrderDirection = OrderDirection.ASC;
}

export const DEFAULT_CONFIG_ORDER: ConfigOrder = {
  field: ConfigOrderField.KEY,
  direction: OrderDirection.ASC,
};

/**
 * `config` and `governingApprovalPolicy`: held to the lengths writes allow (ConfigRefInput; an
 * ArgsType cannot inherit an InputType's fields).
 */
@ArgsType()
export class ConfigKeyArgs {
  @EnvironmentKeyField()
  environment!: string;

  @ConfigKeyField()
  key!: string;
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

  @Field(() => ConfigOrder, {
    nullable: true,
    description:
      'Default: by key, A to Z. A cursor is valid only with the orderBy it was returned for.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConfigOrder)
  orderBy?: ConfigOrder;
}
