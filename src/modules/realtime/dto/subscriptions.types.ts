import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { EvaluateArgs, EvaluationResultType } from '../../evaluation/dto/evaluation.types';
import { ChangeAction } from '../../history/config-change-log.entity';

@ObjectType('ConfigChangeEvent', { description: 'A change committed to a config.' })
export class ConfigChangeEventType {
  @Field(() => ID)
  configId!: string;

  @Field()
  key!: string;

  @Field(() => ChangeAction)
  action!: ChangeAction;

  @Field(() => Int, { description: 'The config version the change made.' })
  version!: number;

  @Field(() => Int, { description: 'The environment revision the change was given.' })
  revision!: number;
}

@ObjectType('EvaluationsUpdate', {
  description:
    'The full evaluated set for a context (full: true), or the results that changed for it.',
})
export class EvaluationsUpdateType {
  @Field(() => Int, {
    description: 'The environment revision these results reflect; reconnect with it.',
  })
  revision!: number;

  @Field()
  full!: boolean;

  @Field(() => [EvaluationResultType])
  results!: EvaluationResultType[];
}

@ArgsType()
export class ConfigChangedArgs {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => [String], { nullable: true, description: 'Only these keys; all when absent.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  keys?: string[];
}

@ArgsType()
export class EvaluationsChangedArgs extends EvaluateArgs {
  @Field(() => Int, {
    nullable: true,
    description:
      'The revision of the last message received: a reconnect then gets only what changed since.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  sinceRevision?: number;
}
