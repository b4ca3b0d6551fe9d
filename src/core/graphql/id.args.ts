import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

/**
 * The `id` argument of a query that reads one row (`alert(id:)`, `deployment(id:)`…). Ids are
 * UUIDs: any other text is refused as BAD_USER_INPUT at path `id`, like an `input.id`, rather
 * than reaching PostgreSQL, which fails on it.
 */
@ArgsType()
export class IdArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}
