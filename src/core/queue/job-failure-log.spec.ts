import { Logger } from '@nestjs/common';
import { JobFailureLog } from './job-failure-log';

describe('JobFailureLog', () => {
  const logged: [string, string][] = [];
  const logger = {
    log: (message: string) => logged.push(['log', message]),
    warn: (message: string) => logged.push(['warn', message]),
    error: (message: string) => logged.push(['error', message]),
  } as unknown as Logger;
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
  });

  beforeEach(() => {
    logged.length = 0;
  });

  it('logs a retry as a warning and the last attempt as an error', () => {
    const failures = new JobFailureLog(logger);
    failures.failed('Job A 1 failed (attempt 1/5)', new Error('boom'), 'will retry');
    failures.failed('Job A 1 failed (attempt 5/5)', new Error('boom'), 'giving up');
    expect(logged).toEqual([
      ['warn', 'Job A 1 failed (attempt 1/5), will retry: boom'],
      ['error', 'Job A 1 failed (attempt 5/5), giving up: boom'],
    ]);
  });

  it('says once that jobs are retried while the database is down, then once that it is back', () => {
    const failures = new JobFailureLog(logger);
    failures.failed('Job A 1 failed (attempt 1/5)', refused, 'will retry');
    failures.failed('Job B 2 failed (attempt 5/5)', refused, 'giving up');
    failures.failed('Job A 1 failed (attempt 2/5)', refused, 'will retry');
    // Another reason is still logged while the database is down.
    failures.failed('Job C 3 failed (attempt 1/5)', new Error('boom'), 'will retry');
    failures.succeeded();
    failures.succeeded();
    failures.failed('Job A 4 failed (attempt 1/5)', refused, 'will retry');
    expect(logged.map(([level, message]) => [level, message.slice(0, 46)])).toEqual([
      ['warn', 'Job A 1 failed (attempt 1/5), will retry: conn'],
      // A job given up is said even while the database is down.
      ['error', 'Job B 2 failed (attempt 5/5), giving up: conne'],
      ['warn', 'Job C 3 failed (attempt 1/5), will retry: boom'],
      ['log', 'Jobs succeed again: the database is back'],
      ['warn', 'Job A 4 failed (attempt 1/5), will retry: conn'],
    ]);
  });
});
