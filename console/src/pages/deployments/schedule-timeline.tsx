import { Box, Text, Timeline } from '@mantine/core';
import type { TimelineEntry } from '../../../../src/engine/deployment-schedule';
import { formatPercentage, scheduleRows } from './schedule-format';

/**
 * A schedule as a timeline: each step's percentage and when it is due from the start (with the
 * clock time when `startAt` is given). `current` marks the steps taken of a running deployment.
 */
export function ScheduleTimeline({
  label,
  timeline,
  startAt,
  current,
}: {
  label: string;
  timeline: readonly TimelineEntry[];
  startAt?: Date;
  current?: number;
}) {
  const rows = scheduleRows(timeline, startAt);
  return (
    <Box
      role="region"
      aria-label={`${label} (scrolls)`}
      tabIndex={0}
      mah={320}
      style={{ overflowY: 'auto' }}
      p={4}
    >
      <Timeline active={current ?? -1} bulletSize={14} lineWidth={2} role="list" aria-label={label}>
        {rows.map((row) => (
          // One line a step: a schedule has up to 100 of them.
          <Timeline.Item key={row.step} role="listitem" style={{ marginTop: row.step ? 6 : 0 }}>
            <Text size="sm" lh={1.2}>
              <strong>{formatPercentage(row.percentage)}</strong> — step {row.step + 1}: {row.when}
              {row.at && (
                <>
                  {' '}
                  (<time dateTime={row.at.toISOString()}>{row.at.toLocaleTimeString()}</time>)
                </>
              )}
              {row.step === current && ' (now)'}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </Box>
  );
}
