import { DAY_MS, HOUR_MS } from '../usage/usage-metric.util';

/** The periods of a configAnalytics answer: point starts, and the end of the last point. */
export interface AnalyticsPeriods {
  /** n + 1 boundaries, ascending: point i is [bounds[i], bounds[i + 1]). */
  bounds: Date[];
  /** Days cut at whole UTC hours that are not local midnight somewhere in the range. */
  approximated: boolean;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The formatter of an IANA time zone, or null when Intl does not know the name. Kept under the
 * zone's canonical name only: Intl accepts every case spelling of a name (2^n of them), so
 * keeping one per spelling asked would grow without bound; another spelling builds a
 * formatter (about as costly as the lookup) and then uses the kept one.
 */
function formatterOf(timezone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(timezone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  const canonical = formatter.resolvedOptions().timeZone;
  const kept = formatters.get(canonical);
  if (kept) return kept;
  formatters.set(canonical, formatter);
  return formatter;
}

/** How many time zones have a formatter kept (for tests). */
export function cachedTimeZones(): number {
  return formatters.size;
}

export function isTimeZone(timezone: string): boolean {
  return timezone.length > 0 && formatterOf(timezone) !== null;
}

/** The wall-clock time of `time` in the zone, as if it were UTC (ms). */
function wallClock(time: number, formatter: Intl.DateTimeFormat): number {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(time))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The instant local midnight of the local date `day` (a UTC-midnight ms) falls on. */
function localMidnight(day: number, formatter: Intl.DateTimeFormat): number {
  const second = (t: number) => t - (((t % 1000) + 1000) % 1000);
  let guess = day - (wallClock(second(day), formatter) - second(day));
  // Once more with the offset at the guess (the offset may change between the two).
  guess = day - (wallClock(guess, formatter) - guess);
  return guess;
}

function floorTo(time: number, size: number): number {
  return time - (((time % size) + size) % size);
}

/**
 * Hour points cover the hours from the one `from` falls in to the one just before `to`. Day
 * points are local days of the zone, each starting at the UTC hour that holds its local
 * midnight (exactly midnight in zones with whole-hour offsets), from the day `from` falls in
 * to the day just before `to`.
 */
export function analyticsPeriods(
  from: Date,
  to: Date,
  granularity: 'hour' | 'day',
  timezone: string,
): AnalyticsPeriods {
  const start = from.getTime();
  const end = to.getTime();
  if (granularity === 'hour') {
    const bounds: Date[] = [];
    for (let t = floorTo(start, HOUR_MS); t < end; t += HOUR_MS) bounds.push(new Date(t));
    bounds.push(new Date(floorTo(end - 1, HOUR_MS) + HOUR_MS));
    return { bounds, approximated: false };
  }
  const formatter = formatterOf(timezone);
  if (!formatter) throw new Error(`unknown time zone ${timezone}`);
  let approximated = false;
  const dayStart = (localDay: number): number => {
    const midnight = localMidnight(localDay, formatter);
    const hour = floorTo(midnight, HOUR_MS);
    if (hour !== midnight) approximated = true;
    return hour;
  };
  // The local date `from` falls in, as a UTC-midnight ms; a day earlier when its start (rounded
  // down to the hour) is still after `from`.
  let day = floorTo(wallClock(start, formatter), DAY_MS);
  if (dayStart(day) > start) day -= DAY_MS;
  const bounds: Date[] = [];
  for (;;) {
    const boundary = dayStart(day);
    bounds.push(new Date(boundary));
    if (boundary >= end) break;
    day += DAY_MS;
  }
  return { bounds, approximated };
}
