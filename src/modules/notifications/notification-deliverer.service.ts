import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { MetricsService } from '../../core/metrics/metrics.service';
import { emailMessage } from './delivery/email-message.util';
import { Mailer } from './delivery/mailer';
import { nextAttemptAt } from './delivery/retry-schedule.util';
import { AttemptOutcome, WebhookSender } from './delivery/webhook-sender';
import { signatureHeader } from './delivery/webhook-signature.util';
import { EmailRecipient } from './email-recipient.entity';
import { DeliveryChannel, NotificationDelivery } from './notification-delivery.entity';
import { NotificationEventType, NOTIFIER, Notifier } from './notification-event-type';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/** The retry a failed attempt asks for: attempt number `attempts + 1`, after `delayMs`. */
export interface NextAttempt {
  deliveryId: string;
  attempts: number;
  delayMs: number;
}

/** An outcome that ends the delivery without retries (its channel is off). */
type Outcome = AttemptOutcome & { final?: boolean };

interface ClaimedRow {
  id: string;
  channel: DeliveryChannel;
  endpoint_id: string | null;
  recipient_id: string | null;
  address: string | null;
  address_name: string | null;
  payload: NotificationDelivery['payload'];
  attempts: number;
  created_at: Date;
}

/**
 * Makes one attempt of a delivery. The attempt first claims the row (pending, and not
 * claimed by a live attempt), so two workers never send one delivery at once and a
 * delivery that succeeded is never sent again: the row, not the job, decides. A failed
 * attempt schedules the next one (exponential backoff with jitter over
 * NOTIFICATION_RETRY_WINDOW_MS); an endpoint failing for WEBHOOK_DISABLE_AFTER_MS is
 * disabled, and the environment notified of it.
 */
@Injectable()
export class NotificationDeliverer {
  private readonly logger = new Logger(NotificationDeliverer.name);
  private readonly attempts: Counter<'channel' | 'outcome'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sender: WebhookSender,
    private readonly mailer: Mailer,
    @Inject(NOTIFIER) private readonly notifications: Notifier,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.attempts = new Counter({
      name: 'notification_delivery_attempts_total',
      help: 'Notification delivery attempts by channel and outcome: succeeded, retrying, failed (given up)',
      labelNames: ['channel', 'outcome'],
      registers: [metrics.registry],
    });
  }

  /**
   * Makes the attempt, if the delivery is still due and nobody else is making one; returns
   * when to try again (after a failure within the retry window), for the caller to queue.
   */
  async attempt(deliveryId: string): Promise<NextAttempt | null> {
    const claimed = await this.claim(deliveryId);
    if (!claimed) return null;
    const outcome =
      claimed.channel === DeliveryChannel.WEBHOOK
        ? await this.sendWebhook(claimed)
        : await this.sendEmail(claimed);
    return this.record(claimed, outcome);
  }

  /** Deliveries due but not being attempted: their queued attempt was lost, or never queued. */
  async due(limit: number): Promise<{ id: string; attempts: number }[]> {
    return this.dataSource.query(
      `SELECT id, attempts FROM notification_delivery
       WHERE status = 'pending' AND next_attempt_at <= now()
         AND (claimed_until IS NULL OR claimed_until < now())
       ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
  }

  /**
   * Long enough for an attempt to end (webhooks are bounded by WEBHOOK_TIMEOUT_MS, SMTP by
   * its connection, greeting and idle timeouts); then a dead attempt's row is free again.
   */
  private get claimMs(): number {
    return this.config.WEBHOOK_TIMEOUT_MS * 4 + 30_000;
  }

  private async claim(id: string): Promise<ClaimedRow | undefined> {
    const [rows]: [ClaimedRow[], number] = await this.dataSource.query(
      `UPDATE notification_delivery
       SET claimed_until = now() + make_interval(secs => $2::double precision / 1000)
       WHERE id = $1 AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < now())
       RETURNING id, channel, endpoint_id, recipient_id, address, address_name, payload, attempts,
         created_at`,
      [id, this.claimMs],
    );
    return rows[0];
  }

  private async sendWebhook(delivery: ClaimedRow): Promise<Outcome> {
    const endpoint = await this.dataSource
      .getRepository(WebhookEndpoint)
      .createQueryBuilder('e')
      .addSelect(['e.secret', 'e.previousSecret'])
      .where('e.id = :id', { id: delivery.endpoint_id })
      .getOne();
    if (!endpoint?.enabled) return offOutcome('The endpoint is disabled');
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt! > new Date()) {
      secrets.push(endpoint.previousSecret);
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = new Date();
    return this.sender.send({
      url: endpoint.url,
      body,
      headers: {
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signatureHeader(secrets, delivery.id, timestamp, body),
      },
    });
  }

  private async sendEmail(delivery: ClaimedRow): Promise<Outcome> {
    const to = await this.emailTarget(delivery);
    if (!to) return offOutcome('The recipient is disabled');
    const started = performance.now();
    try {
      const message = emailMessage(delivery.payload, this.config.PUBLIC_URL);
      await this.mailer.send({
        ...message,
        to,
        messageId: `<${delivery.id}@business-config>`,
      });
      return { ok: true, responseCode: null, latencyMs: elapsed(started), error: null };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, responseCode: null, latencyMs: elapsed(started), error: reason };
    }
  }

  /** Where an email goes: its recipient's address (null once disabled), or its own person's. */
  private async emailTarget(
    delivery: ClaimedRow,
  ): Promise<{ address: string; name: string } | null> {
    if (delivery.address) return { address: delivery.address, name: delivery.address_name ?? '' };
    const recipient = await this.dataSource
      .getRepository(EmailRecipient)
      .findOneBy({ id: delivery.recipient_id! });
    return recipient?.enabled ? { address: recipient.address, name: recipient.name } : null;
  }

  private async record(delivery: ClaimedRow, outcome: Outcome): Promise<NextAttempt | null> {
    const attempts = delivery.attempts + 1;
    const now = new Date();
    const next =
      outcome.ok || outcome.final
        ? null
        : nextAttemptAt(attempts, delivery.created_at, now, {
            baseMs: this.config.NOTIFICATION_RETRY_BASE_MS,
            windowMs: this.config.NOTIFICATION_RETRY_WINDOW_MS,
          });
    const status = outcome.ok ? 'succeeded' : next ? 'pending' : 'failed';
    this.attempts.inc({
      channel: delivery.channel,
      outcome: status === 'pending' ? 'retrying' : status,
    });
    await this.dataSource.query(
      `UPDATE notification_delivery
       SET status = $2, attempts = $3, response_code = $4, latency_ms = $5, last_error = $6,
           next_attempt_at = $7, claimed_until = NULL,
           delivered_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE delivered_at END
       WHERE id = $1`,
      [delivery.id, status, attempts, outcome.responseCode, outcome.latencyMs, outcome.error, next],
    );
    if (delivery.endpoint_id && !outcome.final) {
      await this.trackEndpoint(delivery.endpoint_id, outcome);
    }
    return next && { deliveryId: delivery.id, attempts, delayMs: next.getTime() - now.getTime() };
  }

  /** Remembers since when an endpoint fails, and disables it once that is too long ago. */
  private async trackEndpoint(endpointId: string, outcome: Outcome): Promise<void> {
    if (outcome.ok) {
      await this.dataSource.query(
        'UPDATE webhook_endpoint SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL',
        [endpointId],
      );
      return;
    }
    const [[failing]]: [{ since: Date; overdue: boolean }[], number] = await this.dataSource.query(
      `UPDATE webhook_endpoint SET failing_since = COALESCE(failing_since, now()) WHERE id = $1
       RETURNING failing_since AS since,
         failing_since <= now() - make_interval(secs => $2::double precision / 1000) AS overdue`,
      [endpointId, this.config.WEBHOOK_DISABLE_AFTER_MS],
    );
    if (!failing?.overdue) return;
    const reason = `Every delivery failed since ${failing.since.toISOString()}: ${outcome.error}`;
    const [[endpoint]]: [{ id: string; environmentId: string; url: string }[], number] =
      await this.dataSource.query(
        `UPDATE webhook_endpoint SET enabled = false, disabled_reason = $2
         WHERE id = $1 AND enabled RETURNING id, environment_id AS "environmentId", url`,
        [endpointId, reason],
      );
    // Another attempt disabled it first.
    if (!endpoint) return;
    this.logger.warn(`Webhook endpoint ${endpoint.id} disabled: ${reason}`);
    await this.notifications.notify({
      id: `webhook-disabled.${endpoint.id}.${randomUUID()}`,
      type: NotificationEventType.WEBHOOK_DISABLED,
      environmentId: endpoint.environmentId,
      occurredAt: new Date(),
      summary: `Webhook endpoint ${endpoint.url} was disabled after failing`,
      data: { endpointId: endpoint.id, url: endpoint.url, reason },
    });
  }
}

function offOutcome(error: string): Outcome {
  return { ok: false, responseCode: null, latencyMs: 0, error, final: true };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
