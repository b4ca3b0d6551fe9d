import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { ONE_LINE, ONE_LINE_MESSAGE } from '../../../core/graphql/input-checks';
import { PageArgs } from '../../../core/graphql/pagination';
import { AlertCondition, AlertEventStatus, AlertOperator, AlertSeverity } from '../alert.enums';
import { thresholdProblem } from '../alert-rule.util';
import { ConfigAlertEvent } from '../config-alert-event.entity';
import { ConfigAlert, MAX_ALERT_CHANNELS, MAX_WINDOW_MINUTES } from '../config-alert.entity';

const FINITE = { allowNaN: false, allowInfinity: false };
/** Counts (sample, threshold) stay exact in a double and in PostgreSQL's integer. */
const MAX_COUNT = 1_000_000_000;

/**
 * The decorators of a rule's field: required in a creation unless `optional`, and always
 * optional in an update (absent: unchanged).
 */
function ruleField(
  optional: boolean,
  type: () => unknown,
  description: string | undefined,
  ...rules: PropertyDecorator[]
): PropertyDecorator {
  return applyDecorators(
    Field(type as () => typeof String, { nullable: optional, description }),
    ...(optional ? [IsOptional()] : []),
    ...rules,
  );
}

const NameField = (optional: boolean) =>
  ruleField(
    optional,
    () => String,
    'One line, 1 to 100 characters.',
    IsString(),
    MinLength(1),
    MaxLength(100),
    Matches(ONE_LINE, ONE_LINE_MESSAGE),
  );
const ConditionField = (optional: boolean) =>
  ruleField(optional, () => AlertCondition, undefined, IsIn(Object.values(AlertCondition)));
const OperatorField = (optional: boolean) =>
  ruleField(optional, () => AlertOperator, undefined, IsIn(Object.values(AlertOperator)));
/**
 * A threshold in its condition's range, when the input names the condition (an update that
 * does not is checked by the service against the rule's), so one answer lists every problem.
 */
const FitsCondition = () =>
  ValidateBy({
    name: 'range',
    validator: {
      validate: (value, args) => {
        const { condition } = args?.object as { condition?: AlertCondition };
        return (
          condition == null || typeof value !== 'number' || !thresholdProblem(condition, value)
        );
      },
      defaultMessage: (args) =>
        `threshold ${thresholdProblem((args?.object as { condition: AlertCondition }).condition, args?.value as number)}`,
    },
  });
const ThresholdField = (optional: boolean) =>
  ruleField(
    optional,
    () => Float,
    'From 0 to 1 for ERROR_RATE and USAGE_DROP (0.05 is 5%); at least 0 for FETCH_RATE (per minute) and VALIDATION_FAILURE (a count).',
    IsNumber(FINITE),
    Max(MAX_COUNT),
    FitsCondition(),
  );
const WindowField = (optional: boolean) =>
  ruleField(
    optional,
    () => Int,
    `1 to ${MAX_WINDOW_MINUTES} (7 days).`,
    IsInt(),
    Min(1),
    Max(MAX_WINDOW_MINUTES),
  );

/** The fields of a rule that are optional in a creation as in an update. */
@InputType({ isAbstract: true })
abstract class AlertOptionalFields {
  @Field(() => Int, { nullable: true, description: 'At least 0 (default 0).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  minimumSample?: number;

  @Field(() => Int, { nullable: true, description: `0 to ${MAX_WINDOW_MINUTES} (default 30).` })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_WINDOW_MINUTES)
  cooldownMinutes?: number;

  @Field(() => AlertSeverity, { nullable: true, description: 'Default WARNING.' })
  @IsOptional()
  @IsIn(Object.values(AlertSeverity))
  severity?: AlertSeverity;

  @Field(() => [ID], {
    nullable: true,
    description: `Webhook endpoints of the same environment; with emailRecipientIds at most ${MAX_ALERT_CHANNELS}.`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ALERT_CHANNELS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  webhookEndpointIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Email recipients of the same environment.' })
  @IsOptional()
  @ArrayMaxSize(MAX_ALERT_CHANNELS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  emailRecipientIds?: string[];

  @Field({ nullable: true, description: 'Default true.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @Field({
    nullable: true,
    description:
      "Default false. True: when it fires, the config's active deployment is tripped (needs a key).",
  })
  @IsOptional()
  @IsBoolean()
  guardsDeployments?: boolean;
}

@InputType()
export class CreateAlertInput extends AlertOptionalFields {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field(() => String, {
    nullable: true,
    description: "The config watched; absent or null: the environment's counters, all configs.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  key?: string | null;

  @NameField(false)
  name!: string;

  @ConditionField(false)
  condition!: AlertCondition;

  @OperatorField(false)
  operator!: AlertOperator;

  @ThresholdField(false)
  threshold!: number;

  @WindowField(false)
  windowMinutes!: number;
}

@InputType()
export class UpdateAlertInput extends AlertOptionalFields {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Absent: unchanged; null: the whole environment; a key: that config.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  key?: string | null;

  @NameField(true)
  name?: string;

  @ConditionField(true)
  condition?: AlertCondition;

  @OperatorField(true)
  operator?: AlertOperator;

  @ThresholdField(true)
  threshold?: number;

  @WindowField(true)
  windowMinutes?: number;
}

@InputType()
export class DeleteAlertInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@InputType()
export class AcknowledgeAlertEventInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true, description: '1000 characters at most.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

@ObjectType({ isAbstract: true })
abstract class AlertPayload {
  @Field(() => ConfigAlert)
  alert!: ConfigAlert;
}

@ObjectType()
export class CreateAlertPayload extends AlertPayload {}

@ObjectType()
export class UpdateAlertPayload extends AlertPayload {}

@ObjectType()
export class DeleteAlertPayload {
  @Field(() => ID, { description: 'The id of the rule deleted (its events went with it).' })
  id!: string;
}

@ObjectType()
export class AcknowledgeAlertEventPayload {
  @Field(() => ConfigAlertEvent)
  event!: ConfigAlertEvent;
}

@ArgsType()
export class AlertsArgs extends PageArgs {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  environment!: string;

  @Field(() => String, { nullable: true, description: "Only this config's rules." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  key?: string;
}

@ArgsType()
export class AlertEventsArgs extends AlertsArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  alertId?: string;

  @Field(() => AlertEventStatus, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(AlertEventStatus))
  status?: AlertEventStatus;
}

@ArgsType()
export class AlertTriggeredArgs {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  environment!: string;
}

@ArgsType()
export class AlertMetricSeriesArgs {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  environment!: string;

  @Field(() => String, { nullable: true, description: "Absent: the environment's counters." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  key?: string;

  @Field(() => AlertCondition)
  @IsIn(Object.values(AlertCondition))
  condition!: AlertCondition;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_MINUTES)
  windowMinutes!: number;

  @Field(() => AlertOperator, {
    nullable: true,
    description: 'With threshold: each point says whether it crosses.',
  })
  @IsOptional()
  @IsIn(Object.values(AlertOperator))
  operator?: AlertOperator;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber(FINITE)
  threshold?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  minimumSample?: number;
}

@ObjectType('AlertMetricPoint')
export class AlertMetricPoint {
  @Field({ description: "The end of the point's window." })
  at!: Date;

  @Field(() => Float, { nullable: true, description: 'Null: nothing to measure (no evaluations).' })
  value!: number | null;

  @Field(() => Float)
  sample!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'USAGE_DROP: the drop against the same window a week earlier, when there is data.',
  })
  weekEarlierValue!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the rule would fire here; null unless operator and threshold are given.',
  })
  crossing!: boolean | null;
}

@ObjectType('AlertMetricSeries', {
  description:
    'The metric of a would-be rule over the last 24 hours, as the evaluator computes it.',
})
export class AlertMetricSeries {
  @Field(() => AlertCondition)
  condition!: AlertCondition;

  @Field(() => Int)
  windowMinutes!: number;

  @Field(() => Int, { description: 'Minutes between two points.' })
  stepMinutes!: number;

  @Field(() => [AlertMetricPoint], { description: 'Oldest first.' })
  points!: AlertMetricPoint[];
}
