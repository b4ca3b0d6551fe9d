import type { DeploymentStatus } from '../../api/gql/graphql';
import type { TimelineEntry } from '../../../../src/engine/deployment-schedule';

/** How a schedule and a running deployment read: durations, the timeline's rows, countdowns. */

const UNITS: readonly [string, number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
];

/** `45 s`, `1 min 30 s`, `2 h 15 min`, `3 d 4 h`: the two largest units that are not zero. */
export function formatDuration(totalSeconds: number): string {
  let left = Math.max(0, Math.round(totalSeconds));
  if (left === 0) return '0 s';
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(left / size);
    left -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
    else if (parts.length > 0) break;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export const formatPercentage = (percentage: number) => `${percentage}%`;

export interface ScheduleRow {
  step: number;
  percentage: number;
  offsetSeconds: number;
  /** `at the start`, `after 15 min` (from the start). */
  when: string;
  /** When the step is due if the deployment started at `startAt` and is not paused. */
  at: Date | null;
}

/** The timeline's rows, with clock times when a start time is given. */
export function scheduleRows(timeline: readonly TimelineEntry[], startAt?: Date): ScheduleRow[] {
  return timeline.map((entry) => ({
    ...entry,
    when:
      entry.offsetSeconds === 0 ? 'at the start' : `after ${formatDuration(entry.offsetSeconds)}`,
    at: startAt ? new Date(startAt.getTime() + entry.offsetSeconds * 1000) : null,
  }));
}

/** One line on the whole schedule: how many steps and when the candidate reaches everyone. */
export function scheduleSummary(timeline: readonly TimelineEntry[]): string {
  if (timeline.length <= 1) return 'One step: everyone is served the change at once.';
  const end = timeline[timeline.length - 1].offsetSeconds;
  return `${timeline.length} steps from ${formatPercentage(timeline[0].percentage)}; everyone is served the change after ${formatDuration(end)}, unless paused, advanced or rolled back.`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `0:45`, `12:03`, `1:02:03`, `2 d 01:02:03`: a clock of the seconds left. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  if (days > 0) return `${days} d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  if (hours > 0) return `${hours}:${pad(minutes)}:${pad(seconds)}`;
  return `${minutes}:${pad(seconds)}`;
}

export interface CountdownSubject {
  status: DeploymentStatus;
  nextStepAt: string | null;
  pausedAt: string | null;
}

/**
 * What the panel says about the next step: the time left while in progress (`due now` once
 * passed: the worker takes it within moments), the hold left while paused (its clock stops),
 * nothing once ended or on the last step.
 */
export function nextStepCountdown(deployment: CountdownSubject, now: number): string | null {
  if (!deployment.nextStepAt) return null;
  const next = Date.parse(deployment.nextStepAt);
  if (deployment.status === 'PAUSED') {
    const paused = deployment.pausedAt ? Date.parse(deployment.pausedAt) : now;
    return `${formatClock((next - paused) / 1000)} left, stopped while paused`;
  }
  if (deployment.status !== 'IN_PROGRESS') return null;
  const left = (next - now) / 1000;
  return left <= 0 ? 'due now' : `in ${formatClock(left)}`;
}
