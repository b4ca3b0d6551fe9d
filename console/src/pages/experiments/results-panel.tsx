import {
  Alert,
  Badge,
  Box,
  Button,
  Group,
  Progress,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useCallback, useEffect, useMemo } from 'react';
import { useQuery } from 'urql';
import type { ExperimentResultsQuery as ResultsData } from '../../api/gql/graphql';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { PValueChart } from './p-value-chart';
import { ExperimentResultsQuery } from './queries';
import {
  barPosition,
  MIN_EXPOSURES,
  number,
  percent,
  pValue,
  scaleOf,
  sequentialPValueSeries,
  signedPercent,
} from './results-format';

type Results = ResultsData['experimentResults'];
type Metric = Results['metrics'][number];
type VariantResult = Metric['variants'][number];

const ROLE_LABELS = { PRIMARY: 'primary', SECONDARY: 'secondary', GUARDRAIL: 'guardrail' };

/** An interval as a bar with its point; the numbers are in its accessible name. */
function IntervalBar({
  lower,
  upper,
  point,
  scale,
  label,
  zero,
}: {
  lower: number;
  upper: number;
  point: number;
  scale: { min: number; max: number };
  label: string;
  zero?: boolean;
}) {
  const at = barPosition(lower, upper, point, scale.min, scale.max);
  const zeroAt = zero ? barPosition(0, 0, 0, scale.min, scale.max).point : null;
  return (
    <Box
      role="img"
      aria-label={label}
      pos="relative"
      h={14}
      miw={140}
      style={{ background: 'var(--mantine-color-default-border)', borderRadius: 3 }}
    >
      {zeroAt !== null && (
        <Box
          pos="absolute"
          top={-2}
          h={18}
          w={1}
          left={`${zeroAt}%`}
          style={{ background: 'var(--mantine-color-text)' }}
        />
      )}
      <Box
        pos="absolute"
        top={3}
        h={8}
        left={`${at.left}%`}
        w={`${Math.max(at.width, 0.5)}%`}
        style={{ background: 'var(--mantine-color-blue-filled)', borderRadius: 2 }}
      />
      <Box
        pos="absolute"
        top={1}
        h={12}
        w={3}
        left={`calc(${at.point}% - 1px)`}
        style={{ background: 'var(--mantine-color-text)' }}
      />
    </Box>
  );
}

function SignificanceBadge({ variant, alpha }: { variant: VariantResult; alpha: number }) {
  const c = variant.comparison;
  if (variant.control) return <Badge variant="outline">control</Badge>;
  if (!c || c.decisionPValue == null) return <Badge color="gray.7">not enough data</Badge>;
  if (!c.significant)
    return (
      <Tooltip label={`p ${pValue(c.decisionPValue)} ≥ ${alpha}`}>
        <Badge color="gray.7">not significant</Badge>
      </Tooltip>
    );
  const better = (c.absoluteLift ?? 0) > 0;
  return (
    <Badge color={better ? 'teal.9' : 'red.9'}>{better ? 'significant ↑' : 'significant ↓'}</Badge>
  );
}

function MetricTable({ metric, results }: { metric: Metric; results: Results }) {
  const conversion = metric.kind === 'CONVERSION';
  const rateScale = scaleOf(
    metric.variants.flatMap((v) => (v.conversionInterval ? [v.conversionInterval] : [])),
  );
  // In sequential mode the lift's bar is its confidence sequence, valid at every peek.
  const liftIntervalOf = (v: VariantResult) =>
    (results.sequential
      ? v.comparison?.sequential.absoluteInterval
      : v.comparison?.absoluteInterval) ?? null;
  const liftIntervals = metric.variants.flatMap((v) => liftIntervalOf(v) ?? []);
  const liftScale = scaleOf(liftIntervals, 0);
  const series = useMemo(
    () =>
      sequentialPValueSeries(metric.history, metric.variants.find((v) => v.control)?.variantKey),
    [metric],
  );
  const intervalName = results.sequential
    ? 'confidence sequence'
    : `${(1 - results.alpha) * 100}% interval`;
  return (
    <section aria-label={`Metric ${metric.name}`}>
      <Group gap="xs" mb={4}>
        <Title order={3} size="h5">
          {metric.name}
        </Title>
        <Badge variant="outline" size="sm">
          {ROLE_LABELS[metric.role]}
        </Badge>
        <Text size="xs" c="dimmed">
          {conversion ? 'conversion' : 'numeric (mean per exposed subject)'}
          {metric.chiSquare &&
            ` · chi-square ${number(metric.chiSquare.statistic)} (df ${metric.chiSquare.degreesOfFreedom}), p ${pValue(metric.chiSquare.pValue)}`}
        </Text>
      </Group>
      <ScrollTable label={`Results for ${metric.name}`} minWidth={880}>
        <Table aria-label={`Results for ${metric.name}`} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Variant</Table.Th>
              <Table.Th>Exposures</Table.Th>
              <Table.Th>{conversion ? 'Converted' : 'Mean'}</Table.Th>
              {conversion && <Table.Th>Rate ({(1 - results.alpha) * 100}% Wilson)</Table.Th>}
              <Table.Th>Lift vs control</Table.Th>
              <Table.Th>p-value</Table.Th>
              <Table.Th>{results.sequential ? 'Always-valid p' : 'Holm-adjusted p'}</Table.Th>
              <Table.Th>Significance</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {metric.variants.map((v) => {
              const c = v.comparison;
              const liftInterval = liftIntervalOf(v);
              return (
                <Table.Tr key={v.variantKey}>
                  <Table.Td>{v.variantKey}</Table.Td>
                  <Table.Td>{v.exposures.toLocaleString()}</Table.Td>
                  <Table.Td>
                    {conversion ? (v.converters ?? 0).toLocaleString() : number(v.mean)}
                  </Table.Td>
                  {conversion && (
                    <Table.Td>
                      <Stack gap={2}>
                        <Text size="sm">{percent(v.conversionRate)}</Text>
                        {v.conversionInterval && v.conversionRate != null && (
                          <IntervalBar
                            lower={v.conversionInterval.lower}
                            upper={v.conversionInterval.upper}
                            point={v.conversionRate}
                            scale={rateScale}
                            label={`${v.variantKey}: rate ${percent(v.conversionRate)}, from ${percent(v.conversionInterval.lower)} to ${percent(v.conversionInterval.upper)}`}
                          />
                        )}
                      </Stack>
                    </Table.Td>
                  )}
                  <Table.Td>
                    {c ? (
                      <Stack gap={2}>
                        <Text size="sm">
                          {signedPercent(c.relativeLift)} relative
                          {c.relativeInterval &&
                            ` (${signedPercent(c.relativeInterval.lower)} to ${signedPercent(c.relativeInterval.upper)})`}
                        </Text>
                        {liftInterval && c.absoluteLift != null && (
                          <IntervalBar
                            lower={liftInterval.lower}
                            upper={liftInterval.upper}
                            point={c.absoluteLift}
                            scale={liftScale}
                            zero
                            label={`${v.variantKey}: absolute lift ${number(c.absoluteLift)}, ${intervalName} ${number(liftInterval.lower)} to ${number(liftInterval.upper)}`}
                          />
                        )}
                      </Stack>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{pValue(c?.pValue)}</Table.Td>
                  <Table.Td>
                    {pValue(results.sequential ? c?.sequential.adjustedPValue : c?.adjustedPValue)}
                  </Table.Td>
                  <Table.Td style={{ minWidth: 160 }}>
                    <SignificanceBadge variant={v} alpha={results.alpha} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {metric.history.length > 0 && (
        <Box mt="sm">
          <PValueChart
            title={`Sequential p-value over time for ${metric.name}`}
            series={series}
            alpha={results.alpha}
          />
        </Box>
      )}
    </section>
  );
}

/** Per-variant results of the experiment's metrics, with the checks that say whether to trust them. */
export function ResultsPanel({
  env,
  experimentKey,
  version,
}: {
  env: string;
  experimentKey: string;
  /** Bumped when live counts or a transition arrive: the results reload. */
  version: number;
}) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ExperimentResultsQuery,
    variables: { environment: env, key: experimentKey },
    requestPolicy: 'cache-and-network',
  });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  if (error) return <ProblemAlert error={error} onRetry={reload} />;
  if (fetching && !data) return <PageSkeleton rows={4} />;
  if (!data) return null;
  const r = data.experimentResults;
  const primary = r.metrics[0];
  const exposures = primary?.variants ?? [];
  const warnings = r.warnings.filter((w) => w.code !== 'SAMPLE_RATIO_MISMATCH');
  return (
    <Stack aria-label="Results" component="section">
      <Group justify="space-between">
        <Title order={2} size="h3">
          Results
        </Title>
        <Button size="xs" variant="default" onClick={reload} loading={fetching}>
          Refresh results
        </Button>
      </Group>
      {r.sampleRatio.mismatch && (
        <Alert color="red" title="Sample ratio mismatch: do not trust these results" role="alert">
          The exposures per variant differ from the weights more than chance explains (p{' '}
          {pValue(r.sampleRatio.pValue)} &lt; 0.001). Assignment or exposure logging is likely
          broken: check that every variant is served and logged the same way before reading any
          figure below.
        </Alert>
      )}
      {warnings.length > 0 && (
        <Alert color="yellow" title="Read with care">
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {warnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        </Alert>
      )}
      <Text size="sm">
        {r.totalExposures.toLocaleString()} subjects exposed.{' '}
        {r.sequential
          ? `Sequential mode: the badges read the always-valid p-value (tuning ${r.tuning.toLocaleString()}), safe to check as often as you like; each metric's chart shows it day by day.`
          : `Fixed horizon: the badges read Holm-adjusted p-values at α = ${r.alpha}; decide at the planned sample size, not on a peek.`}
      </Text>
      <div>
        <Text size="sm" fw={500} mb={4}>
          Minimum sample ({MIN_EXPOSURES} exposures per variant)
        </Text>
        <Stack gap={6}>
          {exposures.map((v) => (
            <Group key={v.variantKey} gap="xs" wrap="nowrap">
              <Text size="sm" w={120} truncate>
                {v.variantKey}
              </Text>
              <Progress
                value={Math.min(100, (v.exposures / MIN_EXPOSURES) * 100)}
                color={v.exposures >= MIN_EXPOSURES ? 'teal' : 'yellow'}
                style={{ flex: 1 }}
                aria-label={`${v.variantKey}: ${v.exposures} of ${MIN_EXPOSURES} exposures`}
              />
              <Text size="xs" w={90}>
                {v.exposures.toLocaleString()} / {MIN_EXPOSURES}
              </Text>
            </Group>
          ))}
        </Stack>
      </div>
      {r.metrics.map((metric) => (
        <MetricTable key={`${metric.role}:${metric.name}`} metric={metric} results={r} />
      ))}
    </Stack>
  );
}
