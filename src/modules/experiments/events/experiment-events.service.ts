import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../../../core/auth/actor';
import { AppConfig } from '../../../core/config/app-config';
import { AppError } from '../../../core/errors/app-error';
import { EvaluationService } from '../../evaluation/evaluation.service';
import { RejectedEvent, TrackEventsPayload } from './dto/track-events.input';
import { ExperimentDirectory } from './experiment-directory';
import {
  EventRejection,
  isExpired,
  isFuture,
  readTrackEvents,
  TrackedEvent,
} from './track-events.util';

/**
 * Experiment events (`trackEvents`, `POST /v1/events`): checked, then stored with one
 * multi-row insert that skips ids the environment already has. They count toward results only
 * when the aggregation job folds them in (see ExperimentAggregator).
 */
@Injectable()
export class ExperimentEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly evaluation: EvaluationService,
    private readonly experiments: ExperimentDirectory,
    private readonly config: AppConfig,
  ) {}

  /** `root` is where paths in errors start: `input` for GraphQL, empty for HTTP. */
  async track(actor: Actor, raw: unknown, root: string): Promise<TrackEventsPayload> {
    const read = readTrackEvents(raw, root);
    if ('issues' in read) {
      const summary = read.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw AppError.badInput(`Invalid events: ${summary}`, read.issues);
    }
    const { request } = read;
    const environmentId = (await this.evaluation.snapshotFor(actor, request.environment))
      .environmentId;
    const keys = [
      ...new Set(request.events.flatMap((e) => (e.experimentKey ? [e.experimentKey] : []))),
    ];
    const ids = keys.length > 0 ? await this.experiments.idsByKey(environmentId, keys) : new Map();
    const now = Date.now();
    const rejected: RejectedEvent[] = [];
    const stored: { event: TrackedEvent; experimentId: string | null }[] = [];
    request.events.forEach((event, index) => {
      const reject = (errorCode: EventRejection) =>
        rejected.push({ index, id: event.id, errorCode });
      if (isFuture(event, now)) return reject(EventRejection.FutureTimestamp);
      if (isExpired(event, now, this.config.EXPERIMENT_EVENT_RETENTION_DAYS)) {
        return reject(EventRejection.Expired);
      }
      const experimentId = event.experimentKey ? ids.get(event.experimentKey) : null;
      if (experimentId === undefined) return reject(EventRejection.ExperimentNotFound);
      stored.push({ event, experimentId });
    });
    const accepted = stored.length > 0 ? await this.insert(environmentId, stored) : 0;
    return { accepted, duplicates: stored.length - accepted, rejected };
  }

  private async insert(
    environmentId: string,
    stored: { event: TrackedEvent; experimentId: string | null }[],
  ): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO experiment_event (environment_id, event_id, experiment_id, event_name, subject, value, occurred_at)
         SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::float8[], $7::timestamptz[])
         ON CONFLICT ON CONSTRAINT uq_experiment_event_id DO NOTHING
         RETURNING 1)
       SELECT count(*) AS n FROM inserted`,
      [
        environmentId,
        stored.map((s) => s.event.id),
        stored.map((s) => s.experimentId),
        stored.map((s) => s.event.eventName),
        stored.map((s) => s.event.subject),
        stored.map((s) => s.event.value ?? null),
        stored.map((s) => s.event.occurredAt.toISOString()),
      ],
    );
    return Number(rows[0].n);
  }
}
