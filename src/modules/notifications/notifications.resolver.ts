import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { ConnectionType } from '../../core/graphql/pagination';
import {
  CreateEmailRecipientInput,
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteEmailRecipientInput,
  DeleteEmailRecipientPayload,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  CreateEmailRecipientPayload,
  UpdateEmailRecipientPayload,
  EnvironmentPageArgs,
  NotificationDeliveriesArgs,
  RedeliverNotificationPayload,
  SendTestWebhookPayload,
  RedeliverNotificationInput,
  RotateWebhookSecretInput,
  RotateWebhookSecretPayload,
  SendTestWebhookInput,
  UpdateEmailRecipientInput,
  UpdateWebhookEndpointInput,
  UpdateWebhookEndpointPayload,
} from './dto/notification.inputs';
import { EmailRecipient } from './email-recipient.entity';
import { EmailRecipientsService } from './email-recipients.service';
import { NotificationDelivery } from './notification-delivery.entity';
import { NotificationsService } from './notifications.service';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';

export const WebhookEndpointConnection = ConnectionType(WebhookEndpoint, 'WebhookEndpoint');
export const EmailRecipientConnection = ConnectionType(EmailRecipient, 'EmailRecipient');
export const NotificationDeliveryConnection = ConnectionType(
  NotificationDelivery,
  'NotificationDelivery',
);

/** Webhook endpoints, email recipients and the delivery log: editors and admins only. */
@Resolver()
export class NotificationsResolver {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly recipients: EmailRecipientsService,
    private readonly notifications: NotificationsService,
  ) {}

  @Query(() => WebhookEndpointConnection, { description: 'Newest first.' })
  @Allow(Role.EDITOR)
  webhookEndpoints(@CurrentActor() actor: Actor, @Args() args: EnvironmentPageArgs) {
    return this.endpoints.list(actor, args);
  }

  @Mutation(() => CreateWebhookEndpointPayload)
  @Allow(Role.EDITOR)
  createWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateWebhookEndpointInput,
  ): Promise<CreateWebhookEndpointPayload> {
    return this.endpoints.create(actor, input);
  }

  @Mutation(() => UpdateWebhookEndpointPayload)
  @Allow(Role.EDITOR)
  async updateWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateWebhookEndpointInput,
  ): Promise<UpdateWebhookEndpointPayload> {
    return { webhookEndpoint: await this.endpoints.update(actor, input) };
  }

  @Mutation(() => RotateWebhookSecretPayload)
  @Allow(Role.EDITOR)
  rotateWebhookSecret(
    @CurrentActor() actor: Actor,
    @Args('input') input: RotateWebhookSecretInput,
  ): Promise<RotateWebhookSecretPayload> {
    return this.endpoints.rotateSecret(actor, input);
  }

  @Mutation(() => DeleteWebhookEndpointPayload, {
    description: 'Deletes the endpoint and its delivery log.',
  })
  @Allow(Role.EDITOR)
  async deleteWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input') input: DeleteWebhookEndpointInput,
  ): Promise<DeleteWebhookEndpointPayload> {
    return { id: await this.endpoints.delete(actor, input.id) };
  }

  @Mutation(() => SendTestWebhookPayload, {
    description: 'Sends a webhook.test event to the endpoint; returns its delivery.',
  })
  @Allow(Role.EDITOR)
  async sendTestWebhook(
    @CurrentActor() actor: Actor,
    @Args('input') input: SendTestWebhookInput,
  ): Promise<SendTestWebhookPayload> {
    return { delivery: await this.endpoints.sendTest(actor, input.id) };
  }

  @Query(() => EmailRecipientConnection, { description: 'Newest first.' })
  @Allow(Role.EDITOR)
  emailRecipients(@CurrentActor() actor: Actor, @Args() args: EnvironmentPageArgs) {
    return this.recipients.list(actor, args);
  }

  @Mutation(() => CreateEmailRecipientPayload)
  @Allow(Role.EDITOR)
  async createEmailRecipient(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateEmailRecipientInput,
  ): Promise<CreateEmailRecipientPayload> {
    return { emailRecipient: await this.recipients.create(actor, input) };
  }

  @Mutation(() => UpdateEmailRecipientPayload)
  @Allow(Role.EDITOR)
  async updateEmailRecipient(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateEmailRecipientInput,
  ): Promise<UpdateEmailRecipientPayload> {
    return { emailRecipient: await this.recipients.update(actor, input) };
  }

  @Mutation(() => DeleteEmailRecipientPayload, {
    description: 'Deletes the recipient and its delivery log.',
  })
  @Allow(Role.EDITOR)
  async deleteEmailRecipient(
    @CurrentActor() actor: Actor,
    @Args('input') input: DeleteEmailRecipientInput,
  ): Promise<DeleteEmailRecipientPayload> {
    return { id: await this.recipients.delete(actor, input.id) };
  }

  @Query(() => NotificationDeliveryConnection, {
    description: 'The delivery log of an environment, newest first.',
  })
  @Allow(Role.EDITOR)
  notificationDeliveries(@CurrentActor() actor: Actor, @Args() args: NotificationDeliveriesArgs) {
    return this.notifications.deliveries(actor, args);
  }

  @Mutation(() => RedeliverNotificationPayload, {
    description: 'Attempts a delivery again now, with the same webhook-id.',
  })
  @Allow(Role.EDITOR)
  async redeliverNotification(
    @CurrentActor() actor: Actor,
    @Args('input') input: RedeliverNotificationInput,
  ): Promise<RedeliverNotificationPayload> {
    return { delivery: await this.notifications.redeliver(actor, input.id) };
  }
}
