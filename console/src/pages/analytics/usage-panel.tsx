import { Anchor, Group, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { browserTimezone, presetRange } from './analytics-range';
import { ConfigAnalyticsQuery } from './queries';
import { countChart } from './series';
import { TimeChart } from './time-chart';
import { UsageNumbers } from './usage-numbers';

/** A config's last 7 days: evaluations per hour, rates and distinct subjects. */
export function UsagePanel({ environment, configKey }: { environment: string; configKey: string }) {
  const [range] = useState(() => presetRange('7d'));
  const [zone] = useState(browserTimezone);
  const [{ data, error }, refetch] = useQuery({
    query: ConfigAnalyticsQuery,
    variables: {
      environment,
      keys: [configKey],
      from: range.from,
      to: range.to,
      granularity: 'HOUR',
      timezone: zone,
    },
  });
  const series = data?.configAnalytics.configs[0];
  const chart = useMemo(
    () => countChart(series ? [{ label: configKey, points: series.points }] : [], 'evaluations'),
    [series, configKey],
  );
  return (
    <Stack gap="sm" role="region" aria-label="Usage">
      <Text size="sm" c="dimmed">
        The last 7 days, per hour.
      </Text>
      {error && (
        <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      )}
      {!series && !error && <PageSkeleton rows={3} />}
      {series && (
        <>
          <UsageNumbers totals={series.totals} label="Last 7 days" />
          <TimeChart title="Evaluations" data={chart} granularity="HOUR" zone={zone} height={180} />
        </>
      )}
      <Group gap="md">
        <Anchor component={Link} to={routes.analytics(environment, configKey)} size="sm">
          Open in analytics
        </Anchor>
        <Anchor component={Link} to={routes.fetchLog(environment, configKey)} size="sm">
          Fetch log of this config
        </Anchor>
      </Group>
    </Stack>
  );
}
