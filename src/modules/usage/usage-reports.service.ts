import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { DataSource } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { EvaluationService } from '../evaluation/evaluation.service';
import { ReportUsagePayload } from './dto/report-usage.input';
import {
  periodStart,
  UsageChannel,
  UsageCount,
  UsageGranularity,
  UsageMetric,
  UsageRows,
} from './usage-metric.util';
import { UsageRecorder } from './usage-recorder';
import { readUsageReport, UsageReport, UsageReportEntry } from './usage-report.util';
import { UsageRepository } from './usage.repository';

/**
 * SDK usage reports (`reportUsage`, `POST /v1/usage`): counted at once, in the request's own
 * transaction with the batch id that makes a retry harmless. Each entry counts in the minute,
 * hour and day its period starts in.
 */
@Injectable()
export class UsageReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly evaluation: EvaluationService,
    private readonly repository: UsageRepository,
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
    const rows = new UsageRows();
    for (const { entry, counts } of counted) {
      for (const granularity of Object.values(UsageGranularity)) {
        const start = new Date(periodStart(entry.periodStart.getTime(), granularity));
        for (const count of counts) rows.add({ ...count, granularity, periodStart: start });
      }
    }
    const hash = contentHash(report);
    const answer = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query(
        `INSERT INTO usage_report_batch (environment_id, batch_id, content_hash, response)
         VALUES ($1, $2, $3, $4) ON CONFLICT ON CONSTRAINT pk_usage_report_batch DO NOTHING
         RETURNING batch_id`,
        [environmentId, report.batchId, hash, payload],
      );
      if (inserted.length > 0) {
        await this.repository.add(rows.values(), manager);
        return { payload, fresh: true };
      }
      const [seen] = await manager.query(
        'SELECT content_hash, response FROM usage_report_batch WHERE environment_id = $1 AND batch_id = $2',
        [environmentId, report.batchId],
      );
      if (seen.content_hash !== hash) {
        const path = root ? `${root}.batchId` : 'batchId';
        throw AppError.badInput(`Invalid usage report: ${path}: already used for another report`, [
          {
            path,
            rule: 'reused',
            message: 'this batch id was already used for a report with other content; use a new id',
          },
        ]);
      }
      return { payload: seen.response as ReportUsagePayload, fresh: false };
    });
    if (answer.fresh) await this.recorder.observe(counted.flatMap(({ counts }) => counts));
    return answer.payload;
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
    .update(canonicalize(JSON.parse(JSON.stringify(content)))!)
    .digest('hex');
}
