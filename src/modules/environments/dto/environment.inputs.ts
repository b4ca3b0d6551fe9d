import { ArgsType, Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ONE_LINE, ONE_LINE_MESSAGE } from '../../../core/graphql/input-checks';
import { Environment } from '../environment.entity';
import { EnvironmentKeyField } from '../../../core/graphql/key-fields';

export const ENVIRONMENT_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `environment(key:)`: as long as a key may be; what is not a key is simply not found. */
@ArgsType()
export class EnvironmentArgs {
  @EnvironmentKeyField()
  key!: string;
}

@InputType()
export class CreateEnvironmentInput {
  @Field({ description: 'Lowercase letters, digits and dashes; 1-63 characters.' })
  @IsString()
  @Matches(ENVIRONMENT_KEY_PATTERN, {
    message:
      'key must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit',
  })
  key!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(ONE_LINE, ONE_LINE_MESSAGE)
  name!: string;
}

@InputType()
export class UpdateEnvironmentInput {
  @Field()
  @IsString()
  @MaxLength(63)
  key!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(ONE_LINE, ONE_LINE_MESSAGE)
  name?: string;

  @Field(() => Float, { nullable: true, description: 'Fetch-log sample rate: 0 (off) to 1 (all).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  fetchLogSampleRate?: number;

  @Field(() => Int, { nullable: true, description: 'Days fetch-log records are kept: 1 to 365.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  fetchLogRetentionDays?: number;
}

@ObjectType()
export class CreateEnvironmentPayload {
  @Field(() => Environment)
  environment!: Environment;
}

@ObjectType()
export class UpdateEnvironmentPayload {
  @Field(() => Environment)
  environment!: Environment;
}
