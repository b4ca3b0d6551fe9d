import {
  generateToken,
  hashToken,
  isWellFormedToken,
  parseBearer,
  tokenDisplayPrefix,
} from './token.util';

describe('tokens', () => {
  it('generates 32 random bytes behind a bc_ prefix, different every time', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toMatch(/^bc_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(3), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('hashes with SHA-256 to hex', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('keeps a short display prefix', () => {
    expect(tokenDisplayPrefix('bc_abcdefghijklmnop')).toBe('bc_abcdefg');
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
    [['Bearer abc'], undefined],
  ])('parses %j as %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it('refuses tokens of absurd length or with odd characters', () => {
    expect(isWellFormedToken(generateToken())).toBe(true);
    expect(isWellFormedToken('short')).toBe(false);
    expect(isWellFormedToken('x'.repeat(600))).toBe(false);
    expect(isWellFormedToken('bc_has spaces in it here')).toBe(false);
  });
});
