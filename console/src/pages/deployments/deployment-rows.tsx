import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { routes } from '../../routes';
import { isActive } from './lifecycle';
import { STRATEGY_LABELS } from './plan-draft';
import { formatPercentage } from './schedule-format';
import { DeploymentStatusBadge } from './status';
import type { Deployment } from './use-deployments';

const at = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;

/** The columns of a deployments table; `withConfig` adds the config's key first. */
export function DeploymentHeader({ withConfig }: { withConfig: boolean }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {withConfig && <Table.Th>Config</Table.Th>}
        <Table.Th>Strategy</Table.Th>
        <Table.Th>Status</Table.Th>
        <Table.Th>Started</Table.Th>
        <Table.Th>Finished</Table.Th>
        <Table.Th>Served</Table.Th>
        <Table.Th>Reason</Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
}

export const DEPLOYMENT_COLUMNS = (withConfig: boolean) => (withConfig ? 7 : 6);

/**
 * Deployments as table rows: strategy and steps, status, who started it and when, when it
 * finished (and who rolled it back), the share served (final once ended, current while
 * active), and the reason of a rollback or pause.
 */
export function DeploymentRows({
  environment,
  deployments,
  withConfig,
}: {
  environment: string;
  deployments: readonly Deployment[];
  withConfig: boolean;
}) {
  return (
    <>
      {deployments.map((d) => (
        <Table.Tr key={d.id}>
          {withConfig && (
            <Table.Td>
              <Anchor component={Link} to={routes.config(environment, d.configKey)} size="sm">
                {d.configKey}
              </Anchor>
            </Table.Td>
          )}
          <Table.Td>
            {STRATEGY_LABELS[d.strategy]}
            <Text size="xs" c="dimmed">
              {d.steps.length} {d.steps.length === 1 ? 'step' : 'steps'}
            </Text>
          </Table.Td>
          <Table.Td>
            <DeploymentStatusBadge status={d.status} />
          </Table.Td>
          <Table.Td>
            <Text size="sm">{at(d.startedAt)}</Text>
            <Text size="xs" c="dimmed">
              by {d.startedBy}
            </Text>
          </Table.Td>
          <Table.Td>
            {d.endedAt ? (
              <>
                <Text size="sm">{at(d.endedAt)}</Text>
                {d.rolledBackBy && (
                  <Text size="xs" c="dimmed">
                    rolled back by {d.rolledBackBy}
                  </Text>
                )}
              </>
            ) : (
              <Text size="sm">not yet</Text>
            )}
          </Table.Td>
          <Table.Td>
            {formatPercentage(d.currentPercentage)}
            <Text size="xs" c="dimmed">
              {isActive(d.status)
                ? `now, step ${d.currentStep + 1}`
                : d.status === 'ROLLED_BACK'
                  ? 'reached, then rolled back'
                  : 'final'}
            </Text>
          </Table.Td>
          <Table.Td style={{ wordBreak: 'break-word' }}>{d.reason ?? ''}</Table.Td>
        </Table.Tr>
      ))}
    </>
  );
}
