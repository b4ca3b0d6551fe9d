import { useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlertCondition } from '../../api/gql/graphql';
import { ChartFigure, cssVar, fitWidth, themedAxis } from '../../components/chart-figure';
import { CONDITION_LABELS, formatDisplay, formatMetric, toDisplay } from './alert-draft';
import { seriesSummary, type MetricPoint } from './metric-series';

/**
 * The metric a rule would measure over the last 24 hours (display units: percent for rates)
 * against its threshold, a dashed line: drawn by uPlot, said in words, and given as a table
 * on request.
 */
export function MetricChart({
  condition,
  points,
  threshold,
  height = 220,
}: {
  condition: AlertCondition;
  points: readonly MetricPoint[];
  /** On the wire's scale (a share for rates); null: none drawn. */
  threshold: number | null;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');
  const title = `${CONDITION_LABELS[condition]}, last 24 hours`;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = themedAxis();
    const times = points.map((p) => Date.parse(p.at) / 1000);
    const values = points.map((p) => (p.value === null ? null : toDisplay(condition, p.value)));
    const limit = threshold === null ? null : toDisplay(condition, threshold);
    const format = (_u: uPlot, v: number | null) =>
      v === null ? '—' : formatDisplay(condition, v);
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height,
        cursor: { drag: { x: false, y: false } },
        scales: {
          y: {
            range: (_u, _min, max) => {
              const top = Math.max(max ?? 0, limit ?? 0);
              return [Math.min(0, _min ?? 0), top > 0 ? top * 1.15 : 1];
            },
          },
        },
        axes: [axis, { ...axis, size: 60 }],
        series: [
          {},
          {
            label: CONDITION_LABELS[condition],
            stroke: cssVar('--mantine-color-blue-6'),
            width: 2,
            // Dots too: a lone measured point (a config evaluated just now) has no line.
            points: { show: true, size: 4 },
            value: format,
          },
          {
            label: 'Threshold',
            stroke: cssVar('--mantine-color-red-7'),
            dash: [6, 4],
            width: 1.5,
            points: { show: false },
            value: format,
          },
        ],
      },
      [times, values, times.map(() => limit)],
      element,
    );
    return fitWidth(plot, element, height);
  }, [points, threshold, condition, height, scheme]);

  return (
    <ChartFigure
      title={title}
      summary={`${title}: ${seriesSummary(condition, points, threshold)}`}
      box={box}
      by="time"
      header={['Window ending', CONDITION_LABELS[condition], 'Sample', 'Would fire']}
      rows={points.map((p) => ({
        key: p.at,
        cells: [
          new Date(p.at).toLocaleString(),
          formatMetric(condition, p.value),
          String(p.sample),
          p.crossing == null ? '—' : p.crossing ? 'yes' : 'no',
        ],
      }))}
    />
  );
}
