import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { AppError, ErrorCode } from '../../core/errors/app-error';
import { DeploymentsService } from '../deployments/deployments.service';
import { GuardService } from '../deployments/guard.service';
import { NotificationsService } from '../notifications/notifications.service';
import { AlertEvaluationRepository } from './alert-evaluation.repository';
import { AlertMeasures } from './alert-measures.service';
import { AlertMeasure, assess, describeCrossing } from './alert-metric.util';
import { alertNotification } from './alert-notification.util';
import { channelsOf, AlertRulesService } from './alert-rules.service';
import { AlertUpdates } from './alert-updates.service';
import { ConfigAlert } from './config-alert.entity';

/** Who opens and resolves events, in their `openedBy` and `resolvedBy`. */
export const ALERT_EVALUATOR = 'alert-evaluator';

/** What one evaluation run did. */
export interface EvaluationRun {
  /** Rules this run evaluated (claimed for its slot). */
  evaluated: number;
  opened: string[];
  resolved: string[];
  failed: number;
}

/**
 * Evaluates the enabled alert rules (docs/alerts.md): measures each over its window, opens
 * an event on a crossing (notifying the rule's channels and tripping the config's active
 * deployment when the rule guards deployments), and resolves an event after two evaluations
 * in a row without one. Safe with several evaluators at once: a rule is claimed per slot of
 * the interval, and a unique index admits one unresolved event per rule.
 */
@Injectable()
export class AlertEvaluator {
  private readonly logger = new Logger(AlertEvaluator.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: AlertRulesService,
    private readonly repository: AlertEvaluationRepository,
    private readonly measures: AlertMeasures,
    private readonly notifications: NotificationsService,
    private readonly deployments: DeploymentsService,
    private readonly guard: GuardService,
    private readonly updates: AlertUpdates,
    private readonly config: AppConfig,
  ) {}

  /** Evaluates every enabled rule as of `now`; one rule's failure stops no other. */
  async evaluateAll(now = Date.now()): Promise<EvaluationRun> {
    const slot = Math.floor(now / this.config.ALERT_EVALUATION_INTERVAL_MS);
    const run: EvaluationRun = { evaluated: 0, opened: [], resolved: [], failed: 0 };
    for (const alert of await this.rules.enabled()) {
      try {
        await this.evaluate(alert, now, slot, run);
      } catch (error) {
        run.failed += 1;
        this.logger.error({ err: error }, `Alert ${alert.id} (${alert.name}): evaluation failed`);
      }
    }
    if (run.opened.length > 0 || run.resolved.length > 0 || run.failed > 0) {
      this.logger.log(
        `Alerts evaluated: ${run.evaluated}; opened ${run.opened.length}, resolved ${run.resolved.length}, failed ${run.failed}`,
      );
    }
    return run;
  }

  private async evaluate(
    alert: ConfigAlert,
    now: number,
    slot: number,
    run: EvaluationRun,
  ): Promise<void> {
    if (!(await this.repository.claim(alert.id, slot))) return;
    run.evaluated += 1;
    const measured = await this.measures.measure(alert, now);
    await this.repository.recordMeasure(alert.id, measured, new Date(now));
    await this.retryTrip(alert);
    if (assess(alert, measured) === 'crossing') {
      if (await this.repository.noteCrossing(alert.id)) return;
      const opened = await this.open(alert, measured, now);
      if (opened) run.opened.push(opened);
      return;
    }
    const resolved = await this.repository.noteRecovery(alert.id, new Date(now), ALERT_EVALUATOR);
    if (resolved) run.resolved.push(resolved);
  }

  /**
   * Opens an event and, in the same transaction, writes its notifications; after commit,
   * trips the deployment, then queues the notifications (so they go out once the rollback
   * is done) and tells subscribers. Null when another evaluator opened one first, or the
   * cooldown holds.
   */
  private async open(
    alert: ConfigAlert,
    measured: AlertMeasure,
    now: number,
  ): Promise<string | null> {
    const value = measured.value!;
    const deployment =
      alert.guardsDeployments && alert.configKey !== null
        ? await this.deployments.findActive(alert.environmentId, alert.configKey)
        : null;
    const event = {
      id: randomUUID(),
      alertId: alert.id,
      value,
      sample: measured.sample,
      openedAt: new Date(now),
      openedBy: ALERT_EVALUATOR,
      deploymentId: deployment?.id ?? null,
    };
    const fired = { ...alert, environmentKey: alert.environment.key };
    const channels = channelsOf(alert);
    const deliveries = await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.open(manager, event))) return null;
      return this.notifications.record(
        manager,
        alertNotification(fired, { ...event, deployment }),
        {
          endpointIds: channels.webhookEndpointIds,
          recipientIds: channels.emailRecipientIds,
        },
      );
    });
    if (deliveries === null) return null;
    this.logger.warn(`Alert event ${event.id} opened: ${describeCrossing(alert, value)}`);
    if (deployment) await this.trip(alert, event.id, deployment.id, value);
    await this.notifications.dispatch(deliveries);
    await this.updates.announce({ environmentId: alert.environmentId, eventId: event.id });
    return event.id;
  }

  /** A trip that failed for a passing reason (the database, a race) is made again here. */
  private async retryTrip(alert: ConfigAlert): Promise<void> {
    const pending = await this.repository.pendingTrip(alert.id);
    if (!pending) return;
    await this.trip(alert, pending.id, pending.deploymentId, pending.value);
  }

  /**
   * Rolls the deployment back (or pauses it, per its onGuardTrip) through GuardService, with
   * a reason naming the rule and the event, which the deployment and its history keep.
   */
  private async trip(
    alert: ConfigAlert,
    eventId: string,
    deploymentId: string,
    value: number,
  ): Promise<void> {
    const reason = `alert "${alert.name}" fired: ${describeCrossing(alert, value)} (event ${eventId})`;
    let result: string;
    try {
      const tripped = await this.guard.trip(deploymentId, reason);
      result = tripped.status === 'rolled_back' ? 'rolled back' : tripped.status;
    } catch (error) {
      const ended =
        error instanceof AppError &&
        (error.code === ErrorCode.Conflict || error.code === ErrorCode.NotFound);
      if (!ended) {
        this.logger.warn(
          { err: error },
          `Alert event ${eventId}: tripping deployment ${deploymentId} failed; the next evaluation tries again`,
        );
        return;
      }
      result = `not tripped: ${error.message}`;
    }
    await this.repository.markTripped(eventId, result, new Date());
  }
}
