import { describe, expect, it } from 'vitest';
import {
  changedFields,
  deliveryOutcome,
  FAST_POLL_MS,
  lastResponse,
  placeFieldErrors,
  pollDelay,
  SLOW_POLL_MS,
  SUBSCRIBABLE_EVENT_TYPES,
  type Delivery,
} from './notifications';

const NOW = new Date('2026-12-02T12:00:00Z');

function delivery(fields: Partial<Delivery>): Delivery {
  return {
    id: 'd1',
    eventId: 'test.1',
    eventType: 'TEST',
    channel: 'WEBHOOK',
    endpointId: 'e1',
    recipientId: null,
    status: 'PENDING',
    attempts: 0,
    responseCode: null,
    latencyMs: null,
    lastError: null,
    nextAttemptAt: NOW.toISOString(),
    deliveredAt: null,
    createdAt: NOW.toISOString(),
    payload: {},
    ...fields,
  };
}

describe('event types', () => {
  it('offers every type but the test event for subscriptions', () => {
    expect(SUBSCRIBABLE_EVENT_TYPES).toEqual([
      'CONFIG_CHANGED',
      'EXPERIMENT_STATUS_CHANGED',
      'DEPLOYMENT_STEP',
      'ALERT_TRIGGERED',
      'APPROVAL_REQUESTED',
      'APPROVAL_DECIDED',
      'WEBHOOK_DISABLED',
    ]);
  });
});

describe('deliveryOutcome', () => {
  it('says a delivery succeeded with its response and latency', () => {
    const outcome = deliveryOutcome(
      delivery({ status: 'SUCCEEDED', attempts: 1, responseCode: 200, latencyMs: 12 }),
      NOW,
    );
    expect(outcome).toEqual({
      settled: true,
      ok: true,
      message: 'Delivered (HTTP 200 in 12 ms) after 1 attempt.',
    });
  });

  it('says an email was sent, without a response code', () => {
    const sent = delivery({ channel: 'EMAIL', status: 'SUCCEEDED', attempts: 2, latencyMs: 40 });
    expect(deliveryOutcome(sent, NOW).message).toBe('Delivered (sent in 40 ms) after 2 attempts.');
  });

  it('is not settled before the first attempt is recorded', () => {
    expect(deliveryOutcome(delivery({}), NOW)).toEqual({
      settled: false,
      ok: false,
      message: 'Sending…',
    });
  });

  it('gives the error and the next attempt of a delivery being retried', () => {
    const retrying = delivery({
      attempts: 1,
      lastError: 'connect ECONNREFUSED 127.0.0.1:9',
      latencyMs: 3,
      nextAttemptAt: new Date(NOW.getTime() + 5000).toISOString(),
    });
    const outcome = deliveryOutcome(retrying, NOW);
    expect(outcome.settled).toBe(true);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(
      /^Not delivered yet: connect ECONNREFUSED 127\.0\.0\.1:9 in 3 ms \(1 attempt; next attempt at .+\)\.$/,
    );
  });

  it('says a delivery failed for good with the last answer', () => {
    const failed = delivery({ status: 'FAILED', attempts: 15, responseCode: 503, latencyMs: 8 });
    expect(deliveryOutcome(failed, NOW).message).toBe(
      'Failed after 15 attempts, no more retries: HTTP 503 in 8 ms.',
    );
    expect(lastResponse(delivery({ status: 'FAILED', attempts: 1 }))).toBe('');
  });
});

describe('pollDelay', () => {
  it('does not poll a log where nothing is pending', () => {
    expect(pollDelay([delivery({ status: 'SUCCEEDED' }), delivery({ status: 'FAILED' })])).toBe(
      null,
    );
    expect(pollDelay([])).toBe(null);
  });

  it('polls quickly while an attempt is due within a minute, slowly when later', () => {
    const inTenSeconds = new Date(NOW.getTime() + 10_000).toISOString();
    const inAnHour = new Date(NOW.getTime() + 3_600_000).toISOString();
    expect(pollDelay([delivery({ nextAttemptAt: inTenSeconds })], NOW)).toBe(FAST_POLL_MS);
    expect(pollDelay([delivery({ nextAttemptAt: inAnHour })], NOW)).toBe(SLOW_POLL_MS);
    expect(
      pollDelay(
        [delivery({ nextAttemptAt: inAnHour }), delivery({ nextAttemptAt: inTenSeconds })],
        NOW,
      ),
    ).toBe(FAST_POLL_MS);
  });
});

describe('placeFieldErrors', () => {
  it("puts each server error at the form's field and keeps the others for a summary", () => {
    const placed = placeFieldErrors(
      [
        { path: 'input.url', rule: 'https', message: 'must be an https:// URL' },
        { path: 'input.eventTypes[0]', rule: 'isIn', message: 'each event type must be one of …' },
        { path: 'input.environment', rule: 'maxChannels', message: 'at most 50 endpoints' },
      ],
      ['url', 'description', 'eventTypes'],
    );
    expect(placed).toEqual({
      fields: {
        url: 'must be an https:// URL',
        eventTypes: '[0]: each event type must be one of …',
      },
      other: ['at most 50 endpoints'],
    });
  });
});

describe('changedFields', () => {
  it('keeps only what the edit changed', () => {
    expect(
      changedFields(
        { url: 'https://a.example/', description: '', eventTypes: ['CONFIG_CHANGED'] },
        { url: 'https://a.example/', description: 'bot', eventTypes: ['CONFIG_CHANGED'] },
      ),
    ).toEqual({ description: 'bot' });
  });
});
