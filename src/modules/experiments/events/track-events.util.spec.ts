import {
  EVENT_CLOCK_SKEW_MS,
  isExpired,
  isFuture,
  MAX_TRACKED_EVENTS,
  readTrackEvents,
} from './track-events.util';

const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'e1',
  eventName: 'purchase',
  subject: 'u1',
  occurredAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('readTrackEvents', () => {
  it('reads events from JSON', () => {
    expect(readTrackEvents({ events: [event({ value: 2.5, experimentKey: 'x' })] }, '')).toEqual({
      request: {
        environment: undefined,
        events: [
          {
            id: 'e1',
            experimentKey: 'x',
            eventName: 'purchase',
            subject: 'u1',
            value: 2.5,
            occurredAt: new Date('2026-01-01T00:00:00Z'),
          },
        ],
      },
    });
  });

  it.each([
    [{ events: [] }, 'events', 'count'],
    [{ events: Array.from({ length: MAX_TRACKED_EVENTS + 1 }, () => event()) }, 'events', 'count'],
    [{ events: [event({ id: 'x'.repeat(129) })] }, 'events[0].id', 'length'],
    [{ events: [event({ subject: 'x'.repeat(257) })] }, 'events[0].subject', 'length'],
    [{ events: [event({ eventName: undefined })] }, 'events[0].eventName', 'required'],
    [{ events: [event({ value: Infinity })] }, 'events[0].value', 'type'],
    [{ events: [event({ occurredAt: 'yesterday' })] }, 'events[0].occurredAt', 'type'],
    [{ events: [event({ experimentKey: 5 })] }, 'events[0].experimentKey', 'type'],
  ])('refuses %#: %s', (raw, path, rule) => {
    const read = readTrackEvents(raw, '');
    expect('issues' in read && read.issues[0]).toMatchObject({ path, rule });
  });

  it('tells events beyond the clock skew', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const at = (ms: number) => ({ ...event(), occurredAt: new Date(now + ms) });
    expect(isFuture(at(EVENT_CLOCK_SKEW_MS), now)).toBe(false);
    expect(isFuture(at(EVENT_CLOCK_SKEW_MS + 1), now)).toBe(true);
  });

  it('tells events older than the retention', () => {
    const now = Date.parse('2026-01-31T00:00:00Z');
    const at = (iso: string) => ({ ...event(), occurredAt: new Date(iso) });
    expect(isExpired(at('2026-01-01T00:00:00Z'), now, 30)).toBe(false);
    expect(isExpired(at('2025-12-31T23:59:59.999Z'), now, 30)).toBe(true);
  });
});
