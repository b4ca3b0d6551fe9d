import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { canonicalJson } from '../../engine/canonical-json';
import { DataSource } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { EvaluationService } from '../evaluation/evaluation.service';
import { ReportUsagePayload } from './dto/report-usage.input';
import { UsageChannel, UsageCount, UsageMetric } from './usage-metric.util';
import { UsageRecorder } from './usage-recorder';
import { readUsageReport, UsageReport, UsageReportEntry } from './usage-report.util';

/**
 * SDK usage reports (`reportUsage`, `POST /v1/usage`). The batch id is stored at once, so a
 * retry is answered the same and not counted again; the counts join this process's usage
 * counts and are written with its next flush, in the minute each entry's period starts in
 * (like every count, a crash loses at most one flush interval of them).
 */
@Injectable()
export class UsageReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly evaluation: EvaluationService,
    private readonly recorder: UsageRecorder,
  ) {}

  /** `root` is where paths in errors start: `input` for GraphQL, empty for HTTP. */
  async report(actor: Actor, raw: unknown, root: string): Promise<ReportUsagePayload> {
    const read = readUsageReport(raw, root, Date.now());
    if ('issues' in read) {
      const summary = read.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw AppError.badInput(`Invalid usage report: ${summary}`, read.issues);
    }
    const { report } = read;
    const snapshot = await this.evaluation.snapshotFor(actor, report.environment);
    const environmentId = snapshot.environmentId;
    const payload: ReportUsagePayload = { batchId: report.batchId, accepted: 0, rejected: [] };
    const counted: { entry: UsageReportEntry; counts: UsageCount[] }[] = [];
    report.entries.forEach((entry, index) => {
      if (snapshot.get(entry.key)) {
        counted.push({ entry, counts: countsOfEntry(environmentId, entry) });
        payload.accepted += 1;
      } else {
        payload.rejected.push({ index, key: entry.key, errorCode: 'FLAG_NOT_FOUND' });
      }
    });
    const hash = contentHash(report);
    const inserted = await this.dataSource.query(
      `INSERT INTO usage_report_batch (environment_id, batch_id, content_hash, response)
       VALUES ($1, $2, $3, $4) ON CONFLICT ON CONSTRAINT pk_usage_report_batch DO NOTHING
       RETURNING batch_id`,
      [environmentId, report.batchId, hash, payload],
    );
    if (inserted.length > 0) {
      for (const { entry, counts } of counted) this.recorder.addReported(counts, entry.periodStart);
      return payload;
    }
    // Seen before (a concurrent insert of the same id waited for the other to commit).
    const [seen] = await this.dataSource.query(
      'SELECT content_hash, response FROM usage_report_batch WHERE environment_id = $1 AND batch_id = $2',
      [environmentId, report.batchId],
    );
    if (seen.content_hash === hash) return seen.response as ReportUsagePayload;
    const path = root ? `${root}.batchId` : 'batchId';
    throw AppError.badInput(`Invalid usage report: ${path}: already used for another report`, [
      {
        path,
        rule: 'reused',
        message: 'this batch id was already used for a report with other content; use a new id',
      },
    ]);
  }
}

function countsOfEntry(environmentId: string, entry: UsageReportEntry): UsageCount[] {
  const count = (metric: UsageMetric, dimension: string, n: number): UsageCount => ({
    environmentId,
    configKey: entry.key,
    metric,
    dimension,
    count: n,
  });
  return [
    count(UsageMetric.Evaluations, UsageChannel.Sdk, entry.evaluations),
    count(UsageMetric.CacheHit, '', entry.cacheHits),
    count(UsageMetric.CacheMiss, '', entry.cacheMisses),
    ...entry.errors.map((error) => count(UsageMetric.Error, error.code, error.count)),
  ].filter((c) => c.count > 0);
}

/** What makes two reports with one batch id the same report. */
function contentHash(report: UsageReport): string {
  const { environment: _environment, ...content } = report;
  return createHash('sha256')
    .update(canonicalJson(JSON.parse(JSON.stringify(content)))!)
    .digest('hex');
}
