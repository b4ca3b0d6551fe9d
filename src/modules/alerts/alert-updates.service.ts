import { Injectable, Logger } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { PubSub } from '../../core/pubsub/pub-sub';
import { settlesWithin } from '../../core/runtime/settles-within';
import { EnvironmentsService } from '../environments/environments.service';
import { EventStream } from '../realtime/event-stream';
import { AlertEventsService } from './alert-events.service';
import { ConfigAlertEvent } from './config-alert-event.entity';

/** The pub/sub channel on which the evaluator announces each event it opens. */
export const ALERT_EVENTS_CHANNEL = 'alert-events';

export interface AlertOpenedMessage {
  environmentId: string;
  eventId: string;
}

/** How long a new subscriber waits to be subscribed (the broker may be away) before going on. */
const SUBSCRIBE_WAIT_MS = 2000;

/**
 * `alertTriggered`: the events the evaluator opens, shared with every instance through
 * pub/sub and read from the database by each subscriber's instance. Best effort, like all
 * pub/sub here: a message lost in a broker outage is still in `alertEvents`.
 */
@Injectable()
export class AlertUpdates {
  private readonly logger = new Logger(AlertUpdates.name);

  constructor(
    private readonly pubsub: PubSub,
    private readonly environments: EnvironmentsService,
    private readonly events: AlertEventsService,
  ) {}

  async announce(message: AlertOpenedMessage): Promise<void> {
    await this.pubsub.tryPublish(ALERT_EVENTS_CHANNEL, message);
  }

  async stream(actor: Actor, environmentKey: string): Promise<EventStream<ConfigAlertEvent>> {
    const { id } = await this.environments.resolveForActor(actor, environmentKey);
    const stream = new EventStream<ConfigAlertEvent>();
    const subscribed = this.pubsub.subscribe(ALERT_EVENTS_CHANNEL, (raw) => {
      const message = raw as AlertOpenedMessage;
      if (message.environmentId !== id) return;
      this.events.findById(message.eventId).then(
        (event) => event && stream.push(event),
        (error: unknown) => this.logger.warn(`Alert event ${message.eventId}: ${String(error)}`),
      );
    });
    const settled = subscribed.catch(() => undefined);
    stream.stop = () => void settled.then((stop) => stop?.()).catch(() => undefined);
    await settlesWithin(settled, SUBSCRIBE_WAIT_MS);
    return stream;
  }
}
