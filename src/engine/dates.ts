const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date (`2026-11-24`, read as UTC midnight) or date-time with a zone
 * (`2026-11-24T08:30:00Z`, `…+02:00`) as epoch milliseconds; anything else is null.
 */
export function parseIsoDate(input: unknown): number | null {
  if (typeof input !== 'string') return null;
  if (!ISO_DATE.test(input) && !ISO_DATE_TIME.test(input)) return null;
  const time = Date.parse(ISO_DATE.test(input) ? `${input}T00:00:00Z` : input);
  if (Number.isNaN(time)) return null;
  // Date.parse rolls 2026-02-30 over to March; a date that does not exist is no date.
  const day = input.slice(0, 10);
  const roundTrip = new Date(Date.parse(`${day}T00:00:00Z`)).toISOString().slice(0, 10);
  return roundTrip === day ? time : null;
}
