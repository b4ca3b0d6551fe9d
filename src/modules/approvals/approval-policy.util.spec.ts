import { governingPolicy, keyMatches } from './approval-policy.util';

describe('keyMatches', () => {
  it.each([
    ['checkout.*', 'checkout.retries', true],
    ['checkout.*', 'checkout.', true],
    ['checkout.*', 'checkoutx.retries', false],
    ['*.retries', 'checkout.retries', true],
    ['checkout.retries', 'checkout.retries', true],
    ['checkout.retries', 'checkout-retries', false],
    ['check*out*', 'checkout', true],
    ['*', 'anything.at-all_1', true],
    ['a-b.c', 'a-b.c', true],
    ['a-b.c', 'a-bxc', false],
  ])('%s against %s: %s', (pattern, key, expected) => {
    expect(keyMatches(pattern, key)).toBe(expected);
  });

  it('never matches a pattern outside the key alphabet', () => {
    expect(keyMatches('(a+)+$', 'aaaa')).toBe(false);
    expect(keyMatches('CHECKOUT', 'checkout')).toBe(false);
  });
});

describe('governingPolicy', () => {
  const everywhere = { name: 'default', configKeyPattern: null };
  const checkout = { name: 'checkout', configKeyPattern: 'checkout.*' };
  const retries = { name: 'retries', configKeyPattern: 'checkout.retries' };
  const anyRetries = { name: 'any-retries', configKeyPattern: '*.retries' };

  it('takes the most specific matching pattern, then the environment-wide policy', () => {
    const policies = [everywhere, checkout, retries, anyRetries];
    expect(governingPolicy(policies, 'checkout.retries')).toBe(retries);
    expect(governingPolicy(policies, 'checkout.enabled')).toBe(checkout);
    expect(governingPolicy(policies, 'search.retries')).toBe(anyRetries);
    expect(governingPolicy(policies, 'search.enabled')).toBe(everywhere);
  });

  it('breaks a tie in specificity by name, and finds nothing without a match', () => {
    const b = { name: 'b', configKeyPattern: 'x*' };
    const a = { name: 'a', configKeyPattern: '*x' };
    expect(governingPolicy([b, a], 'x')).toBe(a);
    expect(governingPolicy([checkout], 'search.enabled')).toBeNull();
  });
});
