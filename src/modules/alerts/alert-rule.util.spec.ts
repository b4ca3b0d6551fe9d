import { AlertCondition } from './alert-metric.util';
import { alertRuleIssues, AlertRuleDraft } from './alert-rule.util';

const draft = (overrides: Partial<AlertRuleDraft>): AlertRuleDraft => ({
  configKey: 'checkout.enabled',
  condition: AlertCondition.ERROR_RATE,
  threshold: 0.05,
  webhookEndpointIds: [],
  emailRecipientIds: [],
  guardsDeployments: false,
  ...overrides,
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);

describe('alertRuleIssues', () => {
  it('accepts a valid rule', () => {
    expect(alertRuleIssues(draft({ guardsDeployments: true }), 20)).toEqual([]);
  });

  it.each([
    [AlertCondition.ERROR_RATE, 1.5],
    [AlertCondition.ERROR_RATE, -0.1],
    [AlertCondition.USAGE_DROP, 2],
  ])('refuses a %s threshold of %s (a share from 0 to 1)', (condition, threshold) => {
    expect(alertRuleIssues(draft({ condition, threshold }), 20)).toEqual([
      expect.objectContaining({ path: 'input.threshold', rule: 'range' }),
    ]);
  });

  it.each([AlertCondition.FETCH_RATE, AlertCondition.VALIDATION_FAILURE])(
    'refuses a negative %s threshold and accepts one above 1',
    (condition) => {
      expect(alertRuleIssues(draft({ condition, threshold: -1 }), 20)).toEqual([
        expect.objectContaining({ path: 'input.threshold', rule: 'range' }),
      ]);
      expect(alertRuleIssues(draft({ condition, threshold: 250 }), 20)).toEqual([]);
    },
  );

  it('counts webhook endpoints and email recipients together against the limit', () => {
    expect(
      alertRuleIssues(draft({ webhookEndpointIds: ids(10), emailRecipientIds: ids(10) }), 20),
    ).toEqual([]);
    expect(
      alertRuleIssues(draft({ webhookEndpointIds: ids(11), emailRecipientIds: ids(10) }), 20),
    ).toEqual([expect.objectContaining({ path: 'input.webhookEndpointIds', rule: 'maxChannels' })]);
  });

  it('refuses guarding deployments without a config, with every other problem', () => {
    expect(
      alertRuleIssues(draft({ configKey: null, guardsDeployments: true, threshold: 3 }), 20),
    ).toEqual([
      expect.objectContaining({ path: 'input.threshold' }),
      expect.objectContaining({ path: 'input.guardsDeployments', rule: 'requiresKey' }),
    ]);
  });
});
