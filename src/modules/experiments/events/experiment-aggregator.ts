import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ExperimentDirectory } from './experiment-directory';

/** Events folded per statement: bounded so one stays well inside the statement timeout. */
export const FOLD_CHUNK = 20_000;
/** Chunks one run folds at most; the next run goes on from the watermark. */
export const MAX_CHUNKS_PER_RUN = 50;

/**
 * Folds new events into the per-variant aggregates, from a watermark (the last event seq
 * folded). An event is folded once it is `graceMs` old (by the time the server received it):
 * by then its subject's exposure, held by some process until its usage flush, is stored, and
 * every event inserted before it is committed (an insert is one statement, far shorter than
 * the grace window). It counts for each experiment whose exposure of the subject precedes it,
 * inside one of the experiment's running windows; an event that names an experiment counts for
 * that one only. Per subject and event name the running total is kept, so the totals' sum of
 * squares (the subject being the unit of analysis) is updated without rereading events.
 */
@Injectable()
export class ExperimentAggregator {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly experiments: ExperimentDirectory,
  ) {}

  /** Folds what is ready at `now`; returns the events read (folded or not counted). */
  async fold(now: number, graceMs: number): Promise<number> {
    let read = 0;
    for (let chunk = 0; chunk < MAX_CHUNKS_PER_RUN; chunk++) {
      const n = await this.foldChunk(new Date(now - graceMs));
      if (n === null) continue; // another worker moved the watermark meanwhile
      read += n;
      if (n < FOLD_CHUNK) break;
    }
    return read;
  }

  /**
   * Reads the next chunk's range and the windows of the experiments it concerns, then folds it
   * in a transaction that holds the watermark (so runs on several workers take turns) — unless
   * the watermark moved since (null). The directory is asked outside the transaction: the
   * embedded database has one connection.
   */
  private async foldChunk(cutoff: Date): Promise<number | null> {
    const [mark]: { seq: string }[] = await this.dataSource.query(
      'SELECT seq FROM experiment_event_watermark WHERE id = 1',
    );
    const from = mark.seq;
    const [range]: { upto: string | null; n: string }[] = await this.dataSource.query(
      `WITH next AS (
         SELECT seq, received_at FROM experiment_event WHERE seq > $1 ORDER BY seq LIMIT $3),
       ready AS (
         SELECT seq FROM next
         WHERE seq < coalesce((SELECT min(seq) FROM next WHERE received_at >= $2), 'infinity'::numeric))
       SELECT max(seq) AS upto, count(*) AS n FROM ready`,
      [from, cutoff, FOLD_CHUNK],
    );
    if (range.upto === null) return 0;
    const experimentIds: { experiment_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT x.experiment_id FROM experiment_event e
       JOIN experiment_exposure x ON x.environment_id = e.environment_id AND x.subject = e.subject
         AND (e.experiment_id IS NULL OR e.experiment_id = x.experiment_id)
       WHERE e.seq > $1 AND e.seq <= $2`,
      [from, range.upto],
    );
    const windows = await this.experiments.runningWindows(
      experimentIds.map((r) => r.experiment_id),
    );
    const columns: [string[], string[], (string | null)[]] = [[], [], []];
    for (const [id, list] of windows) {
      for (const window of list) {
        columns[0].push(id);
        columns[1].push(window.startedAt.toISOString());
        columns[2].push(window.endedAt?.toISOString() ?? null);
      }
    }
    return this.dataSource.transaction(async (manager) => {
      const [locked]: { seq: string }[] = await manager.query(
        'SELECT seq FROM experiment_event_watermark WHERE id = 1 FOR UPDATE',
      );
      if (locked.seq !== from) return null;
      if (columns[0].length > 0) await manager.query(FOLD, [from, range.upto, ...columns]);
      await manager.query('UPDATE experiment_event_watermark SET seq = $1 WHERE id = 1', [
        range.upto,
      ]);
      return Number(range.n);
    });
  }
}

/**
 * Folds events ($1, $2] into the subjects' totals and the variants' aggregates, in all and per
 * UTC day; $3..$5 are the running windows (experiment id, start, end or null). A day's row
 * holds what the events received that day added (a subject's events in one chunk go to the
 * day of the last one received), so the cumulative rows up to a day are what results showed
 * at its end.
 */
const FOLD = `WITH batch AS (
   SELECT x.experiment_id, x.variant_key, e.event_name, e.subject,
          count(*) AS events, sum(coalesce(e.value, 0)) AS total,
          (max(e.received_at) AT TIME ZONE 'UTC')::date AS day
   FROM experiment_event e
   JOIN experiment_exposure x ON x.environment_id = e.environment_id AND x.subject = e.subject
     AND (e.experiment_id IS NULL OR e.experiment_id = x.experiment_id)
   WHERE e.seq > $1 AND e.seq <= $2 AND e.occurred_at >= x.exposed_at
     AND EXISTS (
       SELECT 1 FROM unnest($3::uuid[], $4::timestamptz[], $5::timestamptz[]) AS w(experiment_id, started_at, ended_at)
       WHERE w.experiment_id = x.experiment_id AND e.occurred_at >= w.started_at
         AND (w.ended_at IS NULL OR e.occurred_at < w.ended_at))
   GROUP BY x.experiment_id, x.variant_key, e.event_name, e.subject),
 before AS (
   SELECT b.*, s.total AS old_total FROM batch b
   LEFT JOIN experiment_subject_metric s ON s.experiment_id = b.experiment_id
     AND s.event_name = b.event_name AND s.subject = b.subject),
 subjects AS (
   INSERT INTO experiment_subject_metric AS s (experiment_id, event_name, subject, variant_key, events, total)
   SELECT experiment_id, event_name, subject, variant_key, events, total FROM before
   ON CONFLICT ON CONSTRAINT pk_experiment_subject_metric
   DO UPDATE SET events = s.events + excluded.events, total = s.total + excluded.total),
 daily AS (
   INSERT INTO experiment_metric_daily AS d
     (experiment_id, variant_key, event_name, day, converters, events, sum, sum_of_squares)
   SELECT experiment_id, variant_key, event_name, day, count(*) FILTER (WHERE old_total IS NULL),
          sum(events), sum(total),
          sum((coalesce(old_total, 0) + total) ^ 2 - coalesce(old_total, 0) ^ 2)
   FROM before GROUP BY experiment_id, variant_key, event_name, day
   ON CONFLICT ON CONSTRAINT pk_experiment_metric_daily
   DO UPDATE SET converters = d.converters + excluded.converters, events = d.events + excluded.events,
     sum = d.sum + excluded.sum, sum_of_squares = d.sum_of_squares + excluded.sum_of_squares)
 INSERT INTO experiment_metric_total AS t
   (experiment_id, variant_key, event_name, converters, events, sum, sum_of_squares)
 SELECT experiment_id, variant_key, event_name, count(*) FILTER (WHERE old_total IS NULL),
        sum(events), sum(total),
        sum((coalesce(old_total, 0) + total) ^ 2 - coalesce(old_total, 0) ^ 2)
 FROM before GROUP BY experiment_id, variant_key, event_name
 ON CONFLICT ON CONSTRAINT pk_experiment_metric_total
 DO UPDATE SET converters = t.converters + excluded.converters, events = t.events + excluded.events,
   sum = t.sum + excluded.sum, sum_of_squares = t.sum_of_squares + excluded.sum_of_squares`;
