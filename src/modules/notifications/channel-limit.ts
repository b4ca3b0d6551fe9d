import { EntityManager } from 'typeorm';
import { AppError } from '../../core/errors/app-error';

/** Webhook endpoints, and email recipients, one environment may have: each event fans out to all. */
export const MAX_CHANNELS_PER_ENVIRONMENT = 50;

/**
 * Refuses a new channel past the limit. Creations of one table and environment are
 * serialised by an advisory lock held until the caller's transaction ends, so two at once
 * cannot both take the last place.
 */
export async function assertRoomForChannel(
  manager: EntityManager,
  table: 'webhook_endpoint' | 'email_recipient',
  environmentId: string,
): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${table}:${environmentId}`]);
  const [{ count }]: { count: number }[] = await manager.query(
    `SELECT count(*)::int AS count FROM ${table} WHERE environment_id = $1`,
    [environmentId],
  );
  if (count >= MAX_CHANNELS_PER_ENVIRONMENT) {
    throw AppError.badInput(`An environment has at most ${MAX_CHANNELS_PER_ENVIRONMENT} of these`, [
      {
        path: 'input.environment',
        rule: 'maxChannels',
        message: `the environment already has ${count}; delete one first`,
      },
    ]);
  }
}
