import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { clipped } from '../../core/graphql/input-checks';
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
import { ChangeOperation, Clearance } from './change-approval';
import { ConfigChangeService } from './config-change.service';
import { toConfigState } from './config-state.mapper';
import {
  bypassOf,
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
import { canonicalJson } from '../../engine/canonical-json';

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

  /** The environment's config with this key, if it exists. */
  findByKey(environmentId: string, key: string): Promise<BusinessConfig | null> {
    return this.configs.findOneBy({ environmentId, key });
  }

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
    const clearance = await this.changes.clear({
      environmentId: environment.id,
      key: input.key,
      operation: ChangeOperation.CREATE_CONFIG,
      author: actor,
      bypass: bypassOf(input),
    });
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
      clearance,
    });
    return config!;
  }

  /**
   * An update that leaves the state as it is changes nothing (no version, no history entry),
   * as archiving an archived config does: a version counts state changes.
   */
  async update(actor: Actor, input: UpdateConfigInput): Promise<BusinessConfig> {
    const loaded = await this.load(actor, ChangeOperation.UPDATE_CONFIG, input);
    const current = toConfigState(loaded.current);
    const next = draft(input, current);
    if (canonicalJson(next) === canonicalJson(current)) return loaded.current;
    return this.commit(loaded, ChangeAction.UPDATE, next, actor, input);
  }

  async archive(actor: Actor, input: ConfigStateChangeInput): Promise<BusinessConfig> {
    const loaded = await this.load(actor, ChangeOperation.ARCHIVE_CONFIG, input);
    if (loaded.current.archivedAt) return loaded.current;
    return this.commit(
      loaded,
      ChangeAction.ARCHIVE,
      { ...toConfigState(loaded.current), archived: true },
      actor,
      input,
    );
  }

  async unarchive(actor: Actor, input: ConfigStateChangeInput): Promise<BusinessConfig> {
    const loaded = await this.load(actor, ChangeOperation.UNARCHIVE_CONFIG, input);
    if (!loaded.current.archivedAt) return loaded.current;
    return this.commit(
      loaded,
      ChangeAction.UNARCHIVE,
      { ...toConfigState(loaded.current), archived: false },
      actor,
      input,
    );
  }

  /** Deletes an archived config; its history stays. */
  async delete(actor: Actor, input: ConfigStateChangeInput): Promise<string> {
    const { environment, current, clearance } = await this.load(
      actor,
      ChangeOperation.DELETE_CONFIG,
      input,
    );
    this.assertDeletable(current);
    await this.changes.commit({
      environmentId: environment.id,
      action: ChangeAction.DELETE,
      key: current.key,
      current: { id: current.id, version: current.version, state: toConfigState(current) },
      next: null,
      author: actor,
      comment: input.comment,
      clearance,
    });
    return current.id;
  }

  /** Only an archived config is deleted (CONFLICT otherwise). */
  assertDeletable(current: BusinessConfig): void {
    if (!current.archivedAt) {
      throw AppError.conflict(`Config "${current.key}" must be archived before it can be deleted`, {
        key: current.key,
      });
    }
  }

  /**
   * Restores what an earlier version served (value, default, rules, rollout, stickiness,
   * description, deployment defaults) as a new version. Today's type and constraints stay
   * and judge it, so a rollback cannot bring back a value a tightened constraint now
   * forbids; the archived flag stays too (archiving has its own actions).
   */
  async rollback(actor: Actor, input: RollbackConfigInput): Promise<BusinessConfig> {
    const loaded = await this.load(actor, ChangeOperation.ROLLBACK_CONFIG, input);
    const restored = await this.rollbackState(loaded.current, input.toVersion);
    return this.commit(loaded, ChangeAction.ROLLBACK, restored, actor, input);
  }

  /** The state a rollback of `current` to an earlier version writes (see rollback). */
  async rollbackState(current: BusinessConfig, toVersion: number): Promise<ConfigState> {
    if (toVersion >= current.version) {
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
    const recorded = await this.history.findVersion(current.id, toVersion);
    if (!recorded?.after) {
      throw AppError.notFound(`Version ${toVersion} of config "${current.key}"`, {
        key: current.key,
        version: toVersion,
      });
    }
    const today = toConfigState(current);
    const then = recorded.after as unknown as ConfigState;
    const restored: ConfigState = { ...today };
    for (const field of RESTORED_BY_ROLLBACK) Object.assign(restored, { [field]: then[field] });
    return restored;
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

  /**
   * The config a person's write changes, checked in DESIGN.md's order: scope, the approval
   * gate, a running experiment or active deployment, the expected version.
   */
  private async load(
    actor: Actor,
    operation: ChangeOperation,
    input: {
      environment: string;
      key: string;
      expectedVersion?: number;
      comment?: string | null;
      bypassApproval?: boolean | null;
    },
  ): Promise<{ environment: EnvironmentIdentity; current: BusinessConfig; clearance: Clearance }> {
    const { key, expectedVersion } = input;
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const current = await this.find(environment, key);
    const clearance = await this.changes.clear({
      environmentId: environment.id,
      key,
      operation,
      author: actor,
      bypass: bypassOf(input),
    });
    await this.assertNoRunningExperiment(current);
    await this.assertNoActiveDeployment(current);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw AppError.conflict(
        `Config "${key}" changed since version ${expectedVersion}; it is now at version ${current.version}`,
        { key, expectedVersion, currentVersion: current.version },
      );
    }
    return { environment, current, clearance };
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
    if (!config) {
      const shown = clipped(key);
      throw AppError.notFound(`Config "${shown}" in environment "${environment.key}"`, {
        key: shown,
      });
    }
    return config;
  }

  private async commit(
    {
      environment,
      current,
      clearance,
    }: { environment: EnvironmentIdentity; current: BusinessConfig; clearance: Clearance },
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
      clearance,
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
