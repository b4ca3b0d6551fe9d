import { useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ChartFigure, cssVar, fitWidth, themedAxis } from '../../components/chart-figure';
import { pValue, pValueSummary, type PValueSeries } from './results-format';

const PALETTE = ['orange', 'teal', 'grape', 'red', 'lime', 'cyan', 'pink', 'indigo', 'yellow'];

const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * The always-valid p-value of each variant against the control, day by day (UTC), on a 0-1
 * scale with alpha drawn as a dashed line: a line that ends below it is significant whenever
 * it is looked at. Drawn by uPlot, summarised in words, and given as a table on request.
 */
export function PValueChart({
  title,
  series,
  alpha,
  height = 200,
}: {
  title: string;
  series: PValueSeries;
  alpha: number;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = themedAxis();
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: [0, 1] } },
        axes: [axis, { ...axis, size: 50 }],
        series: [
          {},
          {
            label: `α = ${alpha}`,
            stroke: cssVar('--mantine-color-text'),
            dash: [6, 4],
            width: 1,
            points: { show: false },
          },
          ...series.lines.map((line, i) => ({
            label: line.label,
            stroke: cssVar(`--mantine-color-${PALETTE[i % PALETTE.length]}-6`),
            width: 2,
            points: { show: series.times.length < 40 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : pValue(v)),
          })),
        ],
      },
      [series.times, series.times.map(() => alpha), ...series.lines.map((l) => l.values)],
      element,
    );
    return fitWidth(plot, element, height);
  }, [series, alpha, height, scheme]);

  return (
    <ChartFigure
      title={title}
      summary={`${title}: ${pValueSummary(series, alpha)}`}
      box={box}
      by="day"
      header={['Day (UTC)', ...series.lines.map((line) => line.label)]}
      rows={series.times.map((time, i) => ({
        key: time,
        cells: [day(time), ...series.lines.map((line) => pValue(line.values[i]))],
      }))}
    />
  );
}
