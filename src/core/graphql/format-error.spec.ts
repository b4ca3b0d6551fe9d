import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from '../errors/app-error';
import { formatGraphQLError } from './format-error';

describe('formatGraphQLError', () => {
  const formatted = {
    message: 'raw',
    path: ['me'],
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] },
  };

  it('keeps an AppError code and details', () => {
    const error = new GraphQLError('raw', {
      originalError: AppError.conflict('Stale', { currentVersion: 3 }),
    });
    expect(formatGraphQLError(formatted, error)).toEqual({
      message: 'Stale',
      path: ['me'],
      locations: undefined,
      extensions: { code: ErrorCode.Conflict, currentVersion: 3 },
    });
  });

  it('masks an unexpected error and hides its message', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = new GraphQLError('raw', {
      originalError: new Error('password=hunter2 in connection string'),
    });
    const result = formatGraphQLError(formatted, error);
    expect(result.message).toBe('Internal server error');
    expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('passes request errors through without stack traces', () => {
    const result = formatGraphQLError(
      {
        message: 'Cannot query field "x"',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['s'] },
      },
      new GraphQLError('Cannot query field "x"'),
    );
    expect(result).toEqual({
      message: 'Cannot query field "x"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('turns an unreachable database into a retryable SERVICE_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const result = formatGraphQLError(
      formatted,
      new GraphQLError('raw', { originalError: refused }),
    );
    expect(result.extensions).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      dependency: 'database',
      retryAfterSeconds: 5,
    });
    expect(result.message).not.toContain('127.0.0.1');
  });

  it('gives a variable coercion error the path and rule of a validation issue', () => {
    const message =
      'Variable "$input" got invalid value "LATENCY" at "input.condition"; Value "LATENCY" does not exist in "AlertCondition" enum.';
    const result = formatGraphQLError(
      { message, extensions: { code: 'BAD_USER_INPUT' } },
      new GraphQLError(message),
    );
    expect(result.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      validationErrors: [
        {
          path: 'input.condition',
          rule: 'type',
          message: 'Value "LATENCY" does not exist in "AlertCondition" enum.',
        },
      ],
    });
  });

  it('clips a request error that repeats a huge value, in its message and its issue', () => {
    const value = 'x'.repeat(900_000);
    const message = `Variable "$n" got invalid value "${value}"; Int cannot represent non-integer value: "${value}"`;
    const result = formatGraphQLError(
      { message, extensions: { code: 'BAD_USER_INPUT' } },
      new GraphQLError(message),
    );
    expect(result.message.length).toBeLessThanOrEqual(1001);
    expect(result.message).toMatch(/^Variable "\$n" got invalid value "x+…$/);
    expect(result.extensions?.validationErrors).toEqual([
      {
        path: 'n',
        rule: 'type',
        message: expect.stringMatching(/^Int cannot represent .{900,1000}$/),
      },
    ]);
  });

  it.each([
    ['Variable "$id" got invalid value 5; ID cannot represent value: 5', 'id', 'type'],
    [
      'Variable "$input" got invalid value {}; Field "name" of required type "String!" was not provided.',
      'input.name',
      'required',
    ],
    [
      'Variable "$input" got invalid value {} at "input.candidate"; Field "value" of required type "JSON!" was not provided.',
      'input.candidate.value',
      'required',
    ],
    ['Variable "$id" of required type "ID!" was not provided.', 'id', 'required'],
    ['Variable "$id" of non-null type "ID!" must not be null.', 'id', 'required'],
  ])('reads the path of %s', (message, path, rule) => {
    const result = formatGraphQLError(
      { message, extensions: { code: 'BAD_USER_INPUT' } },
      new GraphQLError(message),
    );
    expect(result.extensions?.validationErrors).toEqual([expect.objectContaining({ path, rule })]);
  });
});
