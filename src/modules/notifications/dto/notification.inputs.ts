import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ONE_LINE, ONE_LINE_MESSAGE } from '../../../core/graphql/input-checks';
import { PageArgs } from '../../../core/graphql/pagination';
import { EmailRecipient } from '../email-recipient.entity';
import { DeliveryStatus, NotificationDelivery } from '../notification-delivery.entity';
import { NotificationEventType, SUBSCRIBABLE_EVENT_TYPES } from '../notification-event-type';
import { WebhookEndpoint } from '../webhook-endpoint.entity';

const EVENT_TYPES_MESSAGE = {
  each: true,
  message: `each event type must be one of ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
};

/** The event types a channel subscribes to. */
function EventTypesField(nullable: boolean): PropertyDecorator {
  return (target, property) => {
    Field(() => [NotificationEventType], {
      nullable,
      description: '1 to 10 event types (not TEST).',
    })(target, property);
    ArrayMinSize(1)(target, property);
    ArrayMaxSize(10)(target, property);
    ArrayUnique()(target, property);
    IsIn(SUBSCRIBABLE_EVENT_TYPES, EVENT_TYPES_MESSAGE)(target, property);
    if (nullable) IsOptional()(target, property);
  };
}

@InputType()
export class CreateWebhookEndpointInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field({ description: 'https:// (plain http only with ALLOW_PRIVATE_WEBHOOKS); 2048 at most.' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @EventTypesField(false)
  eventTypes!: NotificationEventType[];

  @Field({ nullable: true, defaultValue: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @EventTypesField(true)
  eventTypes?: NotificationEventType[];

  @Field({ nullable: true, description: 'true also clears a disabledReason.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@InputType()
export class RotateWebhookSecretInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 86_400,
    description: 'Seconds the previous secret still signs (0 to 604800; default a day).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  overlapSeconds?: number;
}

@InputType({ isAbstract: true })
abstract class IdInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@InputType()
export class DeleteWebhookEndpointInput extends IdInput {}

@InputType()
export class SendTestWebhookInput extends IdInput {}

@InputType()
export class DeleteEmailRecipientInput extends IdInput {}

@InputType()
export class RedeliverNotificationInput extends IdInput {}

@ObjectType()
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint)
  webhookEndpoint!: WebhookEndpoint;

  @Field({ description: 'The signing secret (whsec_…). Shown this once; store it now.' })
  secret!: string;
}

@ObjectType()
export class RotateWebhookSecretPayload extends CreateWebhookEndpointPayload {}

@ObjectType()
export class UpdateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint)
  webhookEndpoint!: WebhookEndpoint;
}

@ObjectType({ isAbstract: true })
abstract class DeletedPayload {
  @Field(() => ID, { description: 'The id of what was deleted.' })
  id!: string;
}

@ObjectType()
export class DeleteWebhookEndpointPayload extends DeletedPayload {}

@ObjectType()
export class DeleteEmailRecipientPayload extends DeletedPayload {}

@ObjectType({ isAbstract: true })
abstract class NotificationDeliveryPayload {
  @Field(() => NotificationDelivery)
  delivery!: NotificationDelivery;
}

@ObjectType()
export class SendTestWebhookPayload extends NotificationDeliveryPayload {}

@ObjectType()
export class RedeliverNotificationPayload extends NotificationDeliveryPayload {}

@InputType()
export class CreateEmailRecipientInput {
  @Field()
  @IsString()
  @MaxLength(63)
  environment!: string;

  @Field()
  @IsString()
  @MaxLength(254)
  @Matches(ONE_LINE, ONE_LINE_MESSAGE)
  @IsEmail({}, { message: 'address must be an email address' })
  address!: string;

  @Field({ nullable: true, description: 'Display name; one line, 100 characters at most.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(ONE_LINE, ONE_LINE_MESSAGE)
  name?: string;

  @EventTypesField(false)
  eventTypes!: NotificationEventType[];

  @Field({ nullable: true, defaultValue: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@InputType()
export class UpdateEmailRecipientInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(ONE_LINE, ONE_LINE_MESSAGE)
  name?: string;

  @EventTypesField(true)
  eventTypes?: NotificationEventType[];

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@ObjectType({ isAbstract: true })
abstract class EmailRecipientPayload {
  @Field(() => EmailRecipient)
  emailRecipient!: EmailRecipient;
}

@ObjectType()
export class CreateEmailRecipientPayload extends EmailRecipientPayload {}

@ObjectType()
export class UpdateEmailRecipientPayload extends EmailRecipientPayload {}

@ArgsType()
export class EnvironmentPageArgs extends PageArgs {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  environment!: string;
}

@ArgsType()
export class NotificationDeliveriesArgs extends EnvironmentPageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  recipientId?: string;

  @Field(() => DeliveryStatus, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(DeliveryStatus))
  status?: DeliveryStatus;
}
