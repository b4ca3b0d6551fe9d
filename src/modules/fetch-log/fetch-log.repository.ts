import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Keyset } from '../../core/graphql/pagination';
import { ConfigFetchLog } from './config-fetch-log.entity';
import { FetchLogRow, FetchLogWriter } from './fetch-log-recorder';

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

  /**
   * One statement per call: a column of values per parameter, joined row-wise by unnest, so
   * the statement's size and its parameter count do not grow with the rows.
   */
  async insert(rows: FetchLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <K extends keyof FetchLogRow>(name: K) => rows.map((row) => row[name]);
    await this.records.query(
      `INSERT INTO config_fetch_log (environment_id, config_key, user_id, device_id, app_version,
         value_hash, reason, error_code, rule_id, variant, config_version, revision, channel,
         fetched_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
         $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::integer[],
         $12::bigint[], $13::text[], $14::timestamptz[])`,
      [
        column('environmentId'),
        column('configKey'),
        column('userId'),
        column('deviceId'),
        column('appVersion'),
        column('valueHash'),
        column('reason'),
        column('errorCode'),
        column('ruleId'),
        column('variant'),
        column('configVersion'),
        column('revision'),
        column('channel'),
        column('fetchedAt'),
      ],
    );
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
