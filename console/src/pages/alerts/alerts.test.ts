import { describe, expect, it } from 'vitest';
import {
  describeRule,
  draftFromAlert,
  draftToInput,
  formatMetric,
  newDraft,
  previewThreshold,
  thresholdUnit,
} from './alert-draft';
import { seriesSummary } from './metric-series';

const stored = {
  id: 'a1',
  configKey: null,
  name: 'Checkout errors',
  condition: 'ERROR_RATE' as const,
  operator: 'GT' as const,
  threshold: 0.07,
  windowMinutes: 120,
  minimumSample: 100,
  cooldownMinutes: 30,
  severity: 'CRITICAL' as const,
  enabled: true,
  guardsDeployments: false,
  webhookEndpointIds: ['e1'],
  emailRecipientIds: [],
  lastEvaluatedAt: null,
  lastValue: null,
  lastSample: null,
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'admin',
  unresolvedEvent: null,
};

describe('the alert rule draft', () => {
  it('shows a rate threshold in percent and sends it as a share', () => {
    const draft = draftFromAlert(stored);
    expect(draft).toMatchObject({ threshold: 7, configKey: '', webhookEndpointIds: ['e1'] });
    expect(draftToInput(draft)).toMatchObject({ threshold: 0.07, key: null, windowMinutes: 120 });
    expect(previewThreshold(draft)).toBe(0.07);
  });

  it('sends counts and per-minute rates as they are', () => {
    const draft = {
      ...newDraft('checkout.enabled'),
      condition: 'FETCH_RATE' as const,
      threshold: 12,
    };
    expect(draftToInput(draft)).toMatchObject({ threshold: 12, key: 'checkout.enabled' });
    expect(thresholdUnit('FETCH_RATE')).toBe('evaluations per minute');
    expect(thresholdUnit('USAGE_DROP')).toBe('%');
  });

  it('leaves an empty number out, for the server to name', () => {
    const input = draftToInput({ ...newDraft(), threshold: '', minimumSample: '' });
    expect(input.threshold).toBeUndefined();
    expect(input.minimumSample).toBeUndefined();
    expect(JSON.parse(JSON.stringify(input))).not.toHaveProperty('threshold');
  });

  it('describes a rule and formats its values in their units', () => {
    expect(describeRule(stored)).toBe('Error rate > 7% over 2 h');
    expect(
      describeRule({
        condition: 'VALIDATION_FAILURE',
        operator: 'GTE',
        threshold: 3,
        windowMinutes: 1440,
      }),
    ).toBe('Refused saves ≥ 3 over 1 d');
    expect(formatMetric('FETCH_RATE', 12.3456)).toBe('12.35/min');
    expect(formatMetric('USAGE_DROP', 0.123456)).toBe('12.35%');
    expect(formatMetric('ERROR_RATE', null)).toBe('—');
  });
});

describe('the preview in words', () => {
  const points = [
    { at: '2026-01-01T00:00:00Z', value: null, sample: 0, crossing: false },
    { at: '2026-01-01T00:05:00Z', value: 0.02, sample: 500, crossing: false },
    { at: '2026-01-01T00:10:00Z', value: 0.2, sample: 500, crossing: true },
  ];

  it('gives the range, the last value and how often the rule would cross', () => {
    expect(seriesSummary('ERROR_RATE', points, 0.1)).toBe(
      'from 2% to 20%, 20% at the end; the rule would cross 10% at 1 of 3 points.',
    );
    expect(seriesSummary('ERROR_RATE', points, null)).toBe('from 2% to 20%, 20% at the end.');
  });

  it('says when there is nothing to show', () => {
    expect(seriesSummary('FETCH_RATE', [points[0]], 5)).toMatch(/^no data/);
  });
});
