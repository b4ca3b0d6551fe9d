import type { ConfigFetchLogFilter } from '../../api/gql/graphql';

/** The fetch log page's filter as typed: `from` / `to` are `datetime-local` values (local time). */
export interface FetchLogFilterInput {
  key: string;
  userId: string;
  deviceId: string;
  /** yyyy-mm-ddThh:mm, the person's own time zone; empty: unbounded. */
  from: string;
  to: string;
}

export type FetchLogFilterResult = { filter: ConfigFetchLogFilter } | { error: string };

function instant(local: string): string | null {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The API's ConfigFetchLogFilter, or what is wrong with the typed range. */
export function toFetchLogFilter(input: FetchLogFilterInput): FetchLogFilterResult {
  const filter: ConfigFetchLogFilter = {};
  if (input.key.trim()) filter.key = input.key.trim();
  if (input.userId.trim()) filter.userId = input.userId.trim();
  if (input.deviceId.trim()) filter.deviceId = input.deviceId.trim();
  if (input.from) {
    const from = instant(input.from);
    if (!from) return { error: 'From is not a date and time' };
    filter.from = from;
  }
  if (input.to) {
    const to = instant(input.to);
    if (!to) return { error: 'To is not a date and time' };
    filter.to = to;
  }
  if (filter.from && filter.to && filter.from >= filter.to) {
    return { error: 'From must be before To' };
  }
  return { filter };
}

/** A sample rate (0 to 1) as people read it: "off", "every request", "1 %". */
export function describeSampleRate(rate: number): string {
  if (rate <= 0) return 'off';
  if (rate >= 1) return 'every request';
  return `${Number((rate * 100).toPrecision(3))} % of requests`;
}

/** A percentage typed by a person (0 to 100) as the API's rate, or what is wrong with it. */
export function parseSamplePercent(text: string): { rate: number } | { error: string } {
  const trimmed = text.trim().replace(/\s*%$/, '');
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    return { error: 'Sample rate must be a percentage from 0 to 100' };
  }
  return { rate: value / 100 };
}
