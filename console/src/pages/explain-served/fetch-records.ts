/** One sampled fetch of the subject, as the fetch log recorded it (docs/fetch-log.md). */
export interface FetchRecordRow {
  id: string;
  fetchedAt: string;
  channel: string;
  reason: string;
  ruleId: string | null;
  variant: string | null;
  configVersion: number | null;
  valueHash: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The records `explainServed` returns (JSON, so read defensively): null when the service
 * does not sample (then nothing is claimed), else one row per record, oldest first.
 */
export function fetchRecordRows(records: readonly unknown[] | null): FetchRecordRow[] | null {
  if (!records) return null;
  return records
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r, i) => ({
      id: text(r.id) ?? String(i),
      fetchedAt: text(r.fetchedAt) ?? '',
      channel: text(r.channel) ?? '',
      reason: text(r.reason) ?? '',
      ruleId: text(r.ruleId),
      variant: text(r.variant),
      configVersion: typeof r.configVersion === 'number' ? r.configVersion : null,
      valueHash: text(r.valueHash),
    }))
    .sort((a, b) => a.fetchedAt.localeCompare(b.fetchedAt));
}
