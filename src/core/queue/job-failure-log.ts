import { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '../database/database-errors';

/**
 * How both queue adapters log a failed job: a retry at warn, the last attempt at error. While
 * the database is down every job fails for that one reason, and recurring jobs retry every
 * few seconds: those retries are said once, until a job succeeds again, not once per attempt.
 */
export class JobFailureLog {
  private databaseDown = false;

  constructor(private readonly logger: Logger) {}

  /** `what` names the job and attempt, e.g. `Job RollupUsageJob 12 failed (attempt 1/5)`. */
  failed(what: string, error: unknown, outcome: 'will retry' | 'giving up'): void {
    const reason = error instanceof Error ? error.message : String(error);
    // A job given up is always said: nothing runs it again (a delivery, an apply is lost).
    if (isDatabaseUnavailable(error) && outcome === 'will retry') {
      if (this.databaseDown) return;
      this.databaseDown = true;
      this.logger.warn(
        `${what}, ${outcome}: ${reason}. Jobs failing while the database is unavailable are not logged again until one succeeds.`,
      );
      return;
    }
    if (outcome === 'giving up') this.logger.error(`${what}, giving up: ${reason}`);
    else this.logger.warn(`${what}, will retry: ${reason}`);
  }

  succeeded(): void {
    if (!this.databaseDown) return;
    this.databaseDown = false;
    this.logger.log('Jobs succeed again: the database is back');
  }
}
