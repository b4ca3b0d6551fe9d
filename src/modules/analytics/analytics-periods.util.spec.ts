import { analyticsPeriods, cachedTimeZones, isTimeZone } from './analytics-periods.util';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('analyticsPeriods', () => {
  it('covers the hours from the one `from` falls in to the one before `to`', () => {
    const { bounds, approximated } = analyticsPeriods(
      new Date('2026-01-10T10:30:00Z'),
      new Date('2026-01-10T12:00:00Z'),
      'hour',
      'UTC',
    );
    expect(iso(bounds)).toEqual([
      '2026-01-10T10:00:00.000Z',
      '2026-01-10T11:00:00.000Z',
      '2026-01-10T12:00:00.000Z',
    ]);
    expect(approximated).toBe(false);
  });

  it('cuts UTC days at UTC midnight, widening the range to whole days', () => {
    const { bounds } = analyticsPeriods(
      new Date('2026-01-10T10:00:00Z'),
      new Date('2026-01-12T00:00:01Z'),
      'day',
      'UTC',
    );
    expect(iso(bounds)).toEqual([
      '2026-01-10T00:00:00.000Z',
      '2026-01-11T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
      '2026-01-13T00:00:00.000Z',
    ]);
  });

  it('cuts days at local midnight, through a daylight saving change', () => {
    const { bounds, approximated } = analyticsPeriods(
      new Date('2026-03-07T12:00:00Z'),
      new Date('2026-03-09T12:00:00Z'),
      'day',
      'America/New_York',
    );
    // 8 March 2026 has 23 hours in New York (EST -5 → EDT -4).
    expect(iso(bounds)).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
      '2026-03-10T04:00:00.000Z',
    ]);
    expect(approximated).toBe(false);
  });

  it('starts with the local day `from` falls in, even when its UTC date is another', () => {
    const { bounds } = analyticsPeriods(
      new Date('2026-01-10T02:00:00Z'), // 9 January, 21:00 in New York
      new Date('2026-01-10T06:00:00Z'),
      'day',
      'America/New_York',
    );
    expect(iso(bounds)).toEqual([
      '2026-01-09T05:00:00.000Z',
      '2026-01-10T05:00:00.000Z',
      '2026-01-11T05:00:00.000Z',
    ]);
  });

  it('approximates days of zones with non-whole-hour offsets by the UTC hour holding midnight', () => {
    const { bounds, approximated } = analyticsPeriods(
      new Date('2026-01-10T00:00:00Z'),
      new Date('2026-01-11T00:00:00Z'),
      'day',
      'Asia/Kolkata', // +05:30: local midnight is 18:30 UTC
    );
    expect(iso(bounds)).toEqual([
      '2026-01-09T18:00:00.000Z',
      '2026-01-10T18:00:00.000Z',
      '2026-01-11T18:00:00.000Z',
    ]);
    expect(approximated).toBe(true);
  });
});

describe('isTimeZone', () => {
  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('the time zones kept', () => {
  it('keeps one formatter per zone, whatever spelling a query uses (Intl ignores case)', () => {
    const spellings = ['Europe/Paris', 'europe/paris', 'EUROPE/PARIS', 'eUrOpE/pArIs'];
    for (const spelling of spellings) expect(isTimeZone(spelling)).toBe(true);
    const kept = cachedTimeZones();
    // Each of the 2^n case spellings of a name is a time zone Intl accepts: keeping one
    // formatter per spelling would let queries grow the process without bound.
    for (let i = 0; i < 200; i += 1) {
      const spelling = [...'america/argentina/comodrivadavia']
        .map((c, at) => ((i >> (at % 8)) & 1 ? c.toUpperCase() : c))
        .join('');
      expect(isTimeZone(spelling)).toBe(true);
    }
    expect(cachedTimeZones()).toBeLessThanOrEqual(kept + 1);
    const { bounds } = analyticsPeriods(
      new Date('2026-01-10T00:00:00Z'),
      new Date('2026-01-11T00:00:00Z'),
      'day',
      'europe/paris',
    );
    expect(bounds[0].toISOString()).toBe('2026-01-09T23:00:00.000Z');
  });
});
