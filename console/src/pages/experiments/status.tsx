import { Badge } from '@mantine/core';
import type { ExperimentStatus } from '../../api/gql/graphql';

export const STATUS_LABELS: Record<ExperimentStatus, string> = {
  DRAFT: 'draft',
  RUNNING: 'running',
  PAUSED: 'paused',
  COMPLETED: 'completed',
  ARCHIVED: 'archived',
};

const STATUS_COLORS: Record<ExperimentStatus, string> = {
  DRAFT: 'gray',
  RUNNING: 'teal',
  PAUSED: 'yellow',
  COMPLETED: 'blue',
  ARCHIVED: 'dark',
};

/** An experiment's status as a badge (text, not colour alone, carries it). */
export function StatusBadge({ status }: { status: ExperimentStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light">
      {STATUS_LABELS[status]}
    </Badge>
  );
}
