import {
  Alert,
  Anchor,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { AnalyticsGranularity, ConfigAnalyticsQuery as Answer } from '../../api/gql/graphql';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import {
  browserTimezone,
  customRange,
  hourlyAllowed,
  PRESETS,
  presetGranularity,
  presetRange,
  rangeLabel,
  timezoneOptions,
  type AnalyticsRange,
  type RangePreset,
} from './analytics-range';
import { KeyPicker } from './key-picker';
import { ConfigAnalyticsQuery } from './queries';
import { countChart, formatCount, formatRate, rateChart, type RateMetric } from './series';
import { TimeChart } from './time-chart';
import { UsageNumbers } from './usage-numbers';

const RATES: RateMetric[] = [
  'errorRate',
  'targetingMatchRate',
  'rolloutReceiveRate',
  'cacheHitRate',
];
const ENVIRONMENT = '';

/** A control with a visible label above it, as Mantine's inputs have. */
function Labelled({ label, id, children }: { label: string; id: string; children: ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={500} id={id} mb={2}>
        {label}
      </Text>
      {children}
    </div>
  );
}

type Top = Answer['configAnalytics']['topByEvaluations'];

function TopTable({ environment, title, rows }: { environment: string; title: string; rows: Top }) {
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          None in this range.
        </Text>
      ) : (
        <Table aria-label={title}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Config</Table.Th>
              <Table.Th>Evaluations</Table.Th>
              <Table.Th>Errors</Table.Th>
              <Table.Th>Error rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Anchor component={Link} to={routes.config(environment, row.key)} size="sm">
                    {row.key}
                  </Anchor>
                </Table.Td>
                <Table.Td>{formatCount(row.evaluations)}</Table.Td>
                <Table.Td>{formatCount(row.errors)}</Table.Td>
                <Table.Td>{formatRate(row.errorRate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** Usage of an environment over a date range: charts, totals, rates and top configs. */
export function AnalyticsPage() {
  const { env = '' } = useParams();
  const [params] = useSearchParams();
  const [preset, setPreset] = useState<RangePreset | 'custom'>('7d');
  const [range, setRange] = useState<AnalyticsRange>(() => presetRange('7d'));
  const [granularity, setGranularity] = useState<AnalyticsGranularity>('HOUR');
  const [zone, setZone] = useState(browserTimezone);
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [rangeError, setRangeError] = useState<string | null>(null);
  const [keys, setKeys] = useState<string[]>(() => {
    const key = params.get('config');
    return key ? [key] : [];
  });
  // Opened for one config (its Usage tab links here): its numbers first.
  const [focus, setFocus] = useState<string>(() => params.get('config') ?? ENVIRONMENT);
  const zones = useMemo(() => timezoneOptions(zone), [zone]);

  const choosePreset = (next: RangePreset | 'custom') => {
    setPreset(next);
    setRangeError(null);
    if (next === 'custom') return;
    setRange(presetRange(next));
    setGranularity(presetGranularity(next));
  };
  const applyCustom = (from: string, to: string, g: AnalyticsGranularity, z: string) => {
    setFromDay(from);
    setToDay(to);
    if (!from || !to) return;
    const result = customRange(from, to, z, g);
    if ('error' in result) {
      setRangeError(result.error);
      return;
    }
    setRangeError(null);
    setRange(result.range);
  };
  const chooseGranularity = (next: AnalyticsGranularity) => {
    setGranularity(next);
    if (preset === 'custom') applyCustom(fromDay, toDay, next, zone);
  };
  const chooseZone = (next: string) => {
    setZone(next);
    if (preset === 'custom') applyCustom(fromDay, toDay, granularity, next);
  };

  const [{ data, error, fetching }, refetch] = useQuery({
    query: ConfigAnalyticsQuery,
    variables: {
      environment: env,
      keys: keys.length ? keys : null,
      from: range.from,
      to: range.to,
      granularity,
      timezone: zone,
    },
  });
  const answer = data?.configAnalytics;
  const series = answer
    ? keys.length
      ? answer.configs.map((s) => ({ label: s.key ?? '', points: s.points, totals: s.totals }))
      : [
          {
            label: 'Whole environment',
            points: answer.environmentSeries.points,
            totals: answer.environmentSeries.totals,
          },
        ]
    : [];
  const focused =
    (focus !== ENVIRONMENT && answer?.configs.find((s) => s.key === focus)) ||
    answer?.environmentSeries;
  const focusLabel = focused?.key ?? 'Whole environment';
  const evaluations = useMemo(() => countChart(series, 'evaluations'), [answer, keys]);
  const errors = useMemo(() => countChart(series, 'errors'), [answer, keys]);
  const rates = useMemo(() => rateChart(focused?.points ?? [], RATES), [focused]);
  const shownGranularity = answer?.granularity ?? granularity;

  return (
    <Stack maw={1200}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Analytics
        </Title>
        <Anchor component={Link} to={routes.staleConfigs(env)} size="sm">
          Stale configs
        </Anchor>
      </Group>
      <Paper withBorder p="sm" role="group" aria-label="Range">
        <Stack gap="sm">
          <Group align="flex-end" gap="sm">
            <Labelled label="Range" id="range-label">
              <SegmentedControl
                aria-labelledby="range-label"
                value={preset}
                onChange={(v) => choosePreset(v as RangePreset | 'custom')}
                data={[
                  ...PRESETS.map((p) => ({ value: p.value, label: p.label })),
                  { value: 'custom', label: 'Custom' },
                ]}
              />
            </Labelled>
            <Labelled label="Points" id="granularity-label">
              <SegmentedControl
                aria-labelledby="granularity-label"
                value={granularity}
                onChange={(v) => chooseGranularity(v as AnalyticsGranularity)}
                data={[
                  {
                    value: 'HOUR',
                    label: 'Hourly',
                    disabled: preset !== 'custom' && !hourlyAllowed(range),
                  },
                  { value: 'DAY', label: 'Daily' },
                ]}
              />
            </Labelled>
            <Select
              label="Time zone"
              searchable
              allowDeselect={false}
              data={zones}
              value={zone}
              onChange={(v) => v && chooseZone(v)}
              w={220}
            />
          </Group>
          {preset === 'custom' && (
            <Group align="flex-start" gap="sm">
              <TextInput
                label="First day"
                type="date"
                value={fromDay}
                onChange={(e) => applyCustom(e.currentTarget.value, toDay, granularity, zone)}
              />
              <TextInput
                label="Last day"
                type="date"
                value={toDay}
                error={rangeError ?? undefined}
                onChange={(e) => applyCustom(fromDay, e.currentTarget.value, granularity, zone)}
              />
            </Group>
          )}
          <Group align="flex-end" gap="sm">
            <KeyPicker environment={env} value={keys} onChange={setKeys} />
            {keys.length > 0 && (
              <Select
                label="Numbers and rates of"
                allowDeselect={false}
                data={[
                  { value: ENVIRONMENT, label: 'Whole environment' },
                  ...keys.map((k) => ({ value: k, label: k })),
                ]}
                value={keys.includes(focus) ? focus : ENVIRONMENT}
                onChange={(v) => setFocus(v ?? ENVIRONMENT)}
                w={260}
              />
            )}
          </Group>
        </Stack>
      </Paper>
      {error && (
        <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      )}
      {!answer && fetching && <PageSkeleton rows={6} />}
      {answer && focused && (
        <>
          {answer.approximated && (
            <Alert color="yellow" title="Days approximated">
              {answer.timezone} is not a whole number of hours from UTC: each day starts at the UTC
              hour holding its local midnight.
            </Alert>
          )}
          <Text size="sm" c="dimmed" aria-live="polite">
            {rangeLabel(answer.from, answer.to, answer.timezone)}
            {fetching ? ' · updating…' : ''}
          </Text>
          <Title order={2} size="h4">
            {focusLabel}
          </Title>
          <UsageNumbers totals={focused.totals} label={`Totals of ${focusLabel}`} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <TimeChart
              title="Evaluations"
              data={evaluations}
              granularity={shownGranularity}
              zone={answer.timezone}
            />
            <TimeChart
              title="Errors"
              data={errors}
              granularity={shownGranularity}
              zone={answer.timezone}
              bars
            />
          </SimpleGrid>
          <TimeChart
            title={`Rates of ${focusLabel}`}
            data={rates}
            granularity={shownGranularity}
            zone={answer.timezone}
            unit="percent"
          />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <TopTable
              environment={env}
              title="Most evaluated configs"
              rows={answer.topByEvaluations}
            />
            <TopTable
              environment={env}
              title="Configs with most errors"
              rows={answer.topByErrors}
            />
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
