import { Box, Button, Table, Text } from '@mantine/core';
import { useState, type RefObject } from 'react';
import uPlot from 'uplot';
import { ScrollTable } from './scroll-table';

/** A theme colour (a Mantine CSS variable) as uPlot's canvas needs it. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** An axis in the theme's text and border colours. */
export function themedAxis(): uPlot.Axis {
  const grid = cssVar('--mantine-color-default-border');
  return {
    stroke: cssVar('--mantine-color-text'),
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid },
  };
}

/** Keeps a plot as wide as its element; returns the undo (for an effect's cleanup). */
export function fitWidth(plot: uPlot, element: HTMLElement, height: number): () => void {
  const resize = new ResizeObserver(() => {
    plot.setSize({ width: Math.max(element.clientWidth, 200), height });
  });
  resize.observe(element);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}

/**
 * A chart's frame: its title, the canvas box (an image whose name is `summary`, the chart in
 * words) and, on request, the numbers as a table of `header` and `rows`.
 */
export function ChartFigure({
  title,
  summary,
  box,
  header,
  rows,
  by,
}: {
  title: string;
  summary: string;
  box: RefObject<HTMLDivElement | null>;
  header: string[];
  rows: { key: string | number; cells: string[] }[];
  /** What a row is ("period", "day"): the table is named "<title>, by <by>". */
  by: string;
}) {
  const [table, setTable] = useState(false);
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
          <Table striped aria-label={`${title}, by ${by}`}>
            <Table.Thead>
              <Table.Tr>
                {header.map((cell) => (
                  <Table.Th key={cell}>{cell}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.key}>
                  {row.cells.map((cell, i) => (
                    <Table.Td key={i}>{cell}</Table.Td>
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
