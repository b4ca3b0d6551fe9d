import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import { AlertEventStatus } from './alert.enums';
import { ConfigAlertEvent, UNRESOLVED_SQL } from './config-alert-event.entity';
import { AcknowledgeAlertEventInput, AlertEventsArgs } from './dto/alert.inputs';

/** Alert events as people see and handle them: the list, and acknowledging one. */
@Injectable()
export class AlertEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
  ) {}

  /** An environment's events, the most recently opened first. */
  async list(actor: Actor, args: AlertEventsArgs): Promise<Connection<ConfigAlertEvent>> {
    const environment = await this.environments.resolveForActor(actor, args.environment);
    const after = decodeCursor(args.after, isInstant);
    const query = this.repository
      .createQueryBuilder('e')
      .where('e.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('e.opened_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(args.first + 1);
    if (args.key) query.andWhere('e.config_key = :key', { key: args.key });
    if (args.alertId) query.andWhere('e.alert_id = :alertId', { alertId: args.alertId });
    if (args.status) query.andWhere('e.status = :status', { status: args.status });
    if (after) query.andWhere('(e.opened_at, e.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (e) => ({ sort: e.openedAt.toISOString(), id: e.id }));
  }

  /**
   * Someone is on it: an open event becomes acknowledged, with who, when and their comment.
   * It still resolves by itself once the rule recovers. CONFLICT when it is not open.
   */
  async acknowledge(actor: Actor, input: AcknowledgeAlertEventInput): Promise<ConfigAlertEvent> {
    await this.getForActor(actor, input.id);
    const [rows] = await this.dataSource.query(
      `UPDATE config_alert_event
       SET status = $2, acknowledged_at = now(), acknowledged_by = $3, comment = $4
       WHERE id = $1 AND status = $5 RETURNING id`,
      [
        input.id,
        AlertEventStatus.ACKNOWLEDGED,
        actor.name,
        input.comment ?? null,
        AlertEventStatus.OPEN,
      ],
    );
    const event = await this.getForActor(actor, input.id);
    if (rows.length === 0) {
      throw AppError.conflict(`Alert event ${input.id} is ${event.status}, not open`, {
        id: input.id,
        status: event.status.toUpperCase(),
      });
    }
    return event;
  }

  async getForActor(actor: Actor, id: string): Promise<ConfigAlertEvent> {
    const event = await this.repository.findOne({
      where: { id },
      relations: { environment: true },
    });
    if (!event) throw AppError.notFound('Alert event', { id });
    assertEnvironmentScope(actor, event.environment!);
    return event;
  }

  findById(id: string): Promise<ConfigAlertEvent | null> {
    return this.repository.findOneBy({ id });
  }

  /** The rule's open or acknowledged event, if it has one. */
  async unresolvedOf(alertId: string): Promise<ConfigAlertEvent | null> {
    return this.repository
      .createQueryBuilder('e')
      .where(`e.alert_id = :alertId AND e.status IN ${UNRESOLVED_SQL}`, { alertId })
      .getOne();
  }

  private get repository() {
    return this.dataSource.getRepository(ConfigAlertEvent);
  }
}
