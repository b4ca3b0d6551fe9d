import type { ValidationIssue } from '../../core/errors/app-error';
import { AlertCondition, RATE_CONDITIONS } from './alert-metric.util';

/** A rule as it would be saved: what the checks below judge together. */
export interface AlertRuleDraft {
  configKey: string | null;
  condition: AlertCondition;
  threshold: number;
  webhookEndpointIds: readonly string[];
  emailRecipientIds: readonly string[];
  guardsDeployments: boolean;
}

/** Why a threshold does not fit its condition (a share from 0 to 1, or not below 0), if it does not. */
export function thresholdProblem(condition: AlertCondition, threshold: number): string | null {
  if (RATE_CONDITIONS.includes(condition)) {
    if (threshold >= 0 && threshold <= 1) return null;
    return `must be from 0 to 1 for ${condition.toUpperCase()}: a share (0.05 is 5%)`;
  }
  if (threshold >= 0) return null;
  const what = condition === AlertCondition.FETCH_RATE ? 'a rate per minute' : 'a count';
  return `must be at least 0 for ${condition.toUpperCase()}: ${what}`;
}

/**
 * What is wrong with a rule as a whole, beyond each field's own checks (the input class):
 * a threshold outside its condition's range (a share from 0 to 1, or a count or rate not
 * below 0), more than `maxChannels` channels, or guarding deployments without a config.
 * Paths start at `input`.
 */
export function alertRuleIssues(draft: AlertRuleDraft, maxChannels: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const threshold = thresholdProblem(draft.condition, draft.threshold);
  if (threshold) issues.push({ path: 'input.threshold', rule: 'range', message: threshold });
  const channels = draft.webhookEndpointIds.length + draft.emailRecipientIds.length;
  if (channels > maxChannels) {
    issues.push({
      path: 'input.webhookEndpointIds',
      rule: 'maxChannels',
      message: `a rule notifies at most ${maxChannels} webhook endpoints and email recipients together; it names ${channels}`,
    });
  }
  if (draft.guardsDeployments && draft.configKey === null) {
    issues.push({
      path: 'input.guardsDeployments',
      rule: 'requiresKey',
      message: 'only a rule on one config can guard its deployments: give the key',
    });
  }
  return issues;
}
