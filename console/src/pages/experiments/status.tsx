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
  DRAFT: 'gray.7',
  RUNNING: 'teal.9',
  PAUSED: 'violet.9',
  COMPLETED: 'blue.9',
  ARCHIVED: 'dark.6',
};

/** An experiment's status as a badge (text, not colour alone, carries it; dark shades for contrast). */
export function StatusBadge({ status }: { status: ExperimentStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="filled">
      {STATUS_LABELS[status]}
    </Badge>
  );
}
