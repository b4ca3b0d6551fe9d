import { describe, expect, it } from 'vitest';
import { describeSampleRate, parseSamplePercent, toFetchLogFilter } from './fetch-log-filter';

const empty = { key: '', userId: '', deviceId: '', from: '', to: '' };

describe('toFetchLogFilter', () => {
  it('sends only the fields typed, trimmed', () => {
    expect(toFetchLogFilter(empty)).toEqual({ filter: {} });
    expect(toFetchLogFilter({ ...empty, key: ' checkout.banner ', userId: 'u-1 ' })).toEqual({
      filter: { key: 'checkout.banner', userId: 'u-1' },
    });
    expect(toFetchLogFilter({ ...empty, deviceId: 'd-9' })).toEqual({
      filter: { deviceId: 'd-9' },
    });
  });

  it('reads from and to in the local time zone', () => {
    const result = toFetchLogFilter({ ...empty, from: '2026-12-01T08:30', to: '2026-12-02T00:00' });
    expect(result).toEqual({
      filter: {
        from: new Date(2026, 11, 1, 8, 30).toISOString(),
        to: new Date(2026, 11, 2).toISOString(),
      },
    });
  });

  it('refuses a range that ends before it starts, and text that is no date', () => {
    expect(
      toFetchLogFilter({ ...empty, from: '2026-12-02T00:00', to: '2026-12-01T00:00' }),
    ).toEqual({ error: 'From must be before To' });
    expect(toFetchLogFilter({ ...empty, from: 'soon' })).toEqual({
      error: 'From is not a date and time',
    });
  });
});

describe('sample rates', () => {
  it('describes a rate', () => {
    expect(describeSampleRate(0)).toBe('off');
    expect(describeSampleRate(1)).toBe('every request');
    expect(describeSampleRate(0.01)).toBe('1 % of requests');
    expect(describeSampleRate(0.125)).toBe('12.5 % of requests');
  });

  it('reads a typed percentage', () => {
    expect(parseSamplePercent('100')).toEqual({ rate: 1 });
    expect(parseSamplePercent(' 2.5 % ')).toEqual({ rate: 0.025 });
    expect(parseSamplePercent('0')).toEqual({ rate: 0 });
    for (const bad of ['', '-1', '101', 'all']) {
      expect(parseSamplePercent(bad)).toEqual({
        error: 'Sample rate must be a percentage from 0 to 100',
      });
    }
  });
});
