import { describe, expect, it } from 'vitest';
import {
  barPosition,
  pValue,
  pValueSummary,
  percent,
  scaleOf,
  sequentialPValueSeries,
  signedPercent,
} from './results-format';

describe('results formatting', () => {
  it('formats rates, lifts and p-values', () => {
    expect(percent(0.1234)).toBe('12.34%');
    expect(percent(null)).toBe('—');
    expect(signedPercent(0.05)).toBe('+5.00%');
    expect(signedPercent(-0.05)).toBe('-5.00%');
    expect(pValue(0.00001)).toBe('< 0.0001');
    expect(pValue(0.04321)).toBe('0.0432');
  });

  it('places an interval and its point on the bar, clamped to it', () => {
    expect(barPosition(0.2, 0.4, 0.3, 0, 1)).toEqual({ left: 20, width: 20, point: 30 });
    expect(barPosition(-1, 2, 0.5, 0, 1)).toEqual({ left: 0, width: 100, point: 50 });
  });

  it('scales intervals to a common, padded range that includes zero for lifts', () => {
    const { min, max } = scaleOf([{ lower: 0.01, upper: 0.05 }], 0);
    expect(min).toBeLessThan(0);
    expect(max).toBeGreaterThan(0.05);
    expect(scaleOf([])).toEqual({ min: 0, max: 1 });
  });
});

describe('sequential p-value over time', () => {
  const history = [
    {
      at: '2026-11-30T00:00:00.000Z',
      variants: [
        { variantKey: 'control', sequentialPValue: null },
        { variantKey: 'green', sequentialPValue: null },
      ],
    },
    {
      at: '2026-12-01T00:00:00.000Z',
      variants: [
        { variantKey: 'control', sequentialPValue: null },
        { variantKey: 'green', sequentialPValue: 0.4 },
        { variantKey: 'red', sequentialPValue: 0.9 },
      ],
    },
    {
      at: '2026-12-02T00:00:00.000Z',
      variants: [
        { variantKey: 'control', sequentialPValue: null },
        { variantKey: 'green', sequentialPValue: 0.01 },
        { variantKey: 'red', sequentialPValue: 1 },
      ],
    },
  ];

  it('draws one line per non-control variant, a gap where the p-value was not computable', () => {
    expect(sequentialPValueSeries(history, 'control')).toEqual({
      times: [1795996800, 1796083200, 1796169600],
      lines: [
        { label: 'green', values: [null, 0.4, 0.01] },
        { label: 'red', values: [null, 0.9, 1] },
      ],
    });
    expect(sequentialPValueSeries([], 'control')).toEqual({ times: [], lines: [] });
  });

  it('says in words where each line ends and whether it crossed alpha', () => {
    const series = sequentialPValueSeries(history, 'control');
    expect(pValueSummary(series, 0.05)).toBe(
      'Sequential p-value over 3 days. green: 0.0100 on the last day, lowest 0.0100, below 0.05 on some day; red: 1.0000 on the last day, lowest 0.9000.',
    );
    expect(pValueSummary({ times: [], lines: [] }, 0.05)).toBe('No daily results yet.');
  });
});
