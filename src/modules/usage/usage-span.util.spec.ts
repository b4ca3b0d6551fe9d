import { DAY_MS } from './usage-metric.util';
import { SPAN_MAX_DAYS, spanCover, spansEndingIn, SpanState } from './usage-span.util';

const day = (n: number) => n * DAY_MS;
const ALL_BUILT: SpanState = { prunedBefore: null, builtUntil: day(100_000) };

/** The days a cover reads, each once, in order (throws on overlap). */
function daysOf(cover: ReturnType<typeof spanCover>): number[] {
  const days: number[] = [];
  for (const span of cover.spans) {
    for (let i = 0; i < span.days; i += 1) days.push(span.start / DAY_MS + i);
  }
  for (const range of cover.days) {
    for (let t = range.from; t < range.to; t += DAY_MS) days.push(t / DAY_MS);
  }
  days.sort((a, b) => a - b);
  for (let i = 1; i < days.length; i += 1) {
    if (days[i] === days[i - 1]) throw new Error(`day ${days[i]} read twice`);
  }
  return days;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('spanCover', () => {
  it('reads every day of the range exactly once, from aligned spans and day rows', () => {
    const start = 20_000; // a multiple of 32: alignments of every size occur below
    for (let from = start; from < start + 40; from += 1) {
      for (let to = from + 1; to <= start + 300; to += 7) {
        const cover = spanCover(day(from), day(to), ALL_BUILT);
        expect(daysOf(cover)).toEqual(range(from, to));
        for (const span of cover.spans) {
          expect([2, 4, 8, 16, 32, 64, 128, 256]).toContain(span.days);
          expect((span.start / DAY_MS) % span.days).toBe(0);
        }
      }
    }
  });

  it('reads 30 days as a handful of spans and at most a day row at either end', () => {
    const cover = spanCover(day(20_001), day(20_031), ALL_BUILT);
    expect(cover.spans.length + cover.days.length).toBeLessThanOrEqual(8);
    expect(cover.spans.map((s) => s.days)).toEqual([2, 4, 8, 8, 4, 2]);
    expect(cover.days).toEqual([
      { from: day(20_001), to: day(20_002) },
      { from: day(20_030), to: day(20_031) },
    ]);
  });

  it('uses no span past the last complete one, or before the pruned days', () => {
    const state = { prunedBefore: day(20_004), builtUntil: day(20_020) };
    const cover = spanCover(day(20_000), day(20_030), state);
    expect(daysOf(cover)).toEqual(range(20_000, 20_030));
    for (const span of cover.spans) {
      expect(span.start).toBeGreaterThanOrEqual(day(20_004));
      expect(span.start + span.days * DAY_MS).toBeLessThanOrEqual(day(20_020));
    }
    expect(cover.days).toEqual([
      { from: day(20_000), to: day(20_004) },
      { from: day(20_020), to: day(20_030) },
    ]);
  });

  it('reads day rows only while no span is built', () => {
    const cover = spanCover(day(20_000), day(20_030), { prunedBefore: null, builtUntil: null });
    expect(cover).toEqual({ spans: [], days: [{ from: day(20_000), to: day(20_030) }] });
  });

  it('never takes a span longer than SPAN_MAX_DAYS', () => {
    const cover = spanCover(day(0), day(1000), ALL_BUILT);
    expect(Math.max(...cover.spans.map((s) => s.days))).toBe(SPAN_MAX_DAYS);
    expect(daysOf(cover)).toEqual(range(0, 1000));
  });

  it('refuses times that are not UTC midnights', () => {
    expect(() => spanCover(day(1) + 1, day(3), ALL_BUILT)).toThrow('whole UTC days');
  });
});

describe('spansEndingIn', () => {
  it('lists the aligned spans of a size whose end falls in (after, until]', () => {
    // [20 000, 20 002) holds day 20 001, after the last complete day: it is built again.
    expect(spansEndingIn(day(20_001), day(20_008), 2)).toEqual([
      { start: day(20_000), days: 2 },
      { start: day(20_002), days: 2 },
      { start: day(20_004), days: 2 },
      { start: day(20_006), days: 2 },
    ]);
    expect(spansEndingIn(day(20_000), day(20_008), 8)).toEqual([{ start: day(20_000), days: 8 }]);
    expect(spansEndingIn(day(20_008), day(20_008), 2)).toEqual([]);
  });
});
