import { Alert, Anchor, Badge, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { StaleReason } from '../../api/gql/graphql';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { StaleConfigsQuery } from '../analytics/queries';

const REASONS: Record<StaleReason, string> = {
  NOT_EVALUATED: 'not evaluated',
  SINGLE_VALUE: 'one value for everyone',
};

function when(iso: string | null | undefined): React.ReactNode {
  return iso ? <time dateTime={iso}>{new Date(iso).toLocaleString()}</time> : 'never';
}

/** Configs that are candidates for clean-up: unused, or serving one value unchanged. */
export function StaleConfigsPage() {
  const { env = '' } = useParams();
  const [days, setDays] = useState<number | string>(30);
  const valid = typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 400;
  const [debouncedDays] = useDebouncedValue(valid ? days : null, 300);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: StaleConfigsQuery,
    variables: { environment: env, days: debouncedDays ?? 30 },
    pause: debouncedDays === null,
  });
  const rows = data?.staleConfigs ?? [];
  return (
    <Stack maw={1000}>
      <Title order={1} size="h2">
        Stale configs
      </Title>
      <Text size="sm" c="dimmed">
        Candidates for clean-up: configs not evaluated for the number of days below, or serving one
        value to everyone, unchanged, for as long. Archived configs are not listed.
      </Text>
      <Group>
        <NumberInput
          label="Days"
          description="1 to 400"
          min={1}
          max={400}
          allowDecimal={false}
          value={days}
          onChange={setDays}
          error={valid ? undefined : 'Days must be a whole number from 1 to 400'}
          w={160}
        />
      </Group>
      {error && (
        <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      )}
      {fetching && !data ? (
        <PageSkeleton rows={4} />
      ) : rows.length === 0 && !error ? (
        <Alert color="teal" title="Nothing stale" role="status">
          Every active config was evaluated and serves more than one value, or changed, within{' '}
          {debouncedDays ?? days} days.
        </Alert>
      ) : (
        <ScrollTable label="Stale configs" minWidth={640}>
          <Table striped aria-label="Stale configs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Config</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Last evaluated</Table.Th>
                <Table.Th>Last changed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.key}>
                  <Table.Td>
                    <Anchor component={Link} to={routes.config(env, row.key)} size="sm">
                      {row.key}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {row.reasons.map((r) => (
                        <Badge key={r} size="sm" variant="light">
                          {REASONS[r]}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{when(row.lastEvaluatedAt)}</Table.Td>
                  <Table.Td>{when(row.lastChangedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
