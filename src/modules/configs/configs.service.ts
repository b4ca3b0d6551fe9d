import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import {
  Connection,
  decodeCursor,
  isInstant,
  PageArgs,
  toConnection,
} from '../../core/graphql/pagination';
import { CONFIG_DEFAULTS, ConfigState, ValidationIssue } from '../../engine/config-state';
import { validateConfigState } from '../../engine/validate';
import { isPlainObject } from '../../engine/validate/issues';
import { EnvironmentIdentity, EnvironmentsService } from '../environments/environments.service';
import { ChangeAction } from '../history/config-change-log.entity';
import { HistoryService } from '../history/history.service';
import { BusinessConfig } from './business-config.entity';
import { ConfigChangeService } from './config-change.service';
import { toConfigState } from './config-state.mapper';
import {
  ConfigFieldsInput,
  ConfigStateChangeInput,
  CreateConfigInput,
  RollbackConfigInput,
  UpdateConfigInput,
  ValidateConfigInput,
} from './dto/config.inputs';
import {
  ConfigFilter,
  ConfigOrder,
  ConfigOrderField,
  DEFAULT_CONFIG_ORDER,
  OrderDirection,
} from './dto/configs.args';

const FIELDS = [
  'description',
  'value',
  'defaultValue',
  'targetingRules',
  'rolloutPercentage',
  'stickiness',
  'minValue',
  'maxValue',
  'minLength',
  'maxLength',
  'pattern',
  'allowedValues',
  'validationSchema',
  'deploymentStrategy',
  'deploymentConfig',
] as const;

const MICROSECOND_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * How the list sorts by each field. A cursor holds the sort value exactly as stored:
 * timestamps to the microsecond PostgreSQL keeps, which a JavaScript Date would round.
 */
const SORTS: Record<
  ConfigOrderField,
  { column: string; type: string; cursorValue: string; isValid(sort: string): boolean }
> = {
  [ConfigOrderField.KEY]: {
    column: 'c.key',
    type: 'text',
    // An expression, not the property path `c.key`, which TypeORM would take off the entity.
    cursorValue: 'c.key::text',
    isValid: () => true,
  },
  [ConfigOrderField.UPDATED_AT]: {
    column: 'c.updated_at',
    type: 'timestamptz',
    cursorValue: `to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    isValid: (sort) => MICROSECOND_ISO.test(sort) && isInstant(sort),
  },
};

@Injectable()
export class ConfigsService {
  constructor(
    @InjectRepository(BusinessConfig) private readonly configs: Repository<BusinessConfig>,
    private readonly environments: EnvironmentsService,
    private readonly history: HistoryService,
    private readonly changes: ConfigChangeService,
  ) {}

  /** The stored config with this id, if it still exists. */
  findById(id: string): Promise<BusinessConfig | null> {
    return this.configs.findOneBy({ id });
  }

  /** The environment's configs that are not archived, by key (staleConfigs reads them all). */
  activeIn(environmentId: string): Promise<BusinessConfig[]> {
    return this.configs.find({
      where: { environmentId, archivedAt: IsNull() },
      order: { key: 'ASC' },
    });
  }

  async get(actor: Actor, environmentKey: string, key: string): Promise<BusinessConfig> {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    return this.find(environment, key);
  }

  async list(
    actor: Actor,
    environmentKey: string,
    filter: ConfigFilter,
    page: PageArgs,
    order: ConfigOrder = DEFAULT_CONFIG_ORDER,
  ): Promise<Connection<BusinessConfig>> {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    const sort = SORTS[order.field];
    const tag = `${order.field}_${order.direction}`;
    const after = decodeCursor(page.after, sort.isValid, tag);
    const query = this.configs
      .createQueryBuilder('c')
      .addSelect(sort.cursorValue, 'cursor_sort')
      .where('c.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy(sort.column, order.direction)
      .addOrderBy('c.id', order.direction)
      .limit(page.first + 1);
    if (after) {
      const past = order.direction === OrderDirection.ASC ? '>' : '<';
      query.andWhere(`(${sort.column}, c.id) ${past} (:sort::${sort.type}, :id::uuid)`, after);
    }
    if (filter.keyPrefix)
      query.andWhere('starts_with(c.key, :prefix)', { prefix: filter.keyPrefix });
    if (filter.search) {
      query.andWhere(
        "(c.key ILIKE :search ESCAPE '\\' OR c.description ILIKE :search ESCAPE '\\')",
        {
          search: `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        },
      );
    }
    if (filter.valueType)
      query.andWhere('c.value_type = :valueType', { valueType: filter.valueType });
    if (filter.archived !== undefined) {
      query.andWhere(filter.archived ? 'c.archived_at IS NOT NULL' : 'c.archived_at IS NULL');
    }
    const { entities, raw } = await query.getRawAndEntities<{ cursor_sort: string }>();
    const sortOf = new Map(entities.map((c, i) => [c, raw[i].cursor_sort]));
    return toConnection(entities, page.first, (c) => ({
      sort: sortOf.get(c)!,
      id: c.id,
      order: tag,
    }));
  }

  async create(actor: Actor, input: CreateConfigInput): Promise<BusinessConfig> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const next = draft(input, {
      ...CONFIG_DEFAULTS,
      key: input.key,
      valueType: input.valueType,
      value: undefined,
      defaultValue: undefined,
    });
    const { config } = await this.changes.commit({
      environmentId: environment.id,
      action: ChangeAction.CREATE,
      key: input.key,
      next,
      author: actor,
      comment: input.comment,
    });
    return config!;
  }

  async update(actor: Actor, input: UpdateConfigInput): Promise<BusinessConfig> {
    const { environment, current } = await this.load(
      actor,
      input.environment,
      input.key,
      input.expectedVersion,
    );
    return this.commit(
      environment,
      current,
      ChangeAction.UPDATE,
      draft(input, toConfigState(current)),
      actor,
      input,
    );
  }

  async archive(actor: Actor, input: ConfigStateChangeInput): Promise<BusinessConfig> {
    const { environment, current } = await this.load(
      actor,
      input.environment,
      input.key,
      input.expectedVersion,
    );
    if (current.archivedAt) return current;
    return this.commit(
      environment,
      current,
      ChangeAction.ARCHIVE,
      { ...toConfigState(current), archived: true },
      actor,
      input,
    );
  }

  async unarchive(actor: Actor, input: ConfigStateChangeInput): Promise<BusinessConfig> {
    const { environment, current } = await this.load(
      actor,
      input.environment,
      input.key,
      input.expectedVersion,
    );
    if (!current.archivedAt) return current;
    return this.commit(
      environment,
      current,
      ChangeAction.UNARCHIVE,
      { ...toConfigState(current), archived: false },
      actor,
      input,
    );
  }

  /** Deletes an archived config; its history stays. */
  async delete(actor: Actor, input: ConfigStateChangeInput): Promise<string> {
    const { environment, current } = await this.load(
      actor,
      input.environment,
      input.key,
      input.expectedVersion,
    );
    if (!current.archivedAt) {
      throw AppError.conflict(`Config "${input.key}" must be archived before it can be deleted`, {
        key: input.key,
      });
    }
    await this.changes.commit({
      environmentId: environment.id,
      action: ChangeAction.DELETE,
      key: current.key,
      current: { id: current.id, version: current.version, state: toConfigState(current) },
      next: null,
      author: actor,
      comment: input.comment,
    });
    return current.id;
  }

  /**
   * Restores what an earlier version served (value, default, rules, rollout, stickiness,
   * description, deployment defaults) as a new version. Today's type and constraints stay
   * and judge it, so a rollback cannot bring back a value a tightened constraint now
   * forbids; the archived flag stays too (archiving has its own actions).
   */
  async rollback(actor: Actor, input: RollbackConfigInput): Promise<BusinessConfig> {
    const { environment, current } = await this.load(
      actor,
      input.environment,
      input.key,
      input.expectedVersion,
    );
    if (input.toVersion >= current.version) {
      throw AppError.badInput(
        `toVersion must be earlier than the current version ${current.version}`,
        [
          {
            path: 'toVersion',
            rule: 'earlierVersion',
            message: `must be less than ${current.version}`,
          },
        ],
      );
    }
    const recorded = await this.history.findVersion(current.id, input.toVersion);
    if (!recorded?.after) {
      throw AppError.notFound(`Version ${input.toVersion} of config "${input.key}"`, {
        key: input.key,
        version: input.toVersion,
      });
    }
    const today = toConfigState(current);
    const then = recorded.after as unknown as ConfigState;
    const restored: ConfigState = { ...today };
    for (const field of RESTORED_BY_ROLLBACK) Object.assign(restored, { [field]: then[field] });
    return this.commit(environment, current, ChangeAction.ROLLBACK, restored, actor, input);
  }

  /** The checks a save would run, without saving: as a create for a new key, else as an update. */
  async validate(actor: Actor, input: ValidateConfigInput): Promise<ValidationIssue[]> {
    return validateConfigState((await this.draftState(actor, input)).state);
  }

  /**
   * An unsaved state: the input over the stored config of that key, or over the defaults
   * for a new key. `version` is the stored one (0 for a new key).
   */
  async draftState(
    actor: Actor,
    input: ValidateConfigInput,
  ): Promise<{ state: ConfigState; version: number }> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const current = await this.configs.findOneBy({ environmentId: environment.id, key: input.key });
    const base: ConfigState = current
      ? toConfigState(current)
      : {
          ...CONFIG_DEFAULTS,
          key: input.key,
          valueType: input.valueType!,
          value: undefined,
          defaultValue: undefined,
        };
    return { state: draft(input, base), version: current?.version ?? 0 };
  }

  private async load(
    actor: Actor,
    environmentKey: string,
    key: string,
    expectedVersion: number | undefined,
  ) {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    const current = await this.find(environment, key);
    await this.assertNoRunningExperiment(current);
    await this.assertNoActiveDeployment(current);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw AppError.conflict(
        `Config "${key}" changed since version ${expectedVersion}; it is now at version ${current.version}`,
        { key, expectedVersion, currentVersion: current.version },
      );
    }
    return { environment, current };
  }

  /**
   * DESIGN.md's checks on a write: a config whose experiment is running is not edited (its
   * variants replace its value for the subjects they hold); after role and scope, before
   * `expectedVersion`. Pausing or completing the experiment frees it.
   */
  async assertNoRunningExperiment(
    config: BusinessConfig,
    before = 'changing the config',
  ): Promise<void> {
    const [running] = await this.configs.manager.query(
      `SELECT key FROM experiment WHERE config_id = $1 AND status = 'running' LIMIT 1`,
      [config.id],
    );
    if (running) {
      throw AppError.conflict(
        `Config "${config.key}" has a running experiment "${running.key}"; pause or complete it before ${before}`,
        { key: config.key, experimentKey: running.key },
      );
    }
  }

  /**
   * Likewise for an active deployment (pending, in progress or paused): its candidate is
   * served to a share of subjects and becomes the state on completion, so an edit meanwhile
   * would be lost or mixed in. Completing or rolling it back frees the config.
   */
  async assertNoActiveDeployment(
    config: BusinessConfig,
    before = 'changing the config',
  ): Promise<void> {
    const [active] = await this.configs.manager.query(
      `SELECT id, status FROM config_deployment
       WHERE config_id = $1 AND status IN ('pending', 'in_progress', 'paused') LIMIT 1`,
      [config.id],
    );
    if (active) {
      throw AppError.conflict(
        `Config "${config.key}" has an active deployment ${active.id} (${active.status}); complete or roll it back before ${before}`,
        { key: config.key, deploymentId: active.id },
      );
    }
  }

  /**
   * A start that lost the race for the config's exclusive activity (a unique violation on
   * `config_exclusive_activity`): CONFLICT naming the experiment or deployment that won, read
   * again now that it has committed — or, if it has already ended, saying to try again.
   */
  async refuseTaken(
    config: BusinessConfig,
    before: { experiment: string; deployment: string },
  ): Promise<never> {
    await this.assertNoRunningExperiment(config, before.experiment);
    await this.assertNoActiveDeployment(config, before.deployment);
    throw AppError.conflict(
      `Config "${config.key}" was taken by an experiment or a deployment that has ended since; try again`,
      { key: config.key },
    );
  }

  private async find(environment: EnvironmentIdentity, key: string): Promise<BusinessConfig> {
    const config = await this.configs.findOneBy({ environmentId: environment.id, key });
    if (!config)
      throw AppError.notFound(`Config "${key}" in environment "${environment.key}"`, { key });
    return config;
  }

  private async commit(
    environment: EnvironmentIdentity,
    current: BusinessConfig,
    action: ChangeAction,
    next: ConfigState,
    actor: Actor,
    input: { comment?: string | null },
  ): Promise<BusinessConfig> {
    const { config } = await this.changes.commit({
      environmentId: environment.id,
      action,
      key: current.key,
      current: { id: current.id, version: current.version, state: toConfigState(current) },
      next,
      author: actor,
      comment: input.comment,
    });
    return config!;
  }
}

const RESTORED_BY_ROLLBACK = [
  'description',
  'value',
  'defaultValue',
  'targetingRules',
  'rolloutPercentage',
  'stickiness',
  'deploymentStrategy',
  'deploymentConfig',
] as const satisfies readonly (keyof ConfigState)[];

/** The state an input asks for: its fields over `base`; rules without an id get one. */
export function draft(
  input: ConfigFieldsInput & { valueType?: string },
  base: ConfigState,
): ConfigState {
  const next: Record<string, unknown> = { ...base };
  if (input.valueType !== undefined) next.valueType = input.valueType;
  for (const field of FIELDS) {
    if (input[field] !== undefined) next[field] = input[field];
  }
  if (Array.isArray(next.targetingRules)) {
    next.targetingRules = next.targetingRules.map((rule: unknown) =>
      isPlainObject(rule) && rule.id === undefined ? { id: newRuleId(), ...rule } : rule,
    );
  }
  return next as unknown as ConfigState;
}

function newRuleId(): string {
  return `r_${randomBytes(6).toString('hex')}`;
}
