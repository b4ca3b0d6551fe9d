import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { isForeignKeyViolation } from '../../core/database/database-errors';
import { AppError, ValidationIssue } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { ConfigsService } from '../configs/configs.service';
import { Environment } from '../environments/environment.entity';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import { NotificationsService } from '../notifications/notifications.service';
import { AlertEventStatus, AlertSeverity } from './alert.enums';
import { alertRuleIssues, AlertRuleDraft } from './alert-rule.util';
import { UNRESOLVED_SQL } from './config-alert-event.entity';
import {
  ConfigAlert,
  ConfigAlertEmailRecipient,
  ConfigAlertWebhookEndpoint,
  MAX_ALERT_CHANNELS,
} from './config-alert.entity';
import { AlertsArgs, CreateAlertInput, UpdateAlertInput } from './dto/alert.inputs';

const DEFAULT_COOLDOWN_MINUTES = 30;

/** A rule's channels, as the links hold them. */
export interface AlertChannels {
  webhookEndpointIds: string[];
  emailRecipientIds: string[];
}

export function channelsOf(alert: ConfigAlert): AlertChannels {
  return {
    webhookEndpointIds: (alert.webhookEndpointLinks ?? []).map((link) => link.endpointId),
    emailRecipientIds: (alert.emailRecipientLinks ?? []).map((link) => link.recipientId),
  };
}

/** Alert rules: their checks, channels (links to the environment's endpoints and recipients). */
@Injectable()
export class AlertRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly configs: ConfigsService,
    private readonly notifications: NotificationsService,
  ) {}

  async create(actor: Actor, input: CreateAlertInput): Promise<ConfigAlert> {
    const environment = await this.environments.getForActor(actor, input.environment);
    const configKey = input.key ?? null;
    if (configKey !== null) await this.configs.get(actor, environment.key, configKey);
    const channels = {
      webhookEndpointIds: input.webhookEndpointIds ?? [],
      emailRecipientIds: input.emailRecipientIds ?? [],
    };
    await this.assertValid(environment, {
      configKey,
      condition: input.condition,
      threshold: input.threshold,
      guardsDeployments: input.guardsDeployments ?? false,
      ...channels,
    });
    const id = await this.write(channels, async (manager) => {
      const repository = manager.getRepository(ConfigAlert);
      const saved = await repository.save(
        repository.create({
          environmentId: environment.id,
          configKey,
          name: input.name,
          condition: input.condition,
          operator: input.operator,
          threshold: input.threshold,
          windowMinutes: input.windowMinutes,
          minimumSample: input.minimumSample ?? 0,
          cooldownMinutes: input.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES,
          severity: input.severity ?? AlertSeverity.WARNING,
          enabled: input.enabled ?? true,
          guardsDeployments: input.guardsDeployments ?? false,
          createdBy: actor.name,
          updatedBy: actor.name,
        }),
      );
      return saved.id;
    });
    return this.get(id);
  }

  /**
   * Changes the fields given (absent ones stay); `key: null` makes the rule environment-wide.
   * Turning a rule off resolves its unresolved event: nothing would ever resolve it.
   */
  async update(actor: Actor, input: UpdateAlertInput): Promise<ConfigAlert> {
    const alert = await this.getForActor(actor, input.id);
    const configKey = input.key === undefined ? alert.configKey : input.key;
    if (configKey !== null && configKey !== alert.configKey) {
      await this.configs.get(actor, alert.environment.key, configKey);
    }
    const current = channelsOf(alert);
    const channels = {
      webhookEndpointIds: input.webhookEndpointIds ?? current.webhookEndpointIds,
      emailRecipientIds: input.emailRecipientIds ?? current.emailRecipientIds,
    };
    const changed = {
      configKey,
      ...givenOf({
        name: input.name,
        condition: input.condition,
        operator: input.operator,
        threshold: input.threshold,
        windowMinutes: input.windowMinutes,
        minimumSample: input.minimumSample,
        cooldownMinutes: input.cooldownMinutes,
        severity: input.severity,
        enabled: input.enabled,
        guardsDeployments: input.guardsDeployments,
      }),
    };
    const next = { ...alert, ...changed };
    await this.assertValid(alert.environment, { ...next, ...channels });
    const relinked =
      input.webhookEndpointIds !== undefined || input.emailRecipientIds !== undefined;
    await this.write(relinked ? channels : null, async (manager) => {
      await manager
        .getRepository(ConfigAlert)
        .update(alert.id, { ...changed, updatedBy: actor.name });
      if (alert.enabled && next.enabled === false) {
        await manager.query(
          `UPDATE config_alert_event SET status = $2, resolved_at = now(), resolved_by = $3
           WHERE alert_id = $1 AND status IN ${UNRESOLVED_SQL}`,
          [alert.id, AlertEventStatus.RESOLVED, `${actor.name} (rule turned off)`],
        );
      }
      return alert.id;
    });
    return this.get(alert.id);
  }

  async delete(actor: Actor, id: string): Promise<string> {
    await this.getForActor(actor, id);
    await this.dataSource.getRepository(ConfigAlert).delete({ id });
    return id;
  }

  async list(actor: Actor, args: AlertsArgs): Promise<Connection<ConfigAlert>> {
    const environment = await this.environments.getForActor(actor, args.environment);
    const after = decodeCursor(args.after, isInstant);
    const query = this.withRelations('a')
      .where('a.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('a.createdAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(args.first + 1);
    if (args.key) query.andWhere('a.config_key = :key', { key: args.key });
    if (after) query.andWhere('(a.created_at, a.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (a) => ({ sort: a.createdAt.toISOString(), id: a.id }));
  }

  async getForActor(actor: Actor, id: string): Promise<ConfigAlert> {
    const alert = await this.get(id);
    assertEnvironmentScope(actor, alert.environment);
    return alert;
  }

  /** The rule with its environment and channels; NOT_FOUND when there is none. */
  async get(id: string): Promise<ConfigAlert> {
    const alert = await this.findById(id);
    if (!alert) throw AppError.notFound('Alert', { id });
    return alert;
  }

  findById(id: string): Promise<ConfigAlert | null> {
    return this.withRelations('a').where('a.id = :id', { id }).getOne();
  }

  /** Every enabled rule, with its environment and channels (the evaluator's). */
  enabled(): Promise<ConfigAlert[]> {
    return this.withRelations('a').where('a.enabled').orderBy('a.createdAt').getMany();
  }

  private withRelations(alias: string) {
    return this.dataSource
      .getRepository(ConfigAlert)
      .createQueryBuilder(alias)
      .leftJoinAndSelect(`${alias}.environment`, 'environment')
      .leftJoinAndSelect(`${alias}.webhookEndpointLinks`, 'endpoints')
      .leftJoinAndSelect(`${alias}.emailRecipientLinks`, 'recipients');
  }

  /**
   * Every problem at once: the rule's own (alertRuleIssues), and channels that are not the
   * environment's endpoints or recipients.
   */
  private async assertValid(environment: Environment, draft: AlertRuleDraft): Promise<void> {
    const issues = alertRuleIssues(draft, MAX_ALERT_CHANNELS);
    const foreign = await this.notifications.foreignChannels(environment.id, {
      endpointIds: [...draft.webhookEndpointIds],
      recipientIds: [...draft.emailRecipientIds],
    });
    issues.push(
      ...foreignIssues('webhookEndpointIds', draft.webhookEndpointIds, foreign.endpointIds, {
        what: 'webhook endpoint',
        environment: environment.key,
      }),
      ...foreignIssues('emailRecipientIds', draft.emailRecipientIds, foreign.recipientIds, {
        what: 'email recipient',
        environment: environment.key,
      }),
    );
    if (issues.length > 0) {
      throw AppError.badInput(
        `Invalid alert rule: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
  }

  /**
   * Runs `change` and, when `channels` is given, replaces the rule's links with them, in one
   * transaction. A channel deleted since it was checked fails the links' foreign key: the
   * whole write is undone and the caller told which list to look at.
   */
  private async write(
    channels: AlertChannels | null,
    change: (manager: EntityManager) => Promise<string>,
  ): Promise<string> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const id = await change(manager);
        if (channels) {
          await manager.delete(ConfigAlertWebhookEndpoint, { alertId: id });
          await manager.delete(ConfigAlertEmailRecipient, { alertId: id });
          await manager.insert(
            ConfigAlertWebhookEndpoint,
            channels.webhookEndpointIds.map((endpointId) => ({ alertId: id, endpointId })),
          );
          await manager.insert(
            ConfigAlertEmailRecipient,
            channels.emailRecipientIds.map((recipientId) => ({ alertId: id, recipientId })),
          );
        }
        return id;
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw AppError.badInput('A channel of the rule was deleted meanwhile', [
          {
            path: 'input.webhookEndpointIds',
            rule: 'exists',
            message: 'a webhook endpoint or email recipient named was deleted; list them again',
          },
        ]);
      }
      throw error;
    }
  }
}

function foreignIssues(
  field: string,
  ids: readonly string[],
  foreign: readonly string[],
  names: { what: string; environment: string },
): ValidationIssue[] {
  const refused = new Set(foreign);
  return ids.flatMap((id, index) =>
    refused.has(id)
      ? [
          {
            path: `input.${field}[${index}]`,
            rule: 'sameEnvironment',
            message: `${id} is not a ${names.what} of ${names.environment}`,
          },
        ]
      : [],
  );
}

/** The entries given: an absent or null field of an update leaves the rule's value. */
function givenOf<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value != null),
  ) as Partial<T>;
}
