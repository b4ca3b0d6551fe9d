import { Badge } from '@mantine/core';
import type { NotificationDeliveryStatus } from '../../api/gql/graphql';
import { STATUS_LABELS } from './notifications';

// The text carries the state; the dark shades only help (and keep the contrast in both themes).
// A badge is never narrower than its text: a squeezed table column would cut it short.
const WHOLE = { minWidth: 'max-content' };

const STATUS_COLORS: Record<NotificationDeliveryStatus, string> = {
  PENDING: 'gray.7',
  SUCCEEDED: 'teal.9',
  FAILED: 'red.9',
};

/** A delivery's status as a badge: the text carries it, the dark shade only helps. */
export function DeliveryStatusBadge({ status }: { status: NotificationDeliveryStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="filled" style={WHOLE}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

/** An endpoint's state in words: on, turned off, or disabled by the system after failing. */
export function EndpointStatus({
  enabled,
  disabledReason,
}: {
  enabled: boolean;
  disabledReason: string | null;
}) {
  if (enabled) {
    return (
      <Badge color="teal.9" variant="filled" style={WHOLE}>
        enabled
      </Badge>
    );
  }
  return (
    <Badge color={disabledReason ? 'red.9' : 'gray.7'} variant="filled" style={WHOLE}>
      {disabledReason ? 'disabled after failing' : 'disabled'}
    </Badge>
  );
}
