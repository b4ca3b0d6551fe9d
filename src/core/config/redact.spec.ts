import { displayValue, redactSecrets, redactUrl } from './redact';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['postgres://db/app?user=app&password=s3cret', 'postgres://db/app?user=app&password=***'],
    ['postgres://app@db/app', 'postgres://app@db/app'],
    ['postgres//app:s3cret@db/app', 'postgres//***@db/app'],
  ])('hides the credentials of %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('displayValue', () => {
  it('hides secret settings, even invalid ones, saying only their length', () => {
    expect(displayValue('ADMIN_TOKEN', 'short-token')).toBe('(hidden, 11 characters)');
  });

  it('quotes other values', () => {
    expect(displayValue('PORT', 'eighty')).toBe('"eighty"');
    expect(displayValue('DATABASE_URL', 'mysql://u:p4ss@h/db')).toBe('"mysql://u:***@h/db"');
  });
});

describe('redactSecrets', () => {
  const env = {
    ADMIN_TOKEN: 'admin-token-0123456789',
    DATABASE_URL: 'postgres://app:p%40ss-word@db/app',
    REDIS_URL: 'redis://:redis-pass@cache:6379?token=abc123',
    PORT: '4000',
  };

  it('replaces every secret of the environment that occurs in a message', () => {
    const message =
      'failed: admin-token-0123456789 / postgres://app:p%40ss-word@db/app / p@ss-word / redis-pass / abc123';
    expect(redactSecrets(message, env)).toBe(
      'failed: *** / postgres://app:***@db/app / *** / *** / ***',
    );
  });

  it('leaves a message without secrets as it is', () => {
    expect(redactSecrets('listening on port 4000', env)).toBe('listening on port 4000');
  });
});
