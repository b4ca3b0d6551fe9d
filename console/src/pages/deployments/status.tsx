import { Badge } from '@mantine/core';
import type { DeploymentStatus } from '../../api/gql/graphql';
import { STATUS_LABELS } from './lifecycle';

const STATUS_COLORS: Record<DeploymentStatus, string> = {
  PENDING: 'gray.7',
  IN_PROGRESS: 'teal.9',
  PAUSED: 'violet.9',
  COMPLETED: 'blue.9',
  ROLLED_BACK: 'red.9',
  FAILED: 'dark.7',
};

/** A deployment's status as a badge (the text carries it, not the colour; dark shades for contrast). */
export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  return (
    // Never cut short in a narrow table cell: the text is the status.
    <Badge color={STATUS_COLORS[status]} variant="filled" miw="max-content">
      {STATUS_LABELS[status]}
    </Badge>
  );
}
