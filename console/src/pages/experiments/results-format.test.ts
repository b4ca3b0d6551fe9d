import { describe, expect, it } from 'vitest';
import { barPosition, pValue, percent, scaleOf, signedPercent } from './results-format';

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
