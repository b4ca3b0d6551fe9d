import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { JobQueue } from '../../core/queue/job-queue';
import { settlesWithin } from '../../core/runtime/settles-within';
import type { ConfigChangedEvent } from '../configs/config-change-events';
import { Environment } from '../environments/environment.entity';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import { OutboxConsumer, OutboxRelay } from '../realtime/outbox-relay.service';
import { changeNotification } from './change-notification.util';
import { NotificationDeliveriesArgs } from './dto/notification.inputs';
import { deliveryJobId, DeliverNotificationJob } from './jobs/deliver-notification.job';
import { NotificationDelivery } from './notification-delivery.entity';
import { NotificationEvent, NotificationPayload, Notifier } from './notification-event-type';

/** How long notify and redeliver wait for the queue (Redis) before leaving it to the sweep. */
const QUEUE_WAIT_MS = 2000;

/** Which channels get an event, instead of those subscribed to its type (alert rules). */
export interface NotificationChannels {
  endpointIds?: string[];
  recipientIds?: string[];
}

/** A person to email about an event, besides the environment's channels. */
export interface PersonalAddress {
  address: string;
  name: string;
}

/**
 * The notifications other domains send: `notify` writes one delivery per (event, endpoint
 * or recipient) and queues it. Config changes and experiment transitions are notified from
 * the outbox relay, in the transaction that marks them relayed, so each is notified once.
 */
@Injectable()
export class NotificationsService implements OnModuleInit, OutboxConsumer, Notifier {
  private readonly logger = new Logger(NotificationsService.name);
  private readonly environmentKeys = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly environments: EnvironmentsService,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.relay.addConsumer(this);
  }

  /**
   * Notifies the enabled endpoints and recipients of the event's environment subscribed to
   * its type (or exactly `channels`, when given) and queues the deliveries. Idempotent by
   * event id. Returns the ids of the deliveries written.
   */
  async notify(
    event: NotificationEvent,
    channels?: NotificationChannels,
    people: PersonalAddress[] = [],
  ): Promise<string[]> {
    const ids = await this.dataSource.transaction(async (manager) => [
      ...(await this.record(manager, event, channels)),
      ...(await this.recordPersonal(manager, event, people)),
    ]);
    await this.dispatch(ids);
    return ids;
  }

  /**
   * notify's first half, inside the caller's transaction: writes the deliveries and returns
   * their ids for `dispatch` after commit (the sweep queues those never dispatched).
   */
  async record(
    manager: EntityManager,
    event: NotificationEvent,
    channels?: NotificationChannels,
  ): Promise<string[]> {
    const payload = await this.payloadOf(manager, event);
    const params = [event.environmentId, event.id, event.type, JSON.stringify(payload)];
    const insert = (table: string, channel: string, column: string, ids?: string[]) =>
      manager.query(
        `INSERT INTO notification_delivery
           (environment_id, event_id, event_type, payload, channel, ${column}, next_attempt_at)
         SELECT $1, $2, $3, $4::jsonb, '${channel}', t.id, now() FROM ${table} t
         WHERE t.environment_id = $1 AND t.enabled
           AND ${ids ? 't.id = ANY($5::uuid[])' : '$3 = ANY(t.event_types)'}
         ON CONFLICT DO NOTHING RETURNING id`,
        ids ? [...params, ids] : params,
      ) as Promise<{ id: string }[]>;
    const webhooks = await insert(
      'webhook_endpoint',
      'webhook',
      'endpoint_id',
      channels && (channels.endpointIds ?? []),
    );
    const emails = await insert(
      'email_recipient',
      'email',
      'recipient_id',
      channels && (channels.recipientIds ?? []),
    );
    return [...webhooks, ...emails].map((row) => row.id);
  }

  /**
   * The channels among these that are not the environment's endpoints or recipients (unknown
   * ids, or another environment's): what an alert rule must not name.
   */
  async foreignChannels(
    environmentId: string,
    channels: Required<NotificationChannels>,
  ): Promise<Required<NotificationChannels>> {
    const foreign = async (table: string, ids: string[]) => {
      if (ids.length === 0) return [];
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM ${table} WHERE environment_id = $1 AND id = ANY($2::uuid[])`,
        [environmentId, ids],
      );
      const known = new Set(rows.map((row) => row.id));
      return ids.filter((id) => !known.has(id));
    };
    return {
      endpointIds: await foreign('webhook_endpoint', channels.endpointIds),
      recipientIds: await foreign('email_recipient', channels.recipientIds),
    };
  }

  /**
   * Emails to people about an event (one per address), inside the caller's transaction:
   * none to an address that a recipient of the environment already gets this event at.
   */
  async recordPersonal(
    manager: EntityManager,
    event: NotificationEvent,
    people: PersonalAddress[],
  ): Promise<string[]> {
    if (people.length === 0) return [];
    const payload = await this.payloadOf(manager, event);
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO notification_delivery
         (environment_id, event_id, event_type, payload, channel, address, address_name, next_attempt_at)
       SELECT $1, $2, $3, $4::jsonb, 'email', p.address, p.name, now()
       FROM unnest($5::text[], $6::text[]) AS p(address, name)
       WHERE NOT EXISTS (SELECT 1 FROM notification_delivery d
         JOIN email_recipient r ON r.id = d.recipient_id
         WHERE d.event_id = $2 AND r.address = p.address)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        event.environmentId,
        event.id,
        event.type,
        JSON.stringify(payload),
        people.map((p) => p.address.toLowerCase()),
        people.map((p) => p.name),
      ],
    );
    return rows.map((row) => row.id);
  }

  /** The body an event's deliveries carry. */
  private async payloadOf(
    manager: EntityManager,
    event: NotificationEvent,
  ): Promise<NotificationPayload> {
    const environmentKey = await this.environmentKey(manager, event.environmentId);
    return {
      type: event.type,
      timestamp: event.occurredAt.toISOString(),
      data: {
        ...event.data,
        summary: event.summary,
        environment: environmentKey,
        ...(event.link ? { link: event.link } : {}),
      },
    };
  }

  /**
   * Queues the first attempt of each delivery. Waits at most QUEUE_WAIT_MS (Redis may be
   * unreachable: an add would wait for it); what is not queued by then, the sweep queues.
   */
  async dispatch(deliveryIds: string[]): Promise<void> {
    await this.enqueue(
      deliveryIds.map((id) => ({ id, jobId: deliveryJobId(id, 0) })),
      'notifications',
    );
  }

  private async enqueue(jobs: { id: string; jobId: string }[], what: string): Promise<void> {
    if (jobs.length === 0) return;
    const adding = (async () => {
      for (const { id, jobId } of jobs) {
        await this.queue.add(DeliverNotificationJob, { deliveryId: id }, { jobId });
      }
    })();
    const queued = adding.then(
      () => true,
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Could not queue ${what} (the sweep will): ${reason}`);
        return true;
      },
    );
    if (!(await settlesWithin(queued, QUEUE_WAIT_MS))) {
      this.logger.warn(`Queueing ${what} is waiting for Redis; the sweep sends them otherwise`);
    }
  }

  /**
   * OutboxConsumer: the relayed changes' notifications, written in the relay's transaction.
   * One query finds the environments with a channel at all; most batches stop there.
   */
  async consume(
    changes: ConfigChangedEvent[],
    manager: EntityManager,
  ): Promise<() => Promise<void>> {
    const environmentIds = [...new Set(changes.map((change) => change.environmentId))];
    const withChannels: { environment_id: string }[] = await manager.query(
      `SELECT environment_id FROM webhook_endpoint WHERE enabled AND environment_id = ANY($1::uuid[])
       UNION SELECT environment_id FROM email_recipient WHERE enabled AND environment_id = ANY($1::uuid[])`,
      [environmentIds],
    );
    const notified = new Set(withChannels.map((row) => row.environment_id));
    const ids: string[] = [];
    const now = new Date();
    for (const change of changes.filter((c) => notified.has(c.environmentId))) {
      const key = await this.environmentKey(manager, change.environmentId);
      ids.push(...(await this.record(manager, changeNotification(change, key, now))));
    }
    return () => this.dispatch(ids);
  }

  /** The delivery log of an environment, newest first. */
  async deliveries(
    actor: Actor,
    args: NotificationDeliveriesArgs,
  ): Promise<Connection<NotificationDelivery>> {
    const environment = await this.environments.getForActor(actor, args.environment);
    const after = decodeCursor(args.after, isInstant);
    const query = this.dataSource
      .getRepository(NotificationDelivery)
      .createQueryBuilder('d')
      .where('d.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(args.first + 1);
    if (args.endpointId) query.andWhere('d.endpoint_id = :endpointId', args);
    if (args.recipientId) query.andWhere('d.recipient_id = :recipientId', args);
    if (args.status) query.andWhere('d.status = :status', args);
    if (after) query.andWhere('(d.created_at, d.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (d) => ({ sort: d.createdAt.toISOString(), id: d.id }));
  }

  /**
   * Attempts a delivery again now, with the same webhook-id (receivers that already
   * processed it may drop it). A redelivery past the retry window is a single attempt.
   */
  async redeliver(actor: Actor, id: string): Promise<NotificationDelivery> {
    const delivery = await this.getForActor(actor, id);
    if (delivery.claimedUntil && delivery.claimedUntil > new Date()) {
      throw AppError.conflict('The delivery is being attempted right now', { id });
    }
    await this.dataSource.query(
      `UPDATE notification_delivery
       SET status = 'pending', next_attempt_at = now(), claimed_until = NULL WHERE id = $1`,
      [id],
    );
    await this.enqueue(
      [{ id, jobId: `${deliveryJobId(id, delivery.attempts)}.redeliver` }],
      'a redelivery',
    );
    return this.getForActor(actor, id);
  }

  async getForActor(actor: Actor, id: string): Promise<NotificationDelivery> {
    const delivery = await this.dataSource.getRepository(NotificationDelivery).findOneBy({ id });
    if (!delivery) throw AppError.notFound('Notification delivery', { id });
    const key = await this.environmentKey(this.dataSource.manager, delivery.environmentId);
    assertEnvironmentScope(actor, { id: delivery.environmentId, key });
    return delivery;
  }

  /** Read through the caller's manager: the relay's transaction may hold the only connection. */
  private async environmentKey(manager: EntityManager, environmentId: string): Promise<string> {
    let key = this.environmentKeys.get(environmentId);
    if (key === undefined) {
      const environment = await manager.getRepository(Environment).findOneBy({ id: environmentId });
      if (!environment) throw AppError.notFound('Environment', { id: environmentId });
      key = environment.key;
      this.environmentKeys.set(environmentId, key);
    }
    return key;
  }
}
