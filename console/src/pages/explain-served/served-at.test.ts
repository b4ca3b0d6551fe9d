import { describe, expect, it } from 'vitest';
import { parseAt } from './served-at';

const NOW = new Date('2026-12-02T10:00:00.000Z');

describe('parseAt', () => {
  it('reads ISO 8601 with a zone exactly, milliseconds included', () => {
    expect(parseAt('2026-12-02T09:30:15.123Z', NOW)).toEqual({ at: '2026-12-02T09:30:15.123Z' });
    expect(parseAt('2026-12-02T11:30+02:00', NOW)).toEqual({ at: '2026-12-02T09:30:00.000Z' });
  });

  it('reads a date-time or a date without a zone in local time', () => {
    expect(parseAt('2026-12-01 08:00', NOW)).toEqual({
      at: new Date(2026, 11, 1, 8, 0).toISOString(),
    });
    expect(parseAt('2026-12-01', NOW)).toEqual({ at: new Date(2026, 11, 1).toISOString() });
  });

  it('means now when empty', () => {
    expect(parseAt('  ', NOW)).toEqual({ at: NOW.toISOString() });
  });

  it('refuses text that is not a date-time, and the future', () => {
    expect(parseAt('yesterday', NOW)).toMatchObject({
      error: expect.stringMatching(/^Not a date/),
    });
    expect(parseAt('2026-13-45T99:00Z', NOW)).toMatchObject({ error: expect.any(String) });
    expect(parseAt('2026-12-02T10:00:01Z', NOW)).toEqual({ error: 'Must not be in the future' });
  });
});
