import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertMeasure } from './alert-metric.util';
import { UNRESOLVED_SQL } from './config-alert-event.entity';

/** Evaluations in a row that do not cross and resolve an event. */
export const RECOVERIES_TO_RESOLVE = 2;

/** What an event records of the crossing that opened it. */
export interface OpenedEvent {
  id: string;
  alertId: string;
  value: number;
  sample: number;
  openedAt: Date;
  openedBy: string;
  deploymentId: string | null;
}

/** The evaluator's statements on rules and their events; each guards against a racing evaluator. */
@Injectable()
export class AlertEvaluationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the rule's evaluation for this slot (time ÷ interval): false when another evaluator
   * (or an earlier run) already took this or a later one, so a rule is evaluated once per slot
   * and its recoveries are counted once each.
   */
  async claim(alertId: string, slot: number): Promise<boolean> {
    const [rows] = await this.dataSource.query(
      `UPDATE config_alert SET evaluated_slot = $2
       WHERE id = $1 AND enabled AND (evaluated_slot IS NULL OR evaluated_slot < $2)
       RETURNING id`,
      [alertId, slot],
    );
    return rows.length > 0;
  }

  async recordMeasure(alertId: string, measured: AlertMeasure, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE config_alert SET last_value = $2, last_sample = $3, last_evaluated_at = $4
       WHERE id = $1`,
      [alertId, measured.value, measured.sample, at],
    );
  }

  /**
   * Opens an event, unless the rule has an unresolved one or resolved one within its cooldown
   * (or was turned off meanwhile). Two evaluators racing past that check meet the unique
   * index on unresolved events: one inserts, the other gets false.
   */
  async open(manager: EntityManager, event: OpenedEvent): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO config_alert_event (id, alert_id, environment_id, config_key, alert_name,
         condition, operator, severity, value, threshold, window_minutes, sample, status,
         opened_at, opened_by, deployment_id)
       SELECT $1, a.id, a.environment_id, a.config_key, a.name, a.condition, a.operator,
         a.severity, $3, a.threshold, a.window_minutes, $4, 'open', $5, $6, $7
       FROM config_alert a
       WHERE a.id = $2 AND a.enabled AND NOT EXISTS (
         SELECT 1 FROM config_alert_event e WHERE e.alert_id = a.id
           AND (e.status IN ${UNRESOLVED_SQL}
             OR e.resolved_at > $5::timestamptz - make_interval(mins => a.cooldown_minutes)))
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        event.id,
        event.alertId,
        event.value,
        event.sample,
        event.openedAt,
        event.openedBy,
        event.deploymentId,
      ],
    );
    return rows.length > 0;
  }

  /** A crossing while the rule's event is unresolved: its recoveries start over. True if it has one. */
  async noteCrossing(alertId: string): Promise<boolean> {
    const [rows] = await this.dataSource.query(
      `UPDATE config_alert_event SET recovered_evaluations = 0
       WHERE alert_id = $1 AND status IN ${UNRESOLVED_SQL} RETURNING id`,
      [alertId],
    );
    return rows.length > 0;
  }

  /**
   * An evaluation that did not cross: the unresolved event's recoveries go up by one, and
   * reaching RECOVERIES_TO_RESOLVE resolves it. Returns the id of an event it resolved.
   */
  async noteRecovery(alertId: string, at: Date, by: string): Promise<string | null> {
    const [rows]: [{ id: string; status: string }[]] = await this.dataSource.query(
      `UPDATE config_alert_event SET recovered_evaluations = recovered_evaluations + 1,
         status = CASE WHEN recovered_evaluations + 1 >= $2 THEN 'resolved' ELSE status END,
         resolved_at = CASE WHEN recovered_evaluations + 1 >= $2 THEN $3::timestamptz END,
         resolved_by = CASE WHEN recovered_evaluations + 1 >= $2 THEN $4 END
       WHERE alert_id = $1 AND status IN ${UNRESOLVED_SQL}
       RETURNING id, status`,
      [alertId, RECOVERIES_TO_RESOLVE, at, by],
    );
    const [row] = rows;
    return row?.status === 'resolved' ? row.id : null;
  }

  /** The rule's unresolved event whose deployment trip is still to be made, if any. */
  async pendingTrip(
    alertId: string,
  ): Promise<{ id: string; deploymentId: string; value: number } | null> {
    const [row]: { id: string; deployment_id: string; value: number }[] =
      await this.dataSource.query(
        `SELECT id, deployment_id, value FROM config_alert_event
       WHERE alert_id = $1 AND status IN ${UNRESOLVED_SQL}
         AND deployment_id IS NOT NULL AND guard_tripped_at IS NULL`,
        [alertId],
      );
    return row ? { id: row.id, deploymentId: row.deployment_id, value: row.value } : null;
  }

  async markTripped(eventId: string, result: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE config_alert_event SET guard_tripped_at = $2, guard_result = $3
       WHERE id = $1 AND guard_tripped_at IS NULL`,
      [eventId, at, result],
    );
  }
}
