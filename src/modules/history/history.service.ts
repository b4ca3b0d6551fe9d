import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { compare } from 'fast-json-patch';
import { In, Repository } from 'typeorm';
import { ChangeAuthor } from '../../core/auth/actor';
import {
  Connection,
  decodeCursor,
  isRevision,
  PageArgs,
  toConnection,
} from '../../core/graphql/pagination';
import { nextTurn } from '../../core/runtime/next-turn';
import { canonicalJson } from '../../engine/canonical-json';
import { ChangeAction, ConfigChangeLog } from './config-change-log.entity';
import {
  canonicalAroundRevision,
  ChainCheck,
  ChainedEntry,
  ChainHead,
  StoredEntry,
  verifyChain,
} from './hash-chain.util';
import { EnvironmentsService } from '../environments/environments.service';
import { ConfigChangeFilter } from './dto/config-changes.args';

export interface NewChange {
  environmentId: string;
  configId: string;
  configKey: string;
  action: ChangeAction;
  before: object | null;
  after: object | null;
  actor: ChangeAuthor;
  comment: string | null;
  configVersion: number;
}

export interface PreparedEntry {
  fields: Omit<ChainedEntry, 'environmentRevision'>;
  hashHead: string;
  hashTail: string;
}

const VERIFY_BATCH = 1000;

/**
 * The actions whose `after` is the config's whole state (null on delete). Entries that only
 * bump the revision carry their own state: an experiment's start and stop record
 * `{experiment: {key, status, winner?}}` and a deployment's start, steps, pause, resume
 * and rollback `{deployment: {id, status, step, percentage}}` (the config's state is
 * unchanged); a deployment's completion records the candidate that became the state.
 */
export const STATE_ACTIONS: readonly ChangeAction[] = [
  ChangeAction.CREATE,
  ChangeAction.UPDATE,
  ChangeAction.ARCHIVE,
  ChangeAction.UNARCHIVE,
  ChangeAction.DELETE,
  ChangeAction.ROLLBACK,
  ChangeAction.DEPLOYMENT_COMPLETED,
];

@Injectable()
export class HistoryService {
  constructor(
    @InjectRepository(ConfigChangeLog) private readonly entries: Repository<ConfigChangeLog>,
    private readonly environments: EnvironmentsService,
  ) {}

  /**
   * Everything of a new entry except its place in the chain (revision, prevHash, hash),
   * which the change path's statement assigns under the environment's row lock. `hashHead`
   * and `hashTail` surround the revision in the entry's canonical JSON. The copies, the diff
   * and the canonical JSON of each state and of the diff take a turn of the event loop of
   * their own: for a value at its size limit, each is several milliseconds.
   */
  async prepare(change: NewChange): Promise<PreparedEntry> {
    // Stored and hashed exactly as JSON will read back: no undefined members.
    const before = toJson(change.before);
    const after = toJson(change.after);
    await nextTurn();
    const diff = compare(before ?? {}, after ?? {});
    await nextTurn();
    const fields: Omit<ChainedEntry, 'environmentRevision'> = {
      id: randomUUID(),
      environmentId: change.environmentId,
      configId: change.configId,
      configKey: change.configKey,
      action: change.action,
      before,
      after,
      diff,
      actorId: change.actor.id ?? null,
      actorName: change.actor.name,
      actorKind: change.actor.kind,
      comment: change.comment,
      configVersion: change.configVersion,
      createdAt: new Date().toISOString(),
    };
    const written: Partial<Record<keyof ChainedEntry, string>> = {};
    for (const member of ['before', 'after', 'diff'] as const) {
      written[member] = canonicalJson(fields[member]);
      await nextTurn();
    }
    const { head, tail } = canonicalAroundRevision(fields, written);
    return { fields, hashHead: head, hashTail: tail };
  }

  /** Newest first. */
  async list(
    environmentId: string,
    filter: ConfigChangeFilter,
    page: PageArgs,
  ): Promise<Connection<ConfigChangeLog>> {
    const after = decodeCursor(page.after, isRevision);
    const query = this.entries
      .createQueryBuilder('c')
      .where('c.environment_id = :environmentId', { environmentId })
      .orderBy('c.environment_revision', 'DESC')
      .limit(page.first + 1);
    if (after) query.andWhere('c.environment_revision < :revision', { revision: after.sort });
    if (filter.configKey)
      query.andWhere('c.config_key = :configKey', { configKey: filter.configKey });
    if (filter.actor) {
      query.andWhere('(c.actor_name = :actor OR c.actor_id::text = :actor)', {
        actor: filter.actor,
      });
    }
    if (filter.action) query.andWhere('c.action = :action', { action: filter.action });
    if (filter.from) query.andWhere('c.created_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('c.created_at < :to', { to: filter.to });
    const rows = await query.getMany();
    return toConnection(rows, page.first, (c) => ({
      sort: String(c.environmentRevision),
      id: c.id,
    }));
  }

  /**
   * The entries of an environment after `after` up to `until` (revisions), oldest first, at
   * most `limit`: what a reconnecting subscriber missed.
   */
  since(
    environmentId: string,
    after: number,
    until: number,
    limit: number,
  ): Promise<ConfigChangeLog[]> {
    return this.entries
      .createQueryBuilder('c')
      .where('c.environment_id = :environmentId', { environmentId })
      .andWhere('c.environment_revision > :after AND c.environment_revision <= :until', {
        after,
        until,
      })
      .orderBy('c.environment_revision', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * The change that set the state a config key had at `at`: the newest entry of that key
   * (by revision, the commit order) created at or before `at`, or null when there is none.
   * A delete's entry counts (its `after` is null: the key was gone). `known` says whether the
   * key has any history in the environment at all, at `at` or later.
   */
  async stateAt(
    environmentId: string,
    configKey: string,
    at: Date,
  ): Promise<{ entry: ConfigChangeLog | null; known: boolean }> {
    const entry = await this.latestAt(environmentId, configKey, at, STATE_ACTIONS);
    const known =
      entry !== null || (await this.ofKey(environmentId, configKey, STATE_ACTIONS).getExists());
    return { entry, known };
  }

  /**
   * The newest entry of a config key with one of `actions` created at or before `at` (by
   * revision, the commit order), or null: e.g. the deployment step in force at `at`.
   */
  latestAt(
    environmentId: string,
    configKey: string,
    at: Date,
    actions: readonly ChangeAction[],
  ): Promise<ConfigChangeLog | null> {
    return this.ofKey(environmentId, configKey, actions)
      .andWhere('c.created_at <= :at', { at })
      .orderBy('c.environment_revision', 'DESC')
      .limit(1)
      .getOne();
  }

  /** A key's entries with one of `actions` (the index `ix_config_change_log_key`). */
  private ofKey(environmentId: string, configKey: string, actions: readonly ChangeAction[]) {
    return this.entries
      .createQueryBuilder('c')
      .where('c.environment_id = :environmentId AND c.config_key = :configKey', {
        environmentId,
        configKey,
      })
      .andWhere('c.action IN (:...actions)', { actions });
  }

  /** The entry that recorded `version` of a config, if any. */
  findVersion(configId: string, version: number): Promise<ConfigChangeLog | null> {
    // Side entries (experiments, deployment steps) carry the version they left unchanged.
    return this.entries.findOneBy({
      configId,
      configVersion: version,
      action: In([...STATE_ACTIONS]),
    });
  }

  /**
   * Recomputes the whole chain of an environment, in batches, up to the head the environment
   * records (read first, so changes committed meanwhile are left for the next check), and
   * checks it holds `anchor` when given.
   */
  async verify(environmentId: string, anchor?: ChainHead): Promise<ChainCheck> {
    const head = await this.environments.chainHeadOf(environmentId);
    return verifyChain(this.stream(environmentId, head.revision), head, anchor);
  }

  private async *stream(environmentId: string, until: number): AsyncIterable<StoredEntry> {
    let lastRevision = -1;
    for (;;) {
      const batch = await this.entries
        .createQueryBuilder('c')
        .where('c.environment_id = :environmentId AND c.environment_revision > :lastRevision', {
          environmentId,
          lastRevision,
        })
        .andWhere('c.environment_revision <= :until', { until })
        .orderBy('c.environment_revision', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      for (const entry of batch) yield toStored(entry);
      if (batch.length < VERIFY_BATCH) return;
      lastRevision = batch[batch.length - 1].environmentRevision;
    }
  }
}

function toJson(value: object | null): Record<string, unknown> | null {
  return value === null ? null : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}

function toStored(entry: ConfigChangeLog): StoredEntry {
  return {
    id: entry.id,
    environmentId: entry.environmentId,
    configId: entry.configId,
    configKey: entry.configKey,
    action: entry.action,
    before: entry.before,
    after: entry.after,
    diff: entry.diff,
    actorId: entry.actorId,
    actorName: entry.actorName,
    actorKind: entry.actorKind,
    comment: entry.comment,
    configVersion: entry.configVersion,
    environmentRevision: entry.environmentRevision,
    createdAt: entry.createdAt.toISOString(),
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
