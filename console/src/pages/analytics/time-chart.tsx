import { useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AnalyticsGranularity } from '../../api/gql/graphql';
import { ChartFigure, cssVar, fitWidth, themedAxis } from '../../components/chart-figure';
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
  const summary = chartSummary(title, data, granularity, zone, unit);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = themedAxis();
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
    return fitWidth(plot, element, height);
  }, [data, granularity, zone, unit, bars, height, scheme]);

  return (
    <ChartFigure
      title={title}
      summary={summary}
      box={box}
      by="period"
      header={['Period', ...data.lines.map((line) => line.label)]}
      rows={data.times.map((time, i) => ({
        key: time,
        cells: [
          periodLabel(new Date(time * 1000).toISOString(), granularity, zone),
          ...data.lines.map((line) =>
            unit === 'percent' ? `${line.values[i]} %` : formatCount(line.values[i]),
          ),
        ],
      }))}
    />
  );
}
