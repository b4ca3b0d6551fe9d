import { registerEnumType } from '@nestjs/graphql';
import { AlertCondition, AlertOperator } from './alert-metric.util';

export { AlertCondition, AlertOperator };

export enum AlertSeverity {
  INFO = 'info',
  WARNING = 'warning',
  CRITICAL = 'critical',
}

export enum AlertEventStatus {
  OPEN = 'open',
  ACKNOWLEDGED = 'acknowledged',
  RESOLVED = 'resolved',
}

registerEnumType(AlertCondition, {
  name: 'AlertCondition',
  description: 'What an alert rule measures over its window (docs/alerts.md has the formulas).',
  valuesMap: {
    ERROR_RATE: {
      description: 'Evaluation errors ÷ evaluations (TARGETING_KEY_MISSING is not an error).',
    },
    FETCH_RATE: { description: 'Evaluations per minute.' },
    USAGE_DROP: {
      description:
        '1 − evaluations ÷ evaluations of the window before; must hold against a week earlier too, when there is data then.',
    },
    VALIDATION_FAILURE: { description: 'Saves refused by validation in the window.' },
  },
});

registerEnumType(AlertOperator, {
  name: 'AlertOperator',
  description: 'How the measured value is compared with the threshold: value <operator> threshold.',
});

registerEnumType(AlertSeverity, { name: 'AlertSeverity' });

registerEnumType(AlertEventStatus, {
  name: 'AlertEventStatus',
  description:
    'OPEN: the rule crossed its threshold; ACKNOWLEDGED: someone is on it; RESOLVED: two evaluations in a row did not cross.',
});
