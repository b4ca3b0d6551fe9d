/** A typed date-time: ISO 8601 with a zone, or without one in the person's own time zone. */
export type ParsedAt = { at: string } | { error: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The API's `at` for what a person typed; empty means now. */
export function parseAt(text: string, now: Date = new Date()): ParsedAt {
  const trimmed = text.trim();
  if (trimmed === '') return { at: now.toISOString() };
  // A date alone is midnight in the person's zone, as a date-time without a zone is.
  const local = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00` : trimmed;
  const date = DATE_TIME.test(trimmed) ? new Date(local.replace(' ', 'T')) : null;
  if (!date || Number.isNaN(date.getTime())) {
    return { error: 'Not a date-time: write it like 2026-12-02T09:30:00Z or 2026-12-02 09:30' };
  }
  if (date.getTime() > now.getTime()) return { error: 'Must not be in the future' };
  return { at: date.toISOString() };
}
