import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Keyset } from '../../core/graphql/pagination';
import { ConfigFetchLog } from './config-fetch-log.entity';
import { FetchLogRow, FetchLogWriter } from './fetch-log-recorder';

/** Rows per INSERT statement: 14 parameters each, well under PostgreSQL's 65,535. */
const INSERT_CHUNK = 1_000;

export interface FetchLogQuery {
  environmentId: string;
  key?: string;
  userId?: string;
  deviceId?: string;
  from?: Date;
  to?: Date;
  after?: Keyset;
  limit: number;
}

@Injectable()
export class FetchLogRepository implements FetchLogWriter {
  constructor(
    @InjectRepository(ConfigFetchLog) private readonly records: Repository<ConfigFetchLog>,
  ) {}

  async insert(rows: FetchLogRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await this.records
        .createQueryBuilder()
        .insert()
        .values(rows.slice(i, i + INSERT_CHUNK))
        .updateEntity(false)
        .execute();
    }
  }

  /** Newest first, keyset-paged on (fetched_at, id). */
  find(query: FetchLogQuery): Promise<ConfigFetchLog[]> {
    const builder = this.records
      .createQueryBuilder('f')
      .where('f.environment_id = :environmentId', { environmentId: query.environmentId })
      .orderBy('f.fetched_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(query.limit);
    if (query.key) builder.andWhere('f.config_key = :key', { key: query.key });
    if (query.userId) builder.andWhere('f.user_id = :userId', { userId: query.userId });
    if (query.deviceId) builder.andWhere('f.device_id = :deviceId', { deviceId: query.deviceId });
    if (query.from) builder.andWhere('f.fetched_at >= :from', { from: query.from });
    if (query.to) builder.andWhere('f.fetched_at < :to', { to: query.to });
    if (query.after) {
      builder.andWhere('(f.fetched_at, f.id) < (:afterAt, :afterId)', {
        afterAt: new Date(query.after.sort),
        afterId: query.after.id,
      });
    }
    return builder.getMany();
  }

  /** One key's records of a subject (by user id or device id) in a time window, oldest first. */
  findAround(
    environmentId: string,
    key: string,
    subject: { userId: string | null; deviceId: string | null },
    from: Date,
    to: Date,
    limit: number,
  ): Promise<ConfigFetchLog[]> {
    const matches: string[] = [];
    if (subject.userId) matches.push('f.user_id = :userId');
    if (subject.deviceId) matches.push('f.device_id = :deviceId');
    return this.records
      .createQueryBuilder('f')
      .where('f.environment_id = :environmentId', { environmentId })
      .andWhere('f.config_key = :key', { key })
      .andWhere(`(${matches.join(' OR ')})`, subject)
      .andWhere('f.fetched_at >= :from AND f.fetched_at <= :to', { from, to })
      .orderBy('f.fetched_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Deletes up to `limit` of an environment's records older than `before`; returns how many. */
  async deleteOlderThan(environmentId: string, before: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.records.query(
      `DELETE FROM config_fetch_log WHERE id IN (
         SELECT id FROM config_fetch_log
         WHERE environment_id = $1 AND fetched_at < $2
         LIMIT $3)`,
      [environmentId, before, limit],
    )) as [unknown, number];
    return deleted;
  }
}
