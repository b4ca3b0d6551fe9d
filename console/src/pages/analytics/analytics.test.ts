import { describe, expect, it } from 'vitest';
import {
  customRange,
  hourlyAllowed,
  periodLabel,
  presetGranularity,
  presetRange,
  rangeLabel,
  timezoneOptions,
} from './analytics-range';
import { chartSummary, countChart, formatRate, rateChart, type PointLike } from './series';

const NOW = new Date('2026-12-02T13:30:00Z');

describe('range presets', () => {
  it('end now and reach back their length', () => {
    expect(presetRange('24h', NOW)).toEqual({
      from: '2026-12-01T13:30:00.000Z',
      to: '2026-12-02T13:30:00.000Z',
    });
    expect(presetRange('90d', NOW).from).toBe('2026-09-03T13:30:00.000Z');
  });

  it('use hours up to a week and days beyond, as the API allows', () => {
    expect(presetGranularity('24h')).toBe('HOUR');
    expect(presetGranularity('7d')).toBe('HOUR');
    expect(presetGranularity('30d')).toBe('DAY');
    expect(presetGranularity('90d')).toBe('DAY');
    expect(hourlyAllowed(presetRange('30d', NOW))).toBe(true);
    expect(hourlyAllowed(presetRange('90d', NOW))).toBe(false);
  });
});

describe('custom ranges in a time zone', () => {
  it('cover whole local days, the last one included', () => {
    expect(customRange('2026-12-01', '2026-12-02', 'Europe/Paris', 'DAY')).toEqual({
      range: { from: '2026-11-30T23:00:00.000Z', to: '2026-12-02T23:00:00.000Z' },
    });
    expect(customRange('2026-07-01', '2026-07-01', 'America/New_York', 'HOUR')).toEqual({
      range: { from: '2026-07-01T04:00:00.000Z', to: '2026-07-02T04:00:00.000Z' },
    });
  });

  it('refuse what the API would refuse, saying what to change', () => {
    expect(customRange('2026-12-02', '2026-12-01', 'UTC', 'DAY')).toEqual({
      error: 'The last day must not be before the first',
    });
    expect(customRange('2026-01-01', '2026-03-01', 'UTC', 'HOUR')).toEqual({
      error: 'Hourly points cover at most 31 days: pick Day',
    });
    expect(customRange('2024-01-01', '2026-03-01', 'UTC', 'DAY')).toEqual({
      error: 'At most 400 days',
    });
    expect(customRange('', '2026-03-01', 'UTC', 'DAY')).toEqual({ error: 'Pick the first day' });
  });

  it('label periods in the zone and offer it among the zones', () => {
    expect(periodLabel('2026-12-02T13:00:00Z', 'HOUR', 'Asia/Tokyo')).toBe('Dec 2, 22:00');
    expect(periodLabel('2026-12-01T23:00:00Z', 'DAY', 'Europe/Paris')).toBe('Dec 2, 2026');
    expect(rangeLabel('2026-12-01T23:00:00Z', '2026-12-02T23:00:00Z', 'Europe/Paris')).toBe(
      'Dec 2, 2026 00:00 – Dec 3, 2026 00:00 (Europe/Paris)',
    );
    const zones = timezoneOptions('Europe/Paris');
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Europe/Paris');
    expect(new Set(zones).size).toBe(zones.length);
  });
});

function point(hour: number, evaluations: number, errors: number): PointLike {
  return {
    periodStart: new Date(Date.UTC(2026, 11, 2, hour)).toISOString(),
    evaluations,
    errors,
    errorRate: evaluations ? errors / evaluations : 0,
    targetingMatchRate: 0.5,
    rolloutReceiveRate: 0,
    cacheHitRate: 0.123456,
  };
}

describe('series shaping', () => {
  const a = [point(0, 10, 1), point(1, 30, 0), point(2, 0, 0)];
  const b = [point(0, 1, 0), point(1, 2, 0), point(2, 3, 3)];

  it('draws one line per series for a counter, times in seconds', () => {
    const chart = countChart(
      [
        { label: 'a', points: a },
        { label: 'b', points: b },
      ],
      'evaluations',
    );
    expect(chart.times).toEqual([0, 1, 2].map((h) => Date.UTC(2026, 11, 2, h) / 1000));
    expect(chart.lines).toEqual([
      { label: 'a', values: [10, 30, 0] },
      { label: 'b', values: [1, 2, 3] },
    ]);
  });

  it('draws rates in percent', () => {
    const chart = rateChart(a, ['errorRate', 'cacheHitRate']);
    expect(chart.lines).toEqual([
      { label: 'Error rate', values: [10, 0, 0] },
      { label: 'Cache hit rate', values: [12.35, 12.35, 12.35] },
    ]);
    expect(formatRate(0.125)).toBe('12.5 %');
  });

  it('says in words what a chart shows', () => {
    const errors = countChart(
      [
        { label: 'a', points: a },
        { label: 'b', points: b },
      ],
      'errors',
    );
    expect(chartSummary('Errors', errors, 'HOUR', 'UTC', 'count')).toBe(
      'Errors, 3 hours: a: 1 in all, most 1 (Dec 2, 00:00); b: 3 in all, most 3 (Dec 2, 02:00).',
    );
    const rates = rateChart(a, ['targetingMatchRate']);
    expect(chartSummary('Rates', rates, 'HOUR', 'UTC', 'percent')).toBe(
      'Rates, 3 hours: Targeting match rate: average 50 %, highest 50 % (Dec 2, 00:00).',
    );
    expect(chartSummary('None', countChart([], 'errors'), 'DAY', 'UTC', 'count')).toBe(
      'None: no periods.',
    );
  });
});
