import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatDuration,
  nextStepCountdown,
  scheduleRows,
  scheduleSummary,
} from './schedule-format';

const timeline = [
  { step: 0, percentage: 10, offsetSeconds: 0 },
  { step: 1, percentage: 55, offsetSeconds: 90 },
  { step: 2, percentage: 100, offsetSeconds: 8100 },
];

describe('schedule format', () => {
  it('reads a duration in its two largest units', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(90)).toBe('1 min 30 s');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(8100)).toBe('2 h 15 min');
    expect(formatDuration(3 * 86_400 + 4 * 3600 + 59)).toBe('3 d 4 h');
    // A unit at zero ends it: 1 h 0 min 1 s reads as 1 h.
    expect(formatDuration(3601)).toBe('1 h');
  });

  it('lists each step with when it is due from the start, and at what time', () => {
    const start = new Date('2026-03-01T10:00:00Z');
    const rows = scheduleRows(timeline, start);
    expect(rows.map((r) => [r.percentage, r.when])).toEqual([
      [10, 'at the start'],
      [55, 'after 1 min 30 s'],
      [100, 'after 2 h 15 min'],
    ]);
    expect(rows.map((r) => r.at?.toISOString())).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T10:01:30.000Z',
      '2026-03-01T12:15:00.000Z',
    ]);
    expect(scheduleRows(timeline)[1].at).toBeNull();
  });

  it('sums the schedule up in one line', () => {
    expect(scheduleSummary(timeline)).toBe(
      '3 steps from 10%; everyone is served the change after 2 h 15 min, unless paused, advanced or rolled back.',
    );
    expect(scheduleSummary([{ step: 0, percentage: 100, offsetSeconds: 0 }])).toBe(
      'One step: everyone is served the change at once.',
    );
  });

  it('shows the time left as a clock, rounding partial seconds up', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(4.2)).toBe('0:05');
    expect(formatClock(754)).toBe('12:34');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(2 * 86_400 + 3723)).toBe('2 d 01:02:03');
    expect(formatClock(-5)).toBe('0:00');
  });

  it('counts down to the next step while in progress, and says when it is due', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const running = {
      status: 'IN_PROGRESS' as const,
      nextStepAt: '2026-03-01T10:01:05Z',
      pausedAt: null,
    };
    expect(nextStepCountdown(running, now)).toBe('in 1:05');
    expect(nextStepCountdown(running, now + 65_000)).toBe('due now');
    expect(nextStepCountdown(running, now + 90_000)).toBe('due now');
  });

  it('shows the hold left, stopped, while paused; nothing once ended or on the last step', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const paused = {
      status: 'PAUSED' as const,
      nextStepAt: '2026-03-01T10:01:05Z',
      pausedAt: '2026-03-01T10:00:45Z',
    };
    expect(nextStepCountdown(paused, now)).toBe('0:20 left, stopped while paused');
    expect(nextStepCountdown({ ...paused, status: 'ROLLED_BACK' }, now)).toBeNull();
    expect(
      nextStepCountdown({ status: 'IN_PROGRESS', nextStepAt: null, pausedAt: null }, now),
    ).toBeNull();
  });
});
