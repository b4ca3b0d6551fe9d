import { describe, expect, it } from 'vitest';
import { setWeight, splitEvenly, sumMessage, sumsTo100, weightProblem, weightSum } from './weights';

describe('variant weights', () => {
  it('splits evenly to two decimals, summing to exactly 100', () => {
    expect(splitEvenly(2)).toEqual([50, 50]);
    expect(splitEvenly(3)).toEqual([33.34, 33.33, 33.33]);
    expect(splitEvenly(7).every((w) => w === 14.29 || w === 14.28)).toBe(true);
    for (let n = 1; n <= 10; n++) expect(weightSum(splitEvenly(n))).toBe(100);
    expect(splitEvenly(0)).toEqual([]);
  });

  it('sums exactly where floats would drift', () => {
    expect(weightSum([33.33, 33.33, 33.34])).toBe(100);
    expect(weightSum([0.1, 0.2, 99.7])).toBe(100);
    expect(sumsTo100([10.1, 20.2, 69.7])).toBe(true);
    expect(sumsTo100([50, 49.99])).toBe(false);
  });

  it('takes an edit from the last variant so the sum stays 100', () => {
    expect(setWeight([50, 50], 0, 30)).toEqual([30, 70]);
    expect(setWeight([33.34, 33.33, 33.33], 0, 50)).toEqual([50, 33.33, 16.67]);
    expect(setWeight([25, 25, 50], 1, 10.55)).toEqual([25, 10.55, 64.45]);
  });

  it('takes an edit of the last variant from the one before', () => {
    expect(setWeight([20, 40, 40], 2, 60)).toEqual([20, 20, 60]);
  });

  it('leaves the others alone when the absorbing variant would go negative', () => {
    expect(setWeight([50, 30, 20], 0, 70)).toEqual([70, 30, 0]);
    const over = setWeight([50, 30, 20], 0, 90);
    expect(over).toEqual([90, 30, 20]);
    expect(sumsTo100(over)).toBe(false);
  });

  it('rounds an edit to hundredths', () => {
    expect(setWeight([50, 50], 0, 12.345)).toEqual([12.35, 87.65]);
  });

  it('says the sum and what to do when it is not 100', () => {
    expect(sumMessage([50, 50])).toEqual({ text: 'Weights sum to 100%', ok: true });
    expect(sumMessage([90, 30, 20])).toEqual({
      text: 'Weights sum to 140%: remove 40 points, or split evenly',
      ok: false,
    });
    expect(sumMessage([40, 40.5]).text).toBe(
      'Weights sum to 80.5%: add 19.5 points, or split evenly',
    );
  });

  it('names a weight out of range or with too many decimals', () => {
    expect(weightProblem(50)).toBeUndefined();
    expect(weightProblem(33.33)).toBeUndefined();
    expect(weightProblem(0)).toBe('Above 0, up to 100');
    expect(weightProblem(101)).toBe('Above 0, up to 100');
    expect(weightProblem(1.234)).toBe('At most two decimals');
    expect(weightProblem(Number.NaN)).toBe('Enter a weight');
  });
});
