import type {
  AlertCondition,
  AlertFieldsFragment,
  AlertOperator,
  AlertSeverity,
  CreateAlertInput,
} from '../../api/gql/graphql';

/** The rule form's state; a rate's threshold is in percent here, a share (0 to 1) on the wire. */
export interface AlertDraft {
  name: string;
  /** '' for the whole environment. */
  configKey: string;
  condition: AlertCondition;
  operator: AlertOperator;
  /** In the condition's display unit (percent for rates); '' while empty. */
  threshold: number | '';
  windowMinutes: number | '';
  minimumSample: number | '';
  cooldownMinutes: number | '';
  severity: AlertSeverity;
  webhookEndpointIds: string[];
  emailRecipientIds: string[];
  enabled: boolean;
  guardsDeployments: boolean;
}

export const CONDITION_LABELS: Record<AlertCondition, string> = {
  ERROR_RATE: 'Error rate',
  FETCH_RATE: 'Fetch rate',
  USAGE_DROP: 'Usage drop',
  VALIDATION_FAILURE: 'Refused saves',
};

export const CONDITION_HELP: Record<AlertCondition, string> = {
  ERROR_RATE: 'Evaluation errors ÷ evaluations in the window (a missing targeting key is no error)',
  FETCH_RATE: 'Evaluations per minute in the window',
  USAGE_DROP:
    '1 − evaluations ÷ evaluations of the window before; must hold against the same window a week earlier too',
  VALIDATION_FAILURE: 'Saves refused by validation in the window',
};

export const OPERATOR_SYMBOLS: Record<AlertOperator, string> = {
  GT: '>',
  GTE: '≥',
  LT: '<',
  LTE: '≤',
};

/** Rates are shares on the wire and percents on screen. */
export function isRate(condition: AlertCondition): boolean {
  return condition === 'ERROR_RATE' || condition === 'USAGE_DROP';
}

/** The threshold field's unit, for its label. */
export function thresholdUnit(condition: AlertCondition): string {
  if (isRate(condition)) return '%';
  return condition === 'FETCH_RATE' ? 'evaluations per minute' : 'refused saves';
}

/** A value of the condition's metric in its display unit (percent for rates). */
export function toDisplay(condition: AlertCondition, value: number): number {
  return isRate(condition) ? round(value * 100) : round(value);
}

/** "12.5%", "30/min", "4". */
export function formatMetric(condition: AlertCondition, value: number | null | undefined): string {
  return value == null ? '—' : formatDisplay(condition, toDisplay(condition, value));
}

/** A value already in the display unit (a percent for rates), as formatMetric writes it. */
export function formatDisplay(condition: AlertCondition, shown: number): string {
  const rounded = Math.round(shown * 100) / 100;
  if (isRate(condition)) return `${rounded}%`;
  return condition === 'FETCH_RATE' ? `${rounded}/min` : `${rounded}`;
}

export function formatWindow(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** "Error rate > 10% over 5 min". */
export function describeRule(rule: {
  condition: AlertCondition;
  operator: AlertOperator;
  threshold: number;
  windowMinutes: number;
}): string {
  return `${CONDITION_LABELS[rule.condition]} ${OPERATOR_SYMBOLS[rule.operator]} ${formatMetric(
    rule.condition,
    rule.threshold,
  )} over ${formatWindow(rule.windowMinutes)}`;
}

export function newDraft(configKey = ''): AlertDraft {
  return {
    name: '',
    configKey,
    condition: 'ERROR_RATE',
    operator: 'GT',
    threshold: 5,
    windowMinutes: 5,
    minimumSample: 100,
    cooldownMinutes: 30,
    severity: 'WARNING',
    webhookEndpointIds: [],
    emailRecipientIds: [],
    enabled: true,
    guardsDeployments: false,
  };
}

export function draftFromAlert(alert: AlertFieldsFragment): AlertDraft {
  return {
    name: alert.name,
    configKey: alert.configKey ?? '',
    condition: alert.condition,
    operator: alert.operator,
    threshold: toDisplay(alert.condition, alert.threshold),
    windowMinutes: alert.windowMinutes,
    minimumSample: alert.minimumSample,
    cooldownMinutes: alert.cooldownMinutes,
    severity: alert.severity,
    webhookEndpointIds: [...alert.webhookEndpointIds],
    emailRecipientIds: [...alert.emailRecipientIds],
    enabled: alert.enabled,
    guardsDeployments: alert.guardsDeployments,
  };
}

/**
 * The fields of createAlert and updateAlert (without environment or id); the environment-wide
 * rule has `key: null`. An empty number is left out, and the server refuses the missing
 * field at its path (the form shows it there): the client does not repeat its checks.
 */
export function draftToInput(draft: AlertDraft): Omit<CreateAlertInput, 'environment'> {
  const number = (value: number | '') => (value === '' ? undefined : value);
  const threshold = number(draft.threshold);
  return {
    name: draft.name.trim(),
    key: draft.configKey || null,
    condition: draft.condition,
    operator: draft.operator,
    threshold: (threshold !== undefined && isRate(draft.condition)
      ? threshold / 100
      : threshold) as number,
    windowMinutes: number(draft.windowMinutes) as number,
    minimumSample: number(draft.minimumSample),
    cooldownMinutes: number(draft.cooldownMinutes),
    severity: draft.severity,
    webhookEndpointIds: draft.webhookEndpointIds,
    emailRecipientIds: draft.emailRecipientIds,
    enabled: draft.enabled,
    guardsDeployments: draft.guardsDeployments,
  };
}

/** The threshold the preview judges with, on the wire's scale; null while it is empty. */
export function previewThreshold(draft: AlertDraft): number | null {
  if (draft.threshold === '') return null;
  return isRate(draft.condition) ? draft.threshold / 100 : draft.threshold;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
