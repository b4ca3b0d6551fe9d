import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ChangeAuthor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { nextTurn } from '../../core/runtime/next-turn';
import { ConfigState, ValidationIssue } from '../../engine/config-state';
import { validateConfigState } from '../../engine/validate';
import { ChangeAction } from '../history/config-change-log.entity';
import { HistoryService } from '../history/history.service';
import { BusinessConfig } from './business-config.entity';
import { ApprovalGate, Clearance, clearedComment, WriteIntent } from './change-approval';
import {
  ActivityChange,
  changeStatement,
  PRECONDITION,
  PRECONDITION_UNMET,
  Statement,
} from './change-statement';
import { ConfigChangeEvents, DeploymentChange, ExperimentChange } from './config-change-events';
import { stateColumns } from './config-state.mapper';
import { ValidationFailuresService } from './validation-failures.service';

export type { ChangeAuthor } from '../../core/auth/actor';

export interface ConfigChange {
  environmentId: string;
  action: ChangeAction;
  key: string;
  /** The stored config this change replaces; absent for a create. */
  current?: { id: string; version: number; state: ConfigState };
  /** The state to store; null deletes the config. */
  next: ConfigState | null;
  author: ChangeAuthor;
  comment?: string | null;
  /** The approval gate's clearance for this write (ConfigChangeService.clear). */
  clearance: Clearance;
  /**
   * A write run first in the same statement (a deployment's completion, an approved change
   * request): the config is written only when it RETURNs a row, else the change is refused
   * with `refusal`. It should lock the config row at `current.version` (or, for a create, find
   * no config of the key), so both apply or neither; if it wrote and the config write did
   * not, the whole statement is undone.
   */
  precondition?: Statement & { refusal: string };
  /** The deployment this change ends, as the snapshot detaches it. */
  deployment?: DeploymentChange;
  /** The exclusive activity it releases (a deployment's completion). */
  activity?: ActivityChange;
}

/**
 * A change that leaves the config's state and version as they are but bumps the environment
 * revision with its own history entry (an experiment's or a deployment's transition): `write`
 * must RETURN a row, and match none when the change no longer applies (the caller re-reads to
 * say why). It must lock the config row at `config.version`, so the state the event carries
 * is current.
 */
export interface SideChange {
  environmentId: string;
  action: ChangeAction;
  config: { id: string; key: string; version: number; state: ConfigState };
  write: Statement;
  /** What the history entry records before and after (not the config's state). */
  before: object;
  after: object;
  /** Exactly one of these: the experiment or the deployment the change moves. */
  experiment?: ExperimentChange;
  deployment?: DeploymentChange;
  /** The config's exclusive activity it claims (a start) or releases (an end). */
  activity?: ActivityChange;
  author: ChangeAuthor;
  comment?: string | null;
  /** The approval gate's clearance for this write (ConfigChangeService.clear). */
  clearance: Clearance;
  /**
   * Run first in the same statement, as ConfigChange's; `write` must require it itself
   * (`EXISTS (SELECT 1 FROM precondition)`), and a null result then also means it matched
   * nothing.
   */
  precondition?: Statement;
}

export interface CommittedChange {
  config: BusinessConfig | null;
  configId: string;
  version: number;
  revision: number;
}

/** Columns a write sets, returned so the entity is built without reading the row again. */
const RETURNED = 'id, version, archived_at, created_at, updated_at';

interface ChangedRow {
  id: string;
  version: number;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
  revision: string;
}

/**
 * The one way config state changes. In one transaction: the expected-version check,
 * validation, the write, the change-log entry, the environment revision bump and the outbox
 * row. Every writer (edits, rollbacks, approvals, deployments, experiments) comes here, with
 * the approval gate's clearance for its write: a person's write in an environment whose
 * approval policy covers the config is refused (APPROVAL_REQUIRED) before it gets here, and
 * a write that never asked the gate is refused here.
 */
@Injectable()
export class ConfigChangeService {
  private gate?: ApprovalGate;
  private readonly issued = new WeakSet<Clearance>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly history: HistoryService,
    private readonly failures: ValidationFailuresService,
    private readonly events: ConfigChangeEvents,
  ) {}

  /** The approvals module registers its gate at start-up. */
  useGate(gate: ApprovalGate): void {
    this.gate = gate;
  }

  /**
   * Asks the approval gate whether a write may go ahead: a clearance to pass to commit or
   * commitSide, or APPROVAL_REQUIRED naming the policy (FORBIDDEN, BAD_USER_INPUT for a bad
   * bypass). Writers ask first, after the caller's role and scope and before their own
   * checks (DESIGN.md's order).
   */
  async clear(intent: WriteIntent): Promise<Clearance> {
    if (!this.gate) throw new Error('No approval gate is registered: load the approvals module');
    const clearance = Object.freeze({ ...(await this.gate.clear(intent)) });
    this.issued.add(clearance);
    return clearance;
  }

  async commit(change: ConfigChange): Promise<CommittedChange> {
    this.assertCleared(change.clearance, change.environmentId, change.key);
    if (change.next) this.assertValid(change.environmentId, change.key, change.next);
    // Between stages the server turns to other requests: for a value at its size limit, the
    // validation, the history entry and the statement are each several milliseconds.
    await nextTurn();
    const { current, next } = change;
    const configId = current?.id ?? randomUUID();
    const version = !current ? 1 : next ? current.version + 1 : current.version;
    const entry = await this.history.prepare({
      environmentId: change.environmentId,
      configId,
      configKey: change.key,
      action: change.action,
      before: current?.state ?? null,
      after: next,
      actor: change.author,
      comment: clearedComment(change.clearance, change.comment),
      configVersion: version,
    });
    const deployment = change.deployment && { deployment: change.deployment };
    const statement = changeStatement(
      this.writeStatement(change, configId),
      entry,
      {
        type: 'config.changed',
        payload: {
          configId,
          key: change.key,
          action: change.action,
          version,
          state: next,
          ...deployment,
        },
      },
      change.precondition,
      change.activity,
    );
    await nextTurn();
    const [row] = await this.run<ChangedRow>(statement, change.precondition?.refusal, change.key);
    if (!row) return this.refuse(change);
    const config = next && this.built(change.environmentId, next, change.author, row);
    const committed = { config, configId, version, revision: Number(row.revision) };
    this.events.emit({
      environmentId: change.environmentId,
      revision: committed.revision,
      configId,
      key: change.key,
      action: change.action,
      version,
      state: next,
      ...deployment,
    });
    return committed;
  }

  /**
   * Commits a side change through the same statement as a config change (history entry,
   * revision bump, outbox event) and tells this instance's readers. Returns the new
   * revision, or null when `write` matched nothing.
   */
  async commitSide(change: SideChange): Promise<number | null> {
    const { config } = change;
    this.assertCleared(change.clearance, change.environmentId, config.key);
    const entry = await this.history.prepare({
      environmentId: change.environmentId,
      configId: config.id,
      configKey: config.key,
      action: change.action,
      before: change.before,
      after: change.after,
      actor: change.author,
      comment: clearedComment(change.clearance, change.comment),
      configVersion: config.version,
    });
    const payload = {
      configId: config.id,
      key: config.key,
      action: change.action,
      version: config.version,
      state: config.state,
      ...(change.experiment && { experiment: change.experiment }),
      ...(change.deployment && { deployment: change.deployment }),
    };
    const statement = changeStatement(
      change.write,
      entry,
      { type: 'config.changed', payload },
      change.precondition,
      change.activity,
    );
    const [row] = await this.run<{ revision: string }>(statement, null, config.key);
    if (!row) return null;
    const revision = Number(row.revision);
    this.events.emit({ environmentId: change.environmentId, revision, ...payload });
    return revision;
  }

  /**
   * Runs a change statement. One whose precondition wrote while its config write did not is
   * undone by the database (PRECONDITION_UNMET) and reads here as a write that matched
   * nothing (a commit then says why with the precondition's refusal).
   */
  private async run<T>(
    statement: Statement,
    refusal: string | null | undefined,
    key: string,
  ): Promise<T[]> {
    try {
      return (await this.dataSource.query(statement.sql, statement.params)) as T[];
    } catch (error) {
      if (error instanceof QueryFailedError && error.driverError?.code === PRECONDITION_UNMET) {
        if (refusal) throw AppError.conflict(refusal, { key });
        return [];
      }
      throw error;
    }
  }

  private assertCleared(clearance: Clearance, environmentId: string, key: string): void {
    if (
      !clearance ||
      !this.issued.has(clearance) ||
      clearance.environmentId !== environmentId ||
      clearance.key !== key
    ) {
      throw new Error(`A write of "${key}" without the approval gate's clearance for it`);
    }
  }

  /** Validation before every save; a refusal is counted per config and environment. */
  private assertValid(environmentId: string, key: string, state: ConfigState): void {
    const issues = validateConfigState(state);
    if (issues.length === 0) return;
    this.failures.record(environmentId, key);
    throw AppError.badInput(
      `Config "${key}" is invalid: ${issues
        .slice(0, 5)
        .map((i: ValidationIssue) => `${i.path}: ${i.message}`)
        .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
      issues,
    );
  }

  /** The config write of a change, built by TypeORM, returning the written row. */
  private writeStatement(change: ConfigChange, configId: string): Statement {
    const { current, next } = change;
    const builder = this.dataSource.createQueryBuilder();
    let query;
    if (!current) {
      if (!next) throw new Error('A create needs a state');
      const { archivedAt: _archivedAt, ...columns } = stateColumns(next);
      const values = {
        ...columns,
        id: configId,
        environmentId: change.environmentId,
        updatedBy: change.author.name,
        version: 1,
      };
      if (change.precondition) return this.conditionalInsert(values);
      query = builder
        .insert()
        .into(BusinessConfig)
        .values(values as QueryDeepPartialEntity<BusinessConfig>)
        .orIgnore();
    } else if (!next) {
      query = builder
        .delete()
        .from(BusinessConfig)
        .where('id = :id AND version = :version', { id: current.id, version: current.version });
      if (change.precondition) query.andWhere(`EXISTS (SELECT 1 FROM ${PRECONDITION})`);
    } else {
      const { archivedAt: _archivedAt, ...columns } = stateColumns(next);
      query = builder
        .update(BusinessConfig)
        .set({
          ...(columns as QueryDeepPartialEntity<BusinessConfig>),
          updatedBy: change.author.name,
          version: () => 'version + 1',
          // Keep the first archive time while a config stays archived.
          archivedAt: () => (next.archived ? 'coalesce(archived_at, now())' : 'NULL'),
        })
        .where('id = :id AND version = :version', { id: current.id, version: current.version });
      if (change.precondition) query.andWhere(`EXISTS (SELECT 1 FROM ${PRECONDITION})`);
    }
    const [sql, params] = query.returning(RETURNED).getQueryAndParameters();
    return { sql, params };
  }

  /**
   * A create that only happens when the change's precondition wrote: `INSERT … SELECT … WHERE
   * EXISTS`, which TypeORM's builder cannot express. Every column is given, each parameter
   * cast to its column's type (a SELECT list does not take the target's types as VALUES do),
   * each value prepared for the column as TypeORM would (JSON, transformers).
   */
  private conditionalInsert(values: Partial<BusinessConfig>): Statement {
    const metadata = this.dataSource.getMetadata(BusinessConfig);
    const given = metadata.columns.filter(
      (column) => (values as Record<string, unknown>)[column.propertyName] !== undefined,
    );
    const params = given.map((column) =>
      this.dataSource.driver.preparePersistentValue(
        (values as Record<string, unknown>)[column.propertyName],
        column,
      ),
    );
    const names = given.map((column) => `"${column.databaseName}"`).join(', ');
    const casts = given.map((column, i) => `$${i + 1}::${String(column.type)}`).join(', ');
    return {
      sql: `INSERT INTO "business_config" (${names}) SELECT ${casts}
        WHERE EXISTS (SELECT 1 FROM ${PRECONDITION}) ON CONFLICT DO NOTHING RETURNING ${RETURNED}`,
      params,
    };
  }

  /** Why a change wrote nothing: the key exists already, or the version moved on. */
  private async refuse(change: ConfigChange): Promise<never> {
    const { current, key } = change;
    if (current && change.precondition) {
      throw AppError.conflict(change.precondition.refusal, { key });
    }
    if (!current) {
      throw AppError.conflict(`Config "${key}" already exists in this environment`, { key });
    }
    const [row] = await this.dataSource.query('SELECT version FROM business_config WHERE id = $1', [
      current.id,
    ]);
    if (!row) throw AppError.notFound(`Config "${key}"`, { key });
    throw AppError.conflict(
      `Config "${key}" changed since version ${current.version}; it is now at version ${row.version}`,
      { key, expectedVersion: current.version, currentVersion: row.version },
    );
  }

  private built(
    environmentId: string,
    state: ConfigState,
    author: ChangeAuthor,
    row: ChangedRow,
  ): BusinessConfig {
    return Object.assign(new BusinessConfig(), stateColumns(state), {
      id: row.id,
      environmentId,
      version: row.version,
      archivedAt: row.archived_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      updatedBy: author.name,
    });
  }
}
