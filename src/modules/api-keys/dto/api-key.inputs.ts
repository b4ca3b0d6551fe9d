import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { Role } from '../../../core/auth/role';
import { ApiKey } from '../api-key.entity';

@InputType()
export class CreateApiKeyInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @Field(() => [Role])
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsEnum(Role, { each: true })
  roles!: Role[];

  @Field({
    nullable: true,
    description: 'Limit the key to this environment. Required for sdk keys.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  environment?: string;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: 'The secret. Shown this once; store it now.' })
  token!: string;
}

@InputType()
export class RevokeApiKeyInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ObjectType()
export class RevokeApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@InputType()
export class ApiKeyOwnerInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\r\n]*$/, { message: 'name must be one line' })
  name!: string;

  @Field({ description: 'Two keys with the same owner email are the same person.' })
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

@InputType()
export class SetApiKeyOwnerInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => ApiKeyOwnerInput, { nullable: true, description: 'null: the key has no owner.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApiKeyOwnerInput)
  owner?: ApiKeyOwnerInput | null;
}

@ObjectType()
export class SetApiKeyOwnerPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
