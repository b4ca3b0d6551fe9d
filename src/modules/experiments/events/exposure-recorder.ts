import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EvaluationResult } from '../../../engine/evaluation/result';
import { exposureSourceOf } from '../../../engine/evaluation/exposure-sources';

/**
 * Distinct (experiment, subject) pairs held between flushes, pending ones included: about
 * 200 bytes each, so at most some 20 MB. Beyond it new pairs are dropped until the next
 * flush; a dropped subject is exposed again the next time it is served.
 */
export const MAX_PENDING_EXPOSURES = 100_000;

interface PendingExposure {
  environmentId: string;
  variantKey: string;
  exposedAt: number;
}

/**
 * Exposures seen by this process: the first time a subject is served a running experiment's
 * variant. Held in memory (deduplicated per experiment and subject, the earliest time kept)
 * and written with the usage flush as one insert that skips pairs already stored, the
 * per-variant exposure counts (in all and per UTC day) raised in the same statement by the
 * rows it inserted.
 */
@Injectable()
export class ExposureRecorder {
  private readonly logger = new Logger(ExposureRecorder.name);
  /** By experiment id, then subject. */
  private pending = new Map<string, Map<string, PendingExposure>>();
  private size = 0;
  private dropped = 0;
  private failing = false;
  /** The clock, replaceable in tests. */
  now: () => number = Date.now;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Notes the result if it is an experiment's variant and the context names its subject. */
  add(
    environmentId: string,
    result: EvaluationResult,
    context: unknown,
    targetingKey?: string,
  ): void {
    const source = exposureSourceOf(result);
    if (!source) return;
    const subject = source.subject(context, targetingKey);
    if (subject === undefined) return;
    this.hold(source.experimentId, subject, {
      environmentId,
      variantKey: source.variantKey,
      exposedAt: this.now(),
    });
  }

  private hold(experimentId: string, subject: string, exposure: PendingExposure): void {
    let subjects = this.pending.get(experimentId);
    if (!subjects) this.pending.set(experimentId, (subjects = new Map()));
    const held = subjects.get(subject);
    if (held) {
      if (exposure.exposedAt < held.exposedAt) subjects.set(subject, exposure);
      return;
    }
    if (this.size >= MAX_PENDING_EXPOSURES) {
      this.dropped += 1;
      return;
    }
    subjects.set(subject, exposure);
    this.size += 1;
  }

  /** Writes what is held; on failure keeps it for the next flush. Returns the rows inserted. */
  async flush(): Promise<number> {
    const pending = this.pending;
    this.pending = new Map();
    this.size = 0;
    if (this.dropped > 0) {
      this.logger.warn(`Dropped ${this.dropped} exposures over ${MAX_PENDING_EXPOSURES} held`);
      this.dropped = 0;
    }
    if (pending.size === 0) return 0;
    const columns: [string[], string[], string[], string[], string[]] = [[], [], [], [], []];
    // In key order, so two processes inserting the same pairs wait for each other, not deadlock.
    const experimentIds = [...pending.keys()].sort();
    for (const experimentId of experimentIds) {
      const subjects = pending.get(experimentId)!;
      for (const subject of [...subjects.keys()].sort()) {
        const exposure = subjects.get(subject)!;
        columns[0].push(experimentId);
        columns[1].push(subject);
        columns[2].push(exposure.environmentId);
        columns[3].push(exposure.variantKey);
        columns[4].push(new Date(exposure.exposedAt).toISOString());
      }
    }
    try {
      const rows: { n: string }[] = await this.dataSource.query(
        `WITH inserted AS (
           INSERT INTO experiment_exposure (experiment_id, subject, environment_id, variant_key, exposed_at)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[])
           ON CONFLICT ON CONSTRAINT pk_experiment_exposure DO NOTHING
           RETURNING experiment_id, variant_key, exposed_at),
         daily AS (
           INSERT INTO experiment_exposure_daily AS d (experiment_id, variant_key, day, exposures)
           SELECT experiment_id, variant_key, (exposed_at AT TIME ZONE 'UTC')::date, count(*)
           FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
           ON CONFLICT ON CONSTRAINT pk_experiment_exposure_daily
           DO UPDATE SET exposures = d.exposures + excluded.exposures),
         counted AS (
           INSERT INTO experiment_exposure_count AS c (experiment_id, variant_key, exposures)
           SELECT experiment_id, variant_key, count(*) FROM inserted GROUP BY experiment_id, variant_key
           ORDER BY experiment_id, variant_key
           ON CONFLICT ON CONSTRAINT pk_experiment_exposure_count
           DO UPDATE SET exposures = c.exposures + excluded.exposures
           RETURNING exposures)
         SELECT count(*) AS n FROM inserted`,
        columns,
      );
      if (this.failing) this.logger.log('Exposures are written again');
      this.failing = false;
      return Number(rows[0].n);
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          `Writing exposures failed; they are kept for the next try: ${String(error)}`,
        );
        this.failing = true;
      }
      for (const [experimentId, subjects] of pending) {
        for (const [subject, exposure] of subjects) this.hold(experimentId, subject, exposure);
      }
      return 0;
    }
  }
}
