import { Box, Button, Table, Text, useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AnalyticsGranularity } from '../../api/gql/graphql';
import { ScrollTable } from '../../components/scroll-table';
import { periodLabel } from './analytics-range';
import { chartSummary, formatCount, type ChartData } from './series';

const PALETTE = [
  'blue',
  'orange',
  'teal',
  'grape',
  'red',
  'lime',
  'cyan',
  'pink',
  'yellow',
  'indigo',
];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * A time series drawn by uPlot on a canvas (thousands of points stay smooth), with its
 * meaning in words for screen readers and, on request, the numbers as a table.
 */
export function TimeChart({
  title,
  data,
  granularity,
  zone,
  unit = 'count',
  bars = false,
  height = 220,
}: {
  title: string;
  data: ChartData;
  granularity: AnalyticsGranularity;
  zone: string;
  unit?: 'count' | 'percent';
  bars?: boolean;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');
  const [table, setTable] = useState(false);
  const summary = chartSummary(title, data, granularity, zone, unit);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const text = cssVar('--mantine-color-text');
    const grid = cssVar('--mantine-color-default-border');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const barPaths = uPlot.paths.bars?.({ size: [0.7, 40] });
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
        legend: { show: data.lines.length > 1 },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [axis, { ...axis, size: 60 }],
        series: [
          {},
          ...data.lines.map((line, i) => {
            const colour = cssVar(`--mantine-color-${PALETTE[i % PALETTE.length]}-6`);
            return {
              label: line.label,
              stroke: colour,
              width: 2,
              fill: bars ? colour : undefined,
              paths: bars ? barPaths : undefined,
              points: { show: false },
              value: (_u: uPlot, v: number | null) =>
                v === null ? '—' : unit === 'percent' ? `${v} %` : formatCount(v),
            };
          }),
        ],
      },
      [data.times, ...data.lines.map((l) => l.values)],
      element,
    );
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, granularity, zone, unit, bars, height, scheme]);

  return (
    // min-width 0 lets a grid column shrink below the canvas' last width; the box then
    // reports the narrower width and the chart is redrawn to it.
    <Box component="figure" m={0} miw={0}>
      <Text component="figcaption" fw={600} size="sm" mb={4}>
        {title}
      </Text>
      <div ref={box} role="img" aria-label={summary} style={{ overflow: 'hidden' }} />
      <Button
        variant="subtle"
        size="compact-xs"
        mt={4}
        aria-expanded={table}
        aria-label={`${table ? 'Hide the numbers' : 'Show the numbers'} of “${title}” as a table`}
        onClick={() => setTable((open) => !open)}
      >
        {table ? 'Hide the numbers' : 'Show the numbers'}
      </Button>
      {table && (
        <ScrollTable label={title} minWidth={300}>
          <Table striped aria-label={`${title}, by period`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Period</Table.Th>
                {data.lines.map((line) => (
                  <Table.Th key={line.label}>{line.label}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.times.map((time, i) => (
                <Table.Tr key={time}>
                  <Table.Td>
                    {periodLabel(new Date(time * 1000).toISOString(), granularity, zone)}
                  </Table.Td>
                  {data.lines.map((line) => (
                    <Table.Td key={line.label}>
                      {unit === 'percent' ? `${line.values[i]} %` : formatCount(line.values[i])}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Box>
  );
}
