import { Injectable, Logger } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { ServedFetchLogReader } from '../evaluation/explain-served.service';
import { EnvironmentsService } from '../environments/environments.service';
import { ConfigFetchLog } from './config-fetch-log.entity';
import { ConfigFetchLogArgs } from './dto/config-fetch-log.args';
import { FetchLogRepository } from './fetch-log.repository';
import { subjectOf } from './fetch-log.util';

/** explainServed shows a subject's records this long either side of its `at`. */
export const AROUND_WINDOW_MS = 60 * 60 * 1000;
/** At most this many records in one explainServed answer. */
export const AROUND_LIMIT = 100;
/** Rows one pruning statement deletes. */
export const PRUNE_BATCH = 5_000;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PruneOutcome {
  deleted: number;
  /** DELETE statements run. */
  batches: number;
  /** Environments whose pruning failed (logged; the others went on). */
  failed: number;
}

@Injectable()
export class FetchLogService implements ServedFetchLogReader {
  private readonly logger = new Logger(FetchLogService.name);

  constructor(
    private readonly environments: EnvironmentsService,
    private readonly records: FetchLogRepository,
  ) {}

  /** Newest first; viewers and up, a scoped key in its environment only. */
  async list(actor: Actor, args: ConfigFetchLogArgs): Promise<Connection<ConfigFetchLog>> {
    const filter = args.filter ?? {};
    if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
      throw AppError.badInput('filter.to must be after filter.from', [
        { path: 'filter.to', rule: 'afterFrom', message: 'must be later than filter.from' },
      ]);
    }
    const after = decodeCursor(args.after, isInstant);
    const environment = await this.environments.getForActor(actor, args.environment);
    const rows = await this.records.find({
      environmentId: environment.id,
      ...filter,
      after,
      limit: args.first + 1,
    });
    return toConnection(rows, args.first, (r) => ({ sort: r.fetchedAt.toISOString(), id: r.id }));
  }

  /** The subject's records of a key within AROUND_WINDOW_MS of `at`, by user id or device id. */
  async around(
    environmentId: string,
    key: string,
    context: object,
    at: Date,
  ): Promise<Record<string, unknown>[]> {
    const { userId, deviceId } = subjectOf(context);
    if (!userId && !deviceId) return [];
    const rows = await this.records.findAround(
      environmentId,
      key,
      { userId, deviceId },
      new Date(at.getTime() - AROUND_WINDOW_MS),
      new Date(at.getTime() + AROUND_WINDOW_MS),
      AROUND_LIMIT,
    );
    return rows.map(({ environmentId: _environmentId, fetchedAt, ...row }) => ({
      ...row,
      fetchedAt: fetchedAt.toISOString(),
    }));
  }

  /**
   * Deletes each environment's records older than its retention, `batchSize` rows per
   * statement so no statement holds locks long; an environment that fails is logged and
   * the others go on.
   */
  async prune(batchSize = PRUNE_BATCH, now = new Date()): Promise<PruneOutcome> {
    const outcome: PruneOutcome = { deleted: 0, batches: 0, failed: 0 };
    for (const environment of await this.environments.all()) {
      const before = new Date(now.getTime() - environment.fetchLogRetentionDays * DAY_MS);
      try {
        for (;;) {
          const deleted = await this.records.deleteOlderThan(environment.id, before, batchSize);
          outcome.batches += 1;
          outcome.deleted += deleted;
          if (deleted < batchSize) break;
        }
      } catch (error) {
        outcome.failed += 1;
        this.logger.error(`pruning the fetch log of ${environment.key} failed: ${String(error)}`);
      }
    }
    return outcome;
  }
}
