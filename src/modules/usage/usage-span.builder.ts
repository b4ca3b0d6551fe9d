import { DAY_MS } from './usage-metric.util';
import { mergeByKey, SketchPair } from './usage-sketch.util';
import { SPAN_MAX_DAYS, SPAN_MIN_DAYS, SpanState, spansEndingIn } from './usage-span.util';

/** What the span statements run on: a transaction's EntityManager or a migration's QueryRunner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** Sketch rows merged into one span, per environment and config key. */
type SpanSketchRow = {
  environment_id: string;
  config_key: string;
  users: Uint8Array;
  devices: Uint8Array;
};

/**
 * The span state (usage_span_state, one row). `forUpdate` locks it to the end of the
 * transaction: the builder and every writer of day rows older than the span watermark take
 * this lock, so a span is never built from day rows that a concurrent writer is changing.
 */
export async function readSpanState(db: Queryable, forUpdate = false): Promise<SpanState> {
  const rows: { pruned_before: Date | null; built_until: Date | null }[] = await db.query(
    `SELECT pruned_before, built_until FROM usage_span_state WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
  );
  const row = rows[0];
  return {
    prunedBefore: row?.pruned_before ? new Date(row.pruned_before).getTime() : null,
    builtUntil: row?.built_until ? new Date(row.built_until).getTime() : null,
  };
}

/**
 * A writer changed day rows from `dayStart` on (a late count, a late sketch, the rollup's
 * re-sum): spans ending after it are no longer known complete, and are rebuilt by the next
 * build. Run in the writer's transaction, after its writes: it holds the state row's lock to
 * commit, so a build waits for the writes and then sees them.
 */
export async function invalidateSpansFrom(db: Queryable, dayStart: Date): Promise<void> {
  await db.query(
    `UPDATE usage_span_state SET built_until = least(built_until, date_trunc('day', $1::timestamptz, 'UTC')) WHERE id = 1`,
    [dayStart],
  );
}

/** Day rows (and their spans) before `before` were pruned. In the pruning transaction. */
export async function pruneSpans(db: Queryable, before: Date): Promise<void> {
  await db.query('DELETE FROM config_usage_span WHERE period_start < $1', [before]);
  await db.query(
    `UPDATE usage_span_state SET pruned_before = greatest(pruned_before, $1::timestamptz) WHERE id = 1`,
    [before],
  );
}

/**
 * Builds the spans that end at or before `settledBefore` (rounded down to a UTC midnight) and
 * after the last complete one: two-day spans from the day rows, each longer one from its two
 * halves, then marks them complete. In the caller's transaction; returns the spans built. The
 * first build (the migration's backfill) starts from the earliest day row.
 */
export async function buildUsageSpans(db: Queryable, settledBefore: number): Promise<number> {
  const state = await readSpanState(db, true);
  const until = Math.floor(settledBefore / DAY_MS) * DAY_MS;
  let after = state.builtUntil;
  if (after === null) {
    const [{ first }]: { first: Date | null }[] = await db.query(
      `SELECT least(
         (SELECT min(period_start) FROM config_usage_total WHERE granularity = 'day'),
         (SELECT min(period_start) FROM config_usage_sketch WHERE granularity = 'day')) AS first`,
    );
    after = first ? Math.floor(new Date(first).getTime() / DAY_MS) * DAY_MS : until;
  }
  let built = 0;
  for (let days = SPAN_MIN_DAYS; days <= SPAN_MAX_DAYS; days *= 2) {
    for (const span of spansEndingIn(after, until, days)) {
      await buildSpan(db, new Date(span.start), days);
      built += 1;
    }
  }
  await db.query('UPDATE usage_span_state SET built_until = $1 WHERE id = 1', [new Date(until)]);
  return built;
}

/** One span of every environment and config: from day rows (two days) or its two halves. */
async function buildSpan(db: Queryable, start: Date, days: number): Promise<void> {
  const end = new Date(start.getTime() + days * DAY_MS);
  const half = days / 2;
  await db.query('DELETE FROM config_usage_span WHERE period_start = $1 AND days = $2', [
    start,
    days,
  ]);
  const fromDays = days === SPAN_MIN_DAYS;
  const counts = fromDays
    ? `SELECT environment_id, config_key, evaluations, errors FROM config_usage_total
       WHERE granularity = 'day' AND period_start >= $1 AND period_start < $3`
    : `SELECT environment_id, config_key, evaluations, errors FROM config_usage_span
       WHERE days = $4 AND period_start >= $1 AND period_start < $3`;
  await db.query(
    `INSERT INTO config_usage_span (period_start, days, environment_id, config_key, evaluations, errors)
     SELECT $1, $2, environment_id, config_key, sum(evaluations), sum(errors)
     FROM (${counts}) c GROUP BY environment_id, config_key`,
    [start, days, end, ...(fromDays ? [] : [half])],
  );
  const sketches: SpanSketchRow[] = await db.query(
    fromDays
      ? `SELECT environment_id, config_key, users, devices FROM config_usage_sketch
         WHERE granularity = 'day' AND period_start >= $1 AND period_start < $2`
      : `SELECT environment_id, config_key, users, devices FROM config_usage_span
         WHERE days = $3 AND period_start >= $1 AND period_start < $2 AND users IS NOT NULL`,
    [start, end, ...(fromDays ? [] : [half])],
  );
  if (sketches.length === 0) return;
  const merged = await mergeByKey(
    new Map<string, SketchPair>(),
    sketches,
    (row) => `${row.environment_id}\u0000${row.config_key}`,
    (pair, row) => {
      pair.users.mergeRedis(row.users);
      pair.devices.mergeRedis(row.devices);
    },
  );
  const ids = [...merged.keys()].map((id) => id.split('\u0000'));
  const pairs = [...merged.values()];
  await db.query(
    `INSERT INTO config_usage_span (period_start, days, environment_id, config_key, users, devices)
     SELECT $1, $2, e, k, decode(u, 'hex'), decode(d, 'hex')
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) AS r(e, k, u, d)
     ON CONFLICT ON CONSTRAINT pk_config_usage_span DO UPDATE
       SET users = EXCLUDED.users, devices = EXCLUDED.devices`,
    [
      start,
      days,
      ids.map(([environmentId]) => environmentId),
      ids.map(([, configKey]) => configKey),
      pairs.map((pair) => pair.users.toRedis().toString('hex')),
      pairs.map((pair) => pair.devices.toRedis().toString('hex')),
    ],
  );
}
