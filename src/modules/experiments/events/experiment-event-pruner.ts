import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_CLOCK_SKEW_MS } from './track-events.util';

/** Raw events deleted per statement: short statements, short locks. */
export const EVENT_PRUNE_BATCH = 10_000;

const DAY_MS = 24 * 60 * 60_000;

export interface EventPruneOutcome {
  deleted: number;
  batches: number;
}

/**
 * Deletes raw experiment events that are both folded into the aggregates (at or below the
 * watermark) and older than the retention (by occurredAt). Results read only the aggregates,
 * so they do not change. The cutoff lies one clock skew further back than where ingestion
 * refuses events as expired, so a retry of a deleted event is refused even by a process whose
 * clock runs a little behind the worker's.
 */
@Injectable()
export class ExperimentEventPruner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async prune(
    now: number,
    retentionDays: number,
    batchSize = EVENT_PRUNE_BATCH,
  ): Promise<EventPruneOutcome> {
    const cutoff = new Date(now - retentionDays * DAY_MS - EVENT_CLOCK_SKEW_MS);
    const [mark]: { seq: string }[] = await this.dataSource.query(
      'SELECT seq FROM experiment_event_watermark WHERE id = 1',
    );
    const outcome: EventPruneOutcome = { deleted: 0, batches: 0 };
    // A cursor over seq: each batch starts after the last one, never rescanning kept rows.
    let after = '0';
    for (;;) {
      const [batch]: { n: string; upto: string | null }[] = await this.dataSource.query(
        `WITH doomed AS (
           SELECT seq FROM experiment_event
           WHERE seq > $1 AND seq <= $2 AND occurred_at < $3 ORDER BY seq LIMIT $4),
         gone AS (
           DELETE FROM experiment_event e USING doomed d WHERE e.seq = d.seq RETURNING e.seq)
         SELECT count(*) AS n, max(seq) AS upto FROM gone`,
        [after, mark.seq, cutoff, batchSize],
      );
      outcome.batches += 1;
      outcome.deleted += Number(batch.n);
      if (batch.upto === null || Number(batch.n) < batchSize) return outcome;
      after = batch.upto;
      // Let other work on this process (and its one embedded connection) go between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
