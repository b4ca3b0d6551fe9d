import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { AnalyticsGranularity } from '../../api/gql/graphql';

dayjs.extend(utc);
dayjs.extend(timezone);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The API's longest range at HOUR granularity. */
export const MAX_HOURLY_DAYS = 31;
/** The API's longest range. */
export const MAX_DAYS = 400;

export type RangePreset = '24h' | '7d' | '30d' | '90d';

export const PRESETS: { value: RangePreset; label: string; days: number }[] = [
  { value: '24h', label: '24 h', days: 1 },
  { value: '7d', label: '7 d', days: 7 },
  { value: '30d', label: '30 d', days: 30 },
  { value: '90d', label: '90 d', days: 90 },
];

export interface AnalyticsRange {
  from: string;
  to: string;
}

/** The range a preset means at `now`: the last N days up to now. */
export function presetRange(preset: RangePreset, now: Date = new Date()): AnalyticsRange {
  const days = PRESETS.find((p) => p.value === preset)?.days ?? 7;
  return { from: new Date(now.getTime() - days * DAY_MS).toISOString(), to: now.toISOString() };
}

/** The granularity that suits a preset: hours up to a week, days beyond. */
export function presetGranularity(preset: RangePreset): AnalyticsGranularity {
  return preset === '24h' || preset === '7d' ? 'HOUR' : 'DAY';
}

/**
 * A custom range of whole days (yyyy-mm-dd, both included) in the time zone, or what is
 * wrong with it, checked as the API checks it.
 */
export function customRange(
  fromDay: string,
  toDay: string,
  zone: string,
  granularity: AnalyticsGranularity,
): { range: AnalyticsRange } | { error: string } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(fromDay)) return { error: 'Pick the first day' };
  if (!day.test(toDay)) return { error: 'Pick the last day' };
  const from = dayjs.tz(fromDay, zone);
  const to = dayjs.tz(toDay, zone).add(1, 'day');
  if (!from.isValid() || !to.isValid()) return { error: 'Not a date' };
  if (!from.isBefore(to)) return { error: 'The last day must not be before the first' };
  const days = (to.valueOf() - from.valueOf()) / DAY_MS;
  if (days > MAX_DAYS) return { error: `At most ${MAX_DAYS} days` };
  if (granularity === 'HOUR' && days > MAX_HOURLY_DAYS + 0.1) {
    return { error: `Hourly points cover at most ${MAX_HOURLY_DAYS} days: pick Day` };
  }
  return { range: { from: from.toISOString(), to: to.toISOString() } };
}

/** Whether hourly points are allowed for the range (the API refuses more than 31 days). */
export function hourlyAllowed(range: AnalyticsRange): boolean {
  return Date.parse(range.to) - Date.parse(range.from) <= MAX_HOURLY_DAYS * DAY_MS + HOUR_MS;
}

/** The browser's IANA time zone; UTC when it cannot say. */
export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** IANA zones to pick from: the runtime's list, with UTC and `current` always in it. */
export function timezoneOptions(current: string): string[] {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

/** A period's start as people read it in the zone: "Dec 2, 14:00" for hours, "Dec 2" for days. */
export function periodLabel(iso: string, granularity: AnalyticsGranularity, zone: string): string {
  return dayjs(iso)
    .tz(zone)
    .format(granularity === 'HOUR' ? 'MMM D, HH:mm' : 'MMM D, YYYY');
}

/** The answered range as people read it in the zone: "Dec 1, 2026 13:00 – Dec 2, 2026 14:00 (UTC)". */
export function rangeLabel(from: string, to: string, zone: string): string {
  const at = (iso: string) => dayjs(iso).tz(zone).format('MMM D, YYYY HH:mm');
  return `${at(from)} – ${at(to)} (${zone})`;
}
