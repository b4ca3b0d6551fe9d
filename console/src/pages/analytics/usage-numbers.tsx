import { Paper, SimpleGrid, Text } from '@mantine/core';
import type { AnalyticsSeriesFieldsFragment } from '../../api/gql/graphql';
import { formatCount, formatRate } from './series';

/** A series' totals over the range: counts, rates and distinct subjects. */
export function UsageNumbers({
  totals,
  label,
}: {
  totals: AnalyticsSeriesFieldsFragment['totals'];
  label: string;
}) {
  const stats: [string, string][] = [
    ['Evaluations', formatCount(totals.evaluations)],
    ['Errors', formatCount(totals.errors)],
    ['Error rate', formatRate(totals.errorRate)],
    ['Targeting match rate', formatRate(totals.targetingMatchRate)],
    ['Rollout receive rate', formatRate(totals.rolloutReceiveRate)],
    ['Cache hit rate', formatRate(totals.cacheHitRate)],
    ['Unique users', formatCount(totals.uniqueUsers)],
    ['Unique devices', formatCount(totals.uniqueDevices)],
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" role="list" aria-label={label}>
      {stats.map(([name, value]) => (
        <Paper key={name} withBorder p="xs" role="listitem">
          <Text size="xs" c="dimmed">
            {name}
          </Text>
          <Text fw={700} size="lg">
            {value}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
