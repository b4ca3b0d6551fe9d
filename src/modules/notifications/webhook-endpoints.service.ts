import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { settlesWithin } from '../../core/runtime/settles-within';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import { HostResolver } from './delivery/host-resolver';
import { assertRoomForChannel } from './channel-limit';
import { generateWebhookSecret } from './delivery/webhook-signature.util';
import {
  addressRefusal,
  ResolvedAddress,
  savedWebhookUrlRefusal,
} from './delivery/webhook-target.util';
import {
  CreateWebhookEndpointInput,
  EnvironmentPageArgs,
  RotateWebhookSecretInput,
  UpdateWebhookEndpointInput,
} from './dto/notification.inputs';
import { NotificationDelivery } from './notification-delivery.entity';
import { NotificationEventType } from './notification-event-type';
import { NotificationsService } from './notifications.service';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/** How long creating an endpoint waits for DNS to check where its host points. */
const RESOLVE_WAIT_MS = 3000;

/** Webhook endpoints: their URLs (checked against SSRF targets), secrets and subscriptions. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    private readonly environments: EnvironmentsService,
    private readonly notifications: NotificationsService,
    private readonly resolver: HostResolver,
    private readonly config: AppConfig,
  ) {}

  async create(
    actor: Actor,
    input: CreateWebhookEndpointInput,
  ): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    const environment = await this.environments.getForActor(actor, input.environment);
    await this.assertUrl(input.url);
    const secret = generateWebhookSecret();
    const saved = await this.endpoints.manager.transaction(async (manager) => {
      await assertRoomForChannel(manager, 'webhook_endpoint', environment.id);
      const repository = manager.getRepository(WebhookEndpoint);
      return repository.save(
        repository.create({
          environmentId: environment.id,
          url: input.url,
          description: input.description ?? '',
          eventTypes: input.eventTypes,
          enabled: input.enabled ?? true,
          secret,
        }),
      );
    });
    return { webhookEndpoint: await this.get(saved.id), secret };
  }

  async update(actor: Actor, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    const endpoint = await this.getForActor(actor, input.id);
    if (input.url != null) {
      await this.assertUrl(input.url);
      endpoint.url = input.url;
    }
    if (input.description != null) endpoint.description = input.description;
    if (input.eventTypes != null) endpoint.eventTypes = input.eventTypes;
    if (input.enabled != null) {
      endpoint.enabled = input.enabled;
      // Turned on by a person: it starts with a clean slate.
      if (input.enabled) Object.assign(endpoint, { disabledReason: null, failingSince: null });
    }
    await this.endpoints.save(endpoint);
    return this.get(endpoint.id);
  }

  /**
   * A new secret, shown once. The previous one keeps signing (a second signature in the
   * header) for `overlapSeconds`, so receivers can switch without losing a delivery.
   */
  async rotateSecret(
    actor: Actor,
    input: RotateWebhookSecretInput,
  ): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    await this.getForActor(actor, input.id);
    const current = await this.endpoints
      .createQueryBuilder('e')
      .addSelect('e.secret')
      .where('e.id = :id', { id: input.id })
      .getOneOrFail();
    const overlapSeconds = input.overlapSeconds ?? 86_400;
    const secret = generateWebhookSecret();
    await this.endpoints.update(input.id, {
      secret,
      previousSecret: overlapSeconds > 0 ? current.secret : null,
      previousSecretExpiresAt:
        overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null,
    });
    return { webhookEndpoint: await this.get(input.id), secret };
  }

  async delete(actor: Actor, id: string): Promise<string> {
    await this.getForActor(actor, id);
    await this.endpoints.delete({ id });
    return id;
  }

  async list(actor: Actor, args: EnvironmentPageArgs): Promise<Connection<WebhookEndpoint>> {
    const environment = await this.environments.getForActor(actor, args.environment);
    const after = decodeCursor(args.after, isInstant);
    const query = this.endpoints
      .createQueryBuilder('e')
      .leftJoinAndSelect('e.environment', 'environment')
      .where('e.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(args.first + 1);
    if (after) query.andWhere('(e.created_at, e.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (e) => ({ sort: e.createdAt.toISOString(), id: e.id }));
  }

  /** Sends a `webhook.test` event to this endpoint only; returns its delivery. */
  async sendTest(actor: Actor, id: string): Promise<NotificationDelivery> {
    const endpoint = await this.getForActor(actor, id);
    if (!endpoint.enabled) {
      throw AppError.conflict('The endpoint is disabled: enable it before testing it', { id });
    }
    const [deliveryId] = await this.notifications.notify(
      {
        id: `test.${randomUUID()}`,
        type: NotificationEventType.TEST,
        environmentId: endpoint.environmentId,
        occurredAt: new Date(),
        summary: `Test event for ${endpoint.url}`,
        data: { endpointId: endpoint.id },
      },
      { endpointIds: [endpoint.id] },
    );
    if (!deliveryId) throw AppError.conflict('The endpoint is disabled', { id });
    return this.notifications.getForActor(actor, deliveryId);
  }

  private async getForActor(actor: Actor, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id);
    assertEnvironmentScope(actor, endpoint.environment);
    return endpoint;
  }

  private async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findOne({
      where: { id },
      relations: { environment: true },
    });
    if (!endpoint) throw AppError.notFound('Webhook endpoint', { id });
    return endpoint;
  }

  /**
   * Refuses a URL that is not https, or names (or resolves to) a private address, unless
   * ALLOW_PRIVATE_WEBHOOKS. A host that does not resolve now is accepted: delivery checks
   * the address it connects to again, every time.
   */
  private async assertUrl(url: string): Promise<void> {
    const allowPrivate = this.config.ALLOW_PRIVATE_WEBHOOKS;
    let refusal = savedWebhookUrlRefusal(url, allowPrivate);
    if (!refusal && !allowPrivate) {
      const host = new URL(url).hostname;
      if (!isIP(host.replace(/^\[|\]$/g, ''))) {
        const resolving = this.resolver.resolve(host).catch((): ResolvedAddress[] => []);
        const addresses = (await settlesWithin(resolving, RESOLVE_WAIT_MS)) ? await resolving : [];
        const refused = addresses.map((a) => addressRefusal(a.address)).find(Boolean);
        if (refused) refusal = { rule: 'privateAddress', message: `${host}: ${refused}` };
      }
    }
    if (refusal) {
      throw AppError.badInput(`Invalid webhook URL: ${refusal.message}`, [
        { path: 'input.url', ...refusal },
      ]);
    }
  }
}
