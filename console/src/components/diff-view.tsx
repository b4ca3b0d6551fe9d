import { Badge, Code, Table, Text } from '@mantine/core';
import { diffJson, formatValue } from './diff';
import { ScrollTable } from './scroll-table';

/** Two versions side by side, one row per differing field. */
export function DiffView({
  before,
  after,
  beforeLabel = 'Before',
  afterLabel = 'After',
  caption,
}: {
  before: unknown;
  after: unknown;
  beforeLabel?: string;
  afterLabel?: string;
  caption?: string;
}) {
  const rows = diffJson(before, after);
  if (rows.length === 0) return <Text size="sm">No differences.</Text>;
  return (
    <ScrollTable label={caption ?? 'Differences'} minWidth={360}>
      <Table striped withTableBorder layout="fixed" fz="sm">
        {caption && <Table.Caption>{caption}</Table.Caption>}
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="28%">Field</Table.Th>
            <Table.Th>{beforeLabel}</Table.Th>
            <Table.Th>{afterLabel}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.path}>
              <Table.Td>
                <Code>{row.path}</Code>{' '}
                <Badge
                  size="xs"
                  color={
                    row.kind === 'removed' ? 'red.9' : row.kind === 'added' ? 'green.9' : 'blue.9'
                  }
                >
                  {row.kind}
                </Badge>
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>
                <Code block style={{ whiteSpace: 'pre-wrap' }}>
                  {formatValue(row.before)}
                </Code>
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>
                <Code block style={{ whiteSpace: 'pre-wrap' }}>
                  {formatValue(row.after)}
                </Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
