import { PreparedEntry } from '../history/history.service';
import { ChangeEvent } from '../realtime/outbox-event.entity';
import { ExclusiveActivityKind } from './config-exclusive-activity.entity';

/** A parameterised SQL statement ($1, $2, …). */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * What a change does to its config's exclusive activity (`config_exclusive_activity`): a start
 * claims it — a row there already, or one a concurrent start just wrote, fails the whole
 * statement with a unique violation on its primary key — and an end releases its own.
 */
export type ActivityChange =
  | { claim: { configId: string; kind: ExclusiveActivityKind; id: string; environmentId: string } }
  | { release: { configId: string; id: string } };

/** The name under which a change's precondition write is visible to the config write. */
export const PRECONDITION = 'precondition';

/**
 * The SQLSTATE of a change statement undone because its precondition wrote and its config
 * write did not (raised by `change_precondition_unmet()`, migration ChangePreconditionGuard).
 */
export const PRECONDITION_UNMET = 'BC409';

/**
 * The whole of a config change as one statement, so it commits on its own and holds the
 * environment's row lock only while PostgreSQL runs it, never across a round trip to the
 * application: the config write (`write`, which must RETURN the row), then — only if it
 * wrote a row — the revision bump, which also extends the environment's hash chain
 * (hash = sha256(prevHash + canonical JSON), the canonical JSON completed with the revision
 * it assigns), the change-log entry and the outbox event. A `precondition` write runs first,
 * under the name PRECONDITION, for the config write to require (if it wrote and the config
 * write did not, the statement fails with PRECONDITION_UNMET and nothing is written); an
 * `activity` change runs only if the config write wrote a row. Returns the written row with
 * `revision`, or no row when the write matched nothing (stale version, duplicate key).
 */
export function changeStatement(
  write: Statement,
  entry: PreparedEntry,
  event: Pick<ChangeEvent, 'type' | 'payload'>,
  precondition?: Statement,
  activity?: ActivityChange,
): Statement {
  const params = [...write.params];
  // Its placeholders follow the write's: $1 of the precondition is $(n + 1) here.
  const prelude = precondition
    ? `${PRECONDITION} AS (${precondition.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + params.length}`)}),\n`
    : '';
  if (precondition) params.push(...precondition.params);
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const f = entry.fields;
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  const sql = `WITH ${prelude}config AS (${write.sql}),
${activity ? `activity AS (${activityWrite(activity, p)}),\n` : ''}revision AS (
  UPDATE environment
  SET revision = revision + 1,
      chain_prev = chain_head,
      chain_head = encode(sha256(convert_to(
        coalesce(chain_head, '') || ${p(entry.hashHead)}::text || (revision + 1)::text || ${p(entry.hashTail)}::text,
        'UTF8')), 'hex')
  WHERE id = ${p(f.environmentId)}::uuid AND ${
    precondition
      ? // A precondition that wrote without its config write fails the whole statement.
        `CASE WHEN EXISTS (SELECT 1 FROM config) THEN true
        WHEN EXISTS (SELECT 1 FROM ${PRECONDITION}) THEN change_precondition_unmet()
        ELSE false END`
      : 'EXISTS (SELECT 1 FROM config)'
  }
  RETURNING id, revision, chain_prev, chain_head),
entry AS (
  INSERT INTO config_change_log (id, environment_id, config_id, config_key, action, before,
    after, diff, actor_id, actor_name, actor_kind, comment, config_version, created_at,
    environment_revision, prev_hash, hash)
  SELECT ${p(f.id)}::uuid, r.id, ${p(f.configId)}::uuid, ${p(f.configKey)}::text,
    ${p(f.action)}::text, ${p(json(f.before))}::jsonb, ${p(json(f.after))}::jsonb,
    ${p(json(f.diff))}::jsonb, ${p(f.actorId)}::uuid, ${p(f.actorName)}::text,
    ${p(f.actorKind)}::text, ${p(f.comment)}::text, ${p(f.configVersion)}::integer,
    ${p(f.createdAt)}::timestamptz, r.revision, r.chain_prev, r.chain_head
  FROM revision r),
event AS (
  INSERT INTO outbox_event (environment_id, revision, type, payload)
  SELECT r.id, r.revision, ${p(event.type)}::text, ${p(json(event.payload))}::jsonb
  FROM revision r)
SELECT config.*, r.revision FROM config, revision r`;
  return { sql, params };
}

/** The claim or release of a config's exclusive activity, only once the config write wrote. */
function activityWrite(activity: ActivityChange, p: (value: unknown) => string): string {
  if ('claim' in activity) {
    const { configId, kind, id, environmentId } = activity.claim;
    return `INSERT INTO config_exclusive_activity (config_id, kind, activity_id, environment_id)
  SELECT ${p(configId)}::uuid, ${p(kind)}::text, ${p(id)}::uuid, ${p(environmentId)}::uuid
  WHERE EXISTS (SELECT 1 FROM config)`;
  }
  const { configId, id } = activity.release;
  return `DELETE FROM config_exclusive_activity
  WHERE config_id = ${p(configId)}::uuid AND activity_id = ${p(id)}::uuid
    AND EXISTS (SELECT 1 FROM config)`;
}
