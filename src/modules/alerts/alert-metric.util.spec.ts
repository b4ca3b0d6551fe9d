import {
  AlertCondition,
  AlertOperator,
  assess,
  compare,
  describeCrossing,
  formatValue,
  measure,
  measureSeries,
  MINUTE_MS,
  readRanges,
  UsageBucket,
  UsageSeries,
  WEEK_MS,
} from './alert-metric.util';

const T0 = Date.UTC(2026, 5, 10, 12, 0, 0);
const SETTLE = 10_000;

/** One bucket per minute from `startMinute` (relative to T0), each with these counts. */
function minutes(
  startMinute: number,
  count: number,
  counts: Partial<Omit<UsageBucket, 'start'>>,
): UsageBucket[] {
  return Array.from({ length: count }, (_, i) => ({
    start: T0 + (startMinute + i) * MINUTE_MS,
    evaluations: 0,
    errors: 0,
    refusedSaves: 0,
    ...counts,
  }));
}

const rule = (
  condition: AlertCondition,
  operator: AlertOperator,
  threshold: number,
  minimumSample = 0,
) => ({ condition, operator, threshold, minimumSample });

describe('UsageSeries', () => {
  it('sums the buckets that start in [from, to), minute and hour buckets alike', () => {
    const series = new UsageSeries([
      { start: T0 - 60 * MINUTE_MS, evaluations: 600, errors: 6, refusedSaves: 1 },
      ...minutes(0, 3, { evaluations: 10, errors: 1 }),
    ]);
    expect(series.sum(T0, T0 + 3 * MINUTE_MS)).toEqual({
      evaluations: 30,
      errors: 3,
      refusedSaves: 0,
    });
    expect(series.sum(T0 - 60 * MINUTE_MS, T0 + MINUTE_MS)).toEqual({
      evaluations: 610,
      errors: 7,
      refusedSaves: 1,
    });
    expect(series.sum(T0 + MINUTE_MS / 2, T0 + 2 * MINUTE_MS)).toEqual({
      evaluations: 10,
      errors: 1,
      refusedSaves: 0,
    });
    expect(series.sum(T0 + 10 * MINUTE_MS, T0 + 20 * MINUTE_MS).evaluations).toBe(0);
    expect(series.sum(T0 + MINUTE_MS, T0).evaluations).toBe(0);
  });
});

describe('measure', () => {
  describe('error_rate', () => {
    // 5 minutes of 100 evaluations; the last two with 20 errors each, the one before the
    // window with 100 errors (outside it).
    const series = new UsageSeries([
      ...minutes(-1, 1, { evaluations: 100, errors: 100 }),
      ...minutes(0, 3, { evaluations: 100 }),
      ...minutes(3, 2, { evaluations: 100, errors: 20 }),
    ]);
    // 12:04:30: the window [11:59:30, 12:04:30) holds the buckets 12:00 to 12:04 (so far).
    const at = T0 + 4.5 * MINUTE_MS;

    it('divides errors by evaluations over the window, the current minute so far included', () => {
      const measured = measure(AlertCondition.ERROR_RATE, series, at, 5, SETTLE);
      expect(measured).toEqual({
        value: 40 / 500,
        sample: 500,
        weekEarlierValue: null,
        from: at - 5 * MINUTE_MS,
        to: at,
      });
      expect(assess(rule(AlertCondition.ERROR_RATE, AlertOperator.GT, 0.05), measured)).toBe(
        'crossing',
      );
      expect(assess(rule(AlertCondition.ERROR_RATE, AlertOperator.GT, 0.08), measured)).toBe(
        'clear',
      );
      expect(assess(rule(AlertCondition.ERROR_RATE, AlertOperator.GTE, 0.08), measured)).toBe(
        'crossing',
      );
    });

    it('does not fire under the minimum sample', () => {
      const measured = measure(AlertCondition.ERROR_RATE, series, at, 5, SETTLE);
      expect(assess(rule(AlertCondition.ERROR_RATE, AlertOperator.GT, 0.05, 501), measured)).toBe(
        'small_sample',
      );
      expect(assess(rule(AlertCondition.ERROR_RATE, AlertOperator.GT, 0.05, 500), measured)).toBe(
        'crossing',
      );
    });

    it('has no value without evaluations, and never fires then', () => {
      const measured = measure(AlertCondition.ERROR_RATE, series, T0 + 60 * MINUTE_MS, 5, SETTLE);
      expect(measured.value).toBeNull();
      expect(assess(rule(AlertCondition.ERROR_RATE, AlertOperator.GTE, 0), measured)).toBe(
        'no_data',
      );
    });
  });

  describe('fetch_rate', () => {
    it('divides the evaluations of whole, settled minutes by the window', () => {
      // 60 a minute for 10 minutes, and 5 so far in the current one.
      const series = new UsageSeries([
        ...minutes(0, 10, { evaluations: 60 }),
        ...minutes(10, 1, { evaluations: 5 }),
      ]);
      const at = T0 + 10 * MINUTE_MS + 30_000;
      const measured = measure(AlertCondition.FETCH_RATE, series, at, 10, SETTLE);
      expect(measured).toMatchObject({ value: 60, sample: 600, to: T0 + 10 * MINUTE_MS });
      // Just after the minute ended, before the flush had time to write it: the minute before.
      const early = measure(
        AlertCondition.FETCH_RATE,
        series,
        T0 + 10 * MINUTE_MS + 5000,
        10,
        SETTLE,
      );
      expect(early).toMatchObject({ value: 54, to: T0 + 9 * MINUTE_MS });
      expect(assess(rule(AlertCondition.FETCH_RATE, AlertOperator.LT, 55), early)).toBe('crossing');
      expect(assess(rule(AlertCondition.FETCH_RATE, AlertOperator.LT, 55), measured)).toBe('clear');
    });

    it('is zero, not missing, without evaluations', () => {
      const measured = measure(AlertCondition.FETCH_RATE, new UsageSeries([]), T0, 5, SETTLE);
      expect(measured.value).toBe(0);
      expect(assess(rule(AlertCondition.FETCH_RATE, AlertOperator.LTE, 0), measured)).toBe(
        'crossing',
      );
    });
  });

  describe('usage_drop', () => {
    const at = T0 + 60 * MINUTE_MS + 30_000;
    // Windows of 30 minutes ending at 13:00: this one [12:30, 13:00), the one before it
    // [12:00, 12:30), and a week earlier [12:30, 13:00) seven days before.
    const current = (n: number) => minutes(30, 30, { evaluations: n });
    const previous = (n: number) => minutes(0, 30, { evaluations: n });
    const weekEarlier = (n: number) =>
      minutes(30, 30, { evaluations: n }).map((b) => ({ ...b, start: b.start - WEEK_MS }));
    const dropOver40 = rule(AlertCondition.USAGE_DROP, AlertOperator.GT, 0.4, 1000);

    it('is 1 − this window ÷ the window before it', () => {
      const measured = measure(
        AlertCondition.USAGE_DROP,
        new UsageSeries([...previous(100), ...current(50)]),
        at,
        30,
        SETTLE,
      );
      expect(measured).toMatchObject({
        value: 0.5,
        sample: 3000,
        weekEarlierValue: null,
        from: T0 + 30 * MINUTE_MS,
        to: T0 + 60 * MINUTE_MS,
      });
      expect(assess(dropOver40, measured)).toBe('crossing');
    });

    it('fires only when the drop also holds against the same window a week earlier', () => {
      const seasonal = measure(
        AlertCondition.USAGE_DROP,
        new UsageSeries([...weekEarlier(55), ...previous(100), ...current(50)]),
        at,
        30,
        SETTLE,
      );
      expect(seasonal.weekEarlierValue).toBeCloseTo(1 - 50 / 55);
      expect(assess(dropOver40, seasonal)).toBe('weekly_clear');

      const real = measure(
        AlertCondition.USAGE_DROP,
        new UsageSeries([...weekEarlier(100), ...previous(100), ...current(50)]),
        at,
        30,
        SETTLE,
      );
      expect(real.weekEarlierValue).toBe(0.5);
      expect(assess(dropOver40, real)).toBe('crossing');
    });

    it('takes the baseline (the window before) as its sample, and has no value without one', () => {
      const small = measure(
        AlertCondition.USAGE_DROP,
        new UsageSeries([...previous(10), ...current(0)]),
        at,
        30,
        SETTLE,
      );
      expect(small).toMatchObject({ value: 1, sample: 300 });
      expect(assess(dropOver40, small)).toBe('small_sample');
      const none = measure(AlertCondition.USAGE_DROP, new UsageSeries(current(10)), at, 30, SETTLE);
      expect(none.value).toBeNull();
    });

    it('reads its window, the one before and the same a week earlier', () => {
      expect(readRanges(AlertCondition.USAGE_DROP, 30, T0, T0 + 60 * MINUTE_MS)).toEqual([
        { from: T0 - 60 * MINUTE_MS, to: T0 + 60 * MINUTE_MS },
        { from: T0 - 30 * MINUTE_MS - WEEK_MS, to: T0 + 60 * MINUTE_MS - WEEK_MS },
      ]);
      expect(readRanges(AlertCondition.ERROR_RATE, 30, T0, T0)).toEqual([
        { from: T0 - 30 * MINUTE_MS, to: T0 },
      ]);
    });
  });

  describe('validation_failure', () => {
    it('counts refused saves in the window', () => {
      const series = new UsageSeries([
        ...minutes(-10, 1, { refusedSaves: 7 }),
        ...minutes(0, 2, { refusedSaves: 2 }),
      ]);
      const measured = measure(AlertCondition.VALIDATION_FAILURE, series, T0 + 90_000, 5, SETTLE);
      expect(measured).toMatchObject({ value: 4, sample: 4 });
      expect(assess(rule(AlertCondition.VALIDATION_FAILURE, AlertOperator.GTE, 4), measured)).toBe(
        'crossing',
      );
    });
  });
});

describe('compare', () => {
  it.each([
    [AlertOperator.GT, [false, false, true]],
    [AlertOperator.GTE, [false, true, true]],
    [AlertOperator.LT, [true, false, false]],
    [AlertOperator.LTE, [true, true, false]],
  ])('%s compares 1, 2 and 3 with 2', (operator, expected) => {
    expect([1, 2, 3].map((value) => compare(value, operator, 2))).toEqual(expected);
  });
});

describe('measureSeries', () => {
  it('measures at every step from the first aligned time, and at the end when off a step', () => {
    const series = new UsageSeries(minutes(0, 60, { evaluations: 10, errors: 1 }));
    const points = measureSeries(
      AlertCondition.ERROR_RATE,
      series,
      { from: T0 + 1, to: T0 + 30 * MINUTE_MS, stepMs: 10 * MINUTE_MS },
      5,
      SETTLE,
    );
    expect(points.map((p) => p.at)).toEqual([
      T0 + 10 * MINUTE_MS,
      T0 + 20 * MINUTE_MS,
      T0 + 30 * MINUTE_MS,
    ]);
    expect(points.map((p) => p.measured.value)).toEqual([0.1, 0.1, 0.1]);
    const now = T0 + 31.5 * MINUTE_MS;
    const ending = measureSeries(
      AlertCondition.ERROR_RATE,
      series,
      { from: T0 + 25 * MINUTE_MS, to: now, stepMs: 10 * MINUTE_MS },
      5,
      SETTLE,
    );
    expect(ending.map((p) => p.at)).toEqual([T0 + 30 * MINUTE_MS, now]);
  });
});

describe('describing a crossing', () => {
  it('writes rates in percent, fetch rates per minute, windows in their largest unit', () => {
    expect(
      describeCrossing(
        { ...rule(AlertCondition.ERROR_RATE, AlertOperator.GT, 0.05), windowMinutes: 5 },
        0.125,
      ),
    ).toBe('error rate 12.5% above 5% over 5 min');
    expect(
      describeCrossing(
        { ...rule(AlertCondition.USAGE_DROP, AlertOperator.GTE, 0.5), windowMinutes: 120 },
        0.6,
      ),
    ).toBe('usage drop 60% at or above 50% over 2 h');
    expect(formatValue(AlertCondition.FETCH_RATE, 12.345)).toBe('12.35/min');
    expect(formatValue(AlertCondition.VALIDATION_FAILURE, 3)).toBe('3');
  });
});
