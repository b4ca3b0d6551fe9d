import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from './database-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a pool wait that timed out', new Error('timeout exceeded when trying to connect')],
    ['a connect that timed out', new Error('Connection terminated due to connection timeout')],
    ['a query without an answer', new Error('Query read timeout')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    [
      'a statement timeout',
      new QueryFailedError('UPDATE x', [], withCode('canceling statement', '57014')),
    ],
    ['a server shutting down', withCode('terminating connection', '57P01')],
    ['a connection exception', withCode('connection failure', '08006')],
    [
      'a multi-address connect',
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]),
    ],
    ['a wrapped cause', new Error('load failed', { cause: new Error('Query read timeout') })],
    ['an error from another realm', { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' }],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('duplicate key', '23505'))],
    ['a syntax error', withCode('syntax error', '42601')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('leaves %s alone', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('constraint violations', () => {
  const failed = (code: string, constraint?: string) =>
    new QueryFailedError('INSERT', [], Object.assign(withCode('violation', code), { constraint }));

  it('recognises a unique violation, of any constraint or of the one named', () => {
    expect(isUniqueViolation(failed('23505', 'uq_a'))).toBe(true);
    expect(isUniqueViolation(failed('23505', 'uq_a'), 'uq_a')).toBe(true);
    expect(isUniqueViolation(failed('23505', 'uq_a'), 'uq_b')).toBe(false);
    expect(isUniqueViolation(failed('23503', 'fk_a'))).toBe(false);
  });

  it('recognises a foreign key violation', () => {
    expect(isForeignKeyViolation(failed('23503', 'fk_a'))).toBe(true);
    expect(isForeignKeyViolation(failed('23505', 'uq_a'))).toBe(false);
  });

  it('leaves errors that are not failed queries alone', () => {
    expect(isUniqueViolation(withCode('duplicate key', '23505'))).toBe(false);
    expect(isForeignKeyViolation(undefined)).toBe(false);
  });
});
