import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { ConfigState, ValidationIssue } from '../../engine/config-state';
import { validateConfigState } from '../../engine/validate';
import { EnvironmentsService } from '../environments/environments.service';
import { ChangeAction } from '../history/config-change-log.entity';
import { HistoryService } from '../history/history.service';
import { OutboxService } from '../realtime/outbox.service';
import { BusinessConfig } from './business-config.entity';
import { ConfigChangeEvents } from './config-change-events';
import { stateColumns } from './config-state.mapper';
import { ValidationFailuresService } from './validation-failures.service';

/** Who made a change: an API key, or the system (deployments, experiments). */
export type ChangeAuthor = Pick<Actor, 'id' | 'name' | 'kind'>;

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
}

export interface CommittedChange {
  config: BusinessConfig | null;
  configId: string;
  version: number;
  revision: number;
}

/** Columns a write sets, returned so the entity is built without reading the row again. */
const RETURNED = 'id, version, archived_at, created_at, updated_at';

/**
 * The one way config state changes. In one transaction: the expected-version check,
 * validation, the write, the change-log entry, the environment revision bump and the outbox
 * row. Every writer (edits, rollbacks, approvals, deployments, experiments) comes here.
 */
@Injectable()
export class ConfigChangeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly history: HistoryService,
    private readonly outbox: OutboxService,
    private readonly failures: ValidationFailuresService,
    private readonly events: ConfigChangeEvents,
  ) {}

  async commit(change: ConfigChange): Promise<CommittedChange> {
    if (change.next) await this.assertValid(change.environmentId, change.key, change.next);
    const committed = await this.dataSource.transaction(async (manager) => {
      const written = await this.write(manager, change);
      const revision = await this.environments.bumpRevision(manager, change.environmentId);
      await this.history.append(manager, {
        environmentId: change.environmentId,
        environmentRevision: revision,
        configId: written.configId,
        configKey: change.key,
        action: change.action,
        before: change.current?.state ?? null,
        after: change.next,
        actor: change.author,
        comment: change.comment ?? null,
        configVersion: written.version,
      });
      await this.outbox.append(manager, {
        environmentId: change.environmentId,
        revision,
        type: 'config.changed',
        payload: {
          configId: written.configId,
          key: change.key,
          action: change.action,
          version: written.version,
        },
      });
      return { ...written, revision };
    });
    this.events.emit({
      environmentId: change.environmentId,
      revision: committed.revision,
      key: change.key,
      config: committed.config,
    });
    return committed;
  }

  /** Validation before every save; a refusal is counted per config and environment. */
  private async assertValid(environmentId: string, key: string, state: ConfigState): Promise<void> {
    const issues = validateConfigState(state);
    if (issues.length === 0) return;
    await this.failures.record(environmentId, key);
    throw AppError.badInput(
      `Config "${key}" is invalid: ${issues
        .slice(0, 5)
        .map((i: ValidationIssue) => `${i.path}: ${i.message}`)
        .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
      issues,
    );
  }

  private async write(
    manager: EntityManager,
    change: ConfigChange,
  ): Promise<{ config: BusinessConfig | null; configId: string; version: number }> {
    const { current, next } = change;
    if (!current) {
      if (!next) throw new Error('A create needs a state');
      return this.insert(manager, change.environmentId, next, change.author);
    }
    if (!next) {
      const deleted = await manager
        .createQueryBuilder()
        .delete()
        .from(BusinessConfig)
        .where('id = :id AND version = :version', { id: current.id, version: current.version })
        .execute();
      if (!deleted.affected) await this.refuseStale(manager, current, change.key);
      return { config: null, configId: current.id, version: current.version };
    }
    const { archivedAt: _archivedAt, ...columns } = stateColumns(next);
    const updated = await manager
      .createQueryBuilder()
      .update(BusinessConfig)
      .set({
        ...(columns as QueryDeepPartialEntity<BusinessConfig>),
        updatedBy: change.author.name,
        version: () => 'version + 1',
        // Keep the first archive time while a config stays archived.
        archivedAt: () => (next.archived ? 'coalesce(archived_at, now())' : 'NULL'),
      })
      .where('id = :id AND version = :version', { id: current.id, version: current.version })
      .returning(RETURNED)
      .execute();
    if (!updated.affected) await this.refuseStale(manager, current, change.key);
    return this.built(change.environmentId, next, change.author, updated.raw[0]);
  }

  private async insert(
    manager: EntityManager,
    environmentId: string,
    next: ConfigState,
    author: ChangeAuthor,
  ) {
    const { archivedAt: _archivedAt, ...columns } = stateColumns(next);
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(BusinessConfig)
      .values({
        ...columns,
        environmentId,
        updatedBy: author.name,
        version: 1,
      } as QueryDeepPartialEntity<BusinessConfig>)
      .orIgnore()
      .returning(RETURNED)
      .execute();
    if (!inserted.raw[0]) {
      throw AppError.conflict(`Config "${next.key}" already exists in this environment`, {
        key: next.key,
      });
    }
    return this.built(environmentId, next, author, inserted.raw[0]);
  }

  private built(
    environmentId: string,
    state: ConfigState,
    author: ChangeAuthor,
    row: {
      id: string;
      version: number;
      archived_at: Date | null;
      created_at: Date;
      updated_at: Date;
    },
  ) {
    const config = Object.assign(new BusinessConfig(), stateColumns(state), {
      id: row.id,
      environmentId,
      version: row.version,
      archivedAt: row.archived_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      updatedBy: author.name,
    });
    return { config, configId: row.id, version: row.version };
  }

  private async refuseStale(
    manager: EntityManager,
    current: { id: string; version: number },
    key: string,
  ): Promise<never> {
    const [row] = await manager.query('SELECT version FROM business_config WHERE id = $1', [
      current.id,
    ]);
    if (!row) throw AppError.notFound(`Config "${key}"`, { key });
    throw AppError.conflict(
      `Config "${key}" changed since version ${current.version}; it is now at version ${row.version}`,
      { key, expectedVersion: current.version, currentVersion: row.version },
    );
  }
}
