import { nextAttemptAt } from './retry-schedule.util';

const DAY = 86_400_000;
const settings = { baseMs: 5000, windowMs: DAY };

describe('nextAttemptAt', () => {
  const created = new Date('2026-01-01T00:00:00Z');

  it('doubles the delay after each failure, with jitter between half and all of it', () => {
    const at = (attempts: number, random: number) =>
      nextAttemptAt(attempts, created, created, settings, () => random)!.getTime() -
      created.getTime();
    expect([1, 2, 3, 4].map((n) => at(n, 0.5))).toEqual([3750, 7500, 15000, 30000]);
    expect([1, 2, 3, 4].map((n) => at(n, 0))).toEqual([2500, 5000, 10000, 20000]);
  });

  it('caps a delay at a quarter of the window', () => {
    const next = nextAttemptAt(30, created, created, settings, () => 0.9999)!;
    expect(next.getTime() - created.getTime()).toBeLessThanOrEqual(DAY / 4);
  });

  it('gives up once the next attempt would fall after the retry window', () => {
    const late = new Date(created.getTime() + DAY - 1000);
    expect(nextAttemptAt(3, created, late, settings, () => 0.5)).toBeNull();
  });

  it('spreads the default schedule over about a day (between 12 and 30 attempts)', () => {
    let now = created;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttemptAt(attempts, created, now, settings, () => 0.5);
      if (!next) break;
      now = next;
    }
    expect(attempts).toBeGreaterThanOrEqual(12);
    expect(attempts).toBeLessThanOrEqual(30);
    expect(now.getTime() - created.getTime()).toBeGreaterThan(DAY / 2);
  });
});
