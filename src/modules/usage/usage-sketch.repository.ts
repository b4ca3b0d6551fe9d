import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { periodStart, UsageGranularity } from './usage-metric.util';
import { HourSketch, mergeByKey, newPair, SketchPair } from './usage-sketch.util';
import { invalidateSpansFrom, readSpanState } from './usage-span.builder';
import { DaySpan, SpanState } from './usage-span.util';
import { compare } from './usage.repository';

/** Sketch rows merged per transaction. */
const PERSIST_SLICE = 500;

/** A stored sketch row's identity. */
interface SketchRow extends SketchPair {
  environmentId: string;
  granularity: UsageGranularity.Hour | UsageGranularity.Day;
  periodStart: number;
  configKey: string;
}

/** Periods of one granularity, [from, to) in ms since the epoch. */
export interface SketchRange {
  granularity: UsageGranularity.Hour | UsageGranularity.Day;
  from: number;
  to: number;
}

/** The config_usage_sketch table: hour and day sketches of users and devices. */
@Injectable()
export class UsageSketchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Merges hour sketches into their hour rows and the day rows they fall in. Rows are locked
   * (FOR UPDATE, in one order) while merged, so processes persisting the same rows at once
   * lose nothing; merging is idempotent, so persisting an hour again changes nothing.
   */
  async persist(sketches: readonly HourSketch[]): Promise<void> {
    const rows = new Map<string, SketchRow>();
    const add = (sketch: HourSketch, granularity: SketchRow['granularity']) => {
      const start = periodStart(sketch.hour, granularity);
      const id = `${sketch.environmentId}\u0000${granularity}\u0000${start}\u0000${sketch.configKey}`;
      let row = rows.get(id);
      if (!row) {
        row = {
          environmentId: sketch.environmentId,
          granularity,
          periodStart: start,
          configKey: sketch.configKey,
          ...newPair(),
        };
        rows.set(id, row);
      }
      row.users.merge(sketch.users);
      row.devices.merge(sketch.devices);
    };
    for (const sketch of sketches) {
      add(sketch, UsageGranularity.Hour);
      add(sketch, UsageGranularity.Day);
    }
    if (rows.size === 0) return;
    const ordered = [...rows.values()].sort(compareRows);
    // A slice per transaction: a dense sketch is 12 KiB, and merging again is harmless if a
    // later slice fails.
    for (let i = 0; i < ordered.length; i += PERSIST_SLICE) {
      await this.merge(ordered.slice(i, i + PERSIST_SLICE));
    }
  }

  /** Merges rows (in lock order) into their stored rows in one transaction. */
  private async merge(ordered: SketchRow[]): Promise<void> {
    const ids = [
      ordered.map((row) => row.environmentId),
      ordered.map((row) => row.granularity),
      ordered.map((row) => new Date(row.periodStart).toISOString()),
      ordered.map((row) => row.configKey),
    ];
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO config_usage_sketch (environment_id, granularity, period_start, config_key, users, devices)
         SELECT e, g, p, k, decode(u, 'hex'), decode(d, 'hex')
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS r(e, g, p, k, u, d)
         ON CONFLICT ON CONSTRAINT pk_config_usage_sketch DO NOTHING`,
        [...ids, ...hexColumns(ordered)],
      );
      // Every row now exists: lock them in order and merge (a row just inserted merges with
      // itself, which changes nothing).
      const stored: { i: number | string; users: Uint8Array; devices: Uint8Array }[] =
        await manager.query(
          `SELECT r.i, s.users, s.devices
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) WITH ORDINALITY AS r(e, g, p, k, i)
           JOIN config_usage_sketch s
             ON s.environment_id = r.e AND s.granularity = r.g AND s.period_start = r.p AND s.config_key = r.k
           ORDER BY r.i
           FOR UPDATE OF s`,
          ids,
        );
      for (const row of stored) {
        const target = ordered[Number(row.i) - 1];
        target.users.mergeRedis(row.users);
        target.devices.mergeRedis(row.devices);
      }
      await manager.query(
        `UPDATE config_usage_sketch s SET users = decode(r.u, 'hex'), devices = decode(r.d, 'hex')
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS r(e, g, p, k, u, d)
         WHERE s.environment_id = r.e AND s.granularity = r.g AND s.period_start = r.p AND s.config_key = r.k`,
        [...ids, ...hexColumns(ordered)],
      );
      // Day rows changed: the spans over them (if built) are rebuilt (usage-span.builder.ts).
      const firstDay = ordered.reduce(
        (first, row) =>
          row.granularity === UsageGranularity.Day ? Math.min(first, row.periodStart) : first,
        Infinity,
      );
      if (firstDay !== Infinity) await invalidateSpansFrom(manager, new Date(firstDay));
    });
  }

  /** Which day spans are complete. */
  spanState(): Promise<SpanState> {
    return readSpanState(this.dataSource);
  }

  /** The stored sketches of the keys in the ranges and day spans, merged per key. */
  async read(
    environmentId: string,
    keys: readonly string[],
    ranges: readonly SketchRange[],
    spans: readonly DaySpan[] = [],
  ): Promise<Map<string, SketchPair>> {
    const merged = new Map<string, SketchPair>();
    const wanted = ranges.filter((range) => range.from < range.to);
    if (keys.length === 0 || (wanted.length === 0 && spans.length === 0)) return merged;
    // Rows by ix_config_usage_sketch_key (day and hour rows) and pk_config_usage_span.
    const rows: { config_key: string; users: Uint8Array; devices: Uint8Array }[] =
      await this.dataSource.query(
        `SELECT s.config_key, s.users, s.devices
         FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) AS r(g, f, t)
         JOIN config_usage_sketch s
           ON s.granularity = r.g AND s.period_start >= r.f AND s.period_start < r.t
         WHERE s.environment_id = $1 AND s.config_key = ANY($2::text[])
         UNION ALL
         SELECT s.config_key, s.users, s.devices
         FROM unnest($6::timestamptz[], $7::int[]) AS b(p, d)
         JOIN config_usage_span s ON s.period_start = b.p AND s.days = b.d
         WHERE s.environment_id = $1 AND s.config_key = ANY($2::text[]) AND s.users IS NOT NULL`,
        [
          environmentId,
          keys,
          wanted.map((range) => range.granularity),
          wanted.map((range) => new Date(range.from).toISOString()),
          wanted.map((range) => new Date(range.to).toISOString()),
          spans.map((span) => new Date(span.start).toISOString()),
          spans.map((span) => span.days),
        ],
      );
    return mergeByKey(
      merged,
      rows,
      (row) => row.config_key,
      (pair, row) => {
        pair.users.mergeRedis(row.users);
        pair.devices.mergeRedis(row.devices);
      },
    );
  }
}

function hexColumns(rows: readonly SketchRow[]): string[][] {
  return [
    rows.map((row) => row.users.toRedis().toString('hex')),
    rows.map((row) => row.devices.toRedis().toString('hex')),
  ];
}

function compareRows(a: SketchRow, b: SketchRow): number {
  return (
    compare(a.environmentId, b.environmentId) ||
    compare(a.granularity, b.granularity) ||
    a.periodStart - b.periodStart ||
    compare(a.configKey, b.configKey)
  );
}
