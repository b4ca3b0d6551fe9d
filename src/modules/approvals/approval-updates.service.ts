import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { PubSub } from '../../core/pubsub/pub-sub';
import { settlesWithin } from '../../core/runtime/settles-within';
import { EnvironmentsService } from '../environments/environments.service';
import { EventStream } from '../realtime/event-stream';
import { ConfigApproval } from './config-approval.entity';
import { ApprovalUpdatedEvent } from './dto/approval.inputs';

/** The pub/sub channel of an environment's change-request updates. */
export function approvalsChannel(environmentId: string): string {
  return `approvals:${environmentId}`;
}

const SUBSCRIBE_WAIT_MS = 2000;

type ApprovalUpdateMessage = ApprovalUpdatedEvent & { environmentId: string };

/**
 * `approvalUpdated`: each change of an environment's change requests (requested, reviewed,
 * edited, cancelled, applied, …), published after commit to every instance. Best effort, as
 * the subscription's readers re-read the request itself (`approval`).
 */
@Injectable()
export class ApprovalUpdates {
  constructor(
    private readonly pubsub: PubSub,
    private readonly environments: EnvironmentsService,
  ) {}

  async publish(approval: ConfigApproval, event: string): Promise<void> {
    const message: ApprovalUpdateMessage = {
      environmentId: approval.environmentId,
      approvalId: approval.id,
      configKey: approval.configKey,
      status: approval.status,
      currentLevel: approval.currentLevel,
      event,
    };
    await this.pubsub.tryPublish(approvalsChannel(approval.environmentId), message);
  }

  async stream(actor: Actor, environmentKey: string): Promise<EventStream<ApprovalUpdatedEvent>> {
    const { id } = await this.environments.resolveForActor(actor, environmentKey);
    const stream = new EventStream<ApprovalUpdatedEvent>();
    const unsubscribe = this.pubsub.subscribe(approvalsChannel(id), (raw) => {
      const { environmentId: _environmentId, ...event } = raw as ApprovalUpdateMessage;
      stream.push(event);
    });
    // With the broker down, the subscription starts once it is back.
    unsubscribe.catch(() => undefined);
    stream.stop = () => void unsubscribe.then((stop) => stop()).catch(() => undefined);
    // Subscribed before the first message the caller may cause, unless the broker is down.
    await settlesWithin(unsubscribe, SUBSCRIBE_WAIT_MS).catch(() => false);
    return stream;
  }
}
