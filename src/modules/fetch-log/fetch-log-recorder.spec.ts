import { Registry } from 'prom-client';
import { EvaluationResult } from '../../engine/evaluation/result';
import { FetchChannel } from './config-fetch-log.entity';
import {
  DROPPED_METRIC,
  FetchLogRecorder,
  FetchLogRecorderOptions,
  FetchLogRow,
  FetchLogWriter,
  WRITE_SLICE,
} from './fetch-log-recorder';
import { valueHash } from './fetch-log.util';

class MemoryWriter implements FetchLogWriter {
  statements: FetchLogRow[][] = [];
  failNext = false;

  async insert(rows: FetchLogRow[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database unavailable');
    }
    this.statements.push(rows);
  }

  get rows(): FetchLogRow[] {
    return this.statements.flat();
  }
}

const SERVED = { environmentId: 'env-1', revision: 42 };
const AT = new Date('2026-12-01T10:00:00.000Z');
const CONTEXT = { user: { id: 'u-1' }, device: { id: 'd-1' }, app: { version: '2.3.0' } };

function result(key: string, overrides: Partial<EvaluationResult> = {}): EvaluationResult {
  return { key, value: true, reason: 'ROLLOUT', version: 3, ...overrides };
}

function recorder(
  rate: number,
  options: Partial<FetchLogRecorderOptions> = {},
  draws: number[] = [],
) {
  const writer = new MemoryWriter();
  let calls = 0;
  const random = () => {
    calls += 1;
    return draws.shift() ?? 0.5;
  };
  const registry = new Registry();
  const instance = new FetchLogRecorder(
    { rateOf: () => rate },
    writer,
    { capacity: 100, flushIntervalMs: 60_000, random, now: () => AT, ...options },
    registry,
  );
  /** The Prometheus counter of dropped records, by reason. */
  const droppedMetric = async () => {
    const { values } = await registry.getSingleMetric(DROPPED_METRIC)!.get();
    return Object.fromEntries(values.map((v) => [v.labels.reason, v.value]));
  };
  return { instance, writer, draws: () => calls, droppedMetric };
}

describe('FetchLogRecorder', () => {
  it('records every result of a sampled batch with the subject, snapshot and channel', async () => {
    const { instance, writer } = recorder(1);
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [
      result('a', { reason: 'TARGETING_MATCH', ruleId: 'beta', value: 'purple' }),
      result('b', { reason: 'EXPERIMENT', variant: 'v2', value: { n: 1 } }),
      result('missing', { value: null, reason: 'ERROR', version: 0, errorCode: 'FLAG_NOT_FOUND' }),
    ]);
    await instance.flush();
    expect(writer.statements).toHaveLength(1);
    const subject = {
      environmentId: 'env-1',
      revision: 42,
      channel: FetchChannel.GRAPHQL,
      fetchedAt: AT,
      userId: 'u-1',
      deviceId: 'd-1',
      appVersion: '2.3.0',
    };
    expect(writer.rows).toEqual([
      {
        ...subject,
        configKey: 'a',
        valueHash: valueHash('purple'),
        reason: 'TARGETING_MATCH',
        errorCode: null,
        ruleId: 'beta',
        variant: null,
        configVersion: 3,
      },
      {
        ...subject,
        configKey: 'b',
        valueHash: valueHash({ n: 1 }),
        reason: 'EXPERIMENT',
        errorCode: null,
        ruleId: null,
        variant: 'v2',
        configVersion: 3,
      },
      {
        ...subject,
        configKey: 'missing',
        valueHash: null,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
        ruleId: null,
        variant: null,
        configVersion: 0,
      },
    ]);
  });

  it('draws once per batch, not per config, and keeps a batch whose draw is under the rate', async () => {
    const { instance, writer, draws } = recorder(0.25, {}, [0.1, 0.3, 0.2499]);
    const batch = [result('a'), result('b'), result('c')];
    for (let i = 0; i < 3; i++) instance.record(SERVED, FetchChannel.OFREP, CONTEXT, batch);
    await instance.flush();
    expect(draws()).toBe(3);
    expect(writer.rows.map((r) => r.configKey)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('records nothing at rate 0 and draws no random number', async () => {
    const { instance, writer, draws } = recorder(0);
    expect(instance.sample(SERVED, FetchChannel.GRAPHQL, CONTEXT)).toBeNull();
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result('a')]);
    await instance.flush();
    expect(draws()).toBe(0);
    expect(writer.rows).toEqual([]);
  });

  it('drops and counts records beyond the buffer capacity', async () => {
    const { instance, writer, droppedMetric } = recorder(1, { capacity: 2 });
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result('a'), result('b'), result('c')]);
    expect(instance.pending).toBe(2);
    expect(instance.dropped).toBe(1);
    expect(await droppedMetric()).toEqual({ buffer_full: 1 });
    await instance.flush();
    expect(writer.rows.map((r) => r.configKey)).toEqual(['a', 'b']);
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result('d')]);
    expect(instance.pending).toBe(1);
  });

  it('writes each flush as one batch and nothing when the buffer is empty', async () => {
    const { instance, writer } = recorder(1);
    for (let i = 0; i < 10; i++)
      instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result(`k${i}`)]);
    await instance.flush();
    await instance.flush();
    expect(writer.statements.map((rows) => rows.length)).toEqual([10]);
  });

  it('writes a large flush in slices of WRITE_SLICE rows', async () => {
    const { instance, writer } = recorder(1, { capacity: 3 * WRITE_SLICE });
    const results = Array.from({ length: 2 * WRITE_SLICE + 5 }, (_, i) => result(`k${i}`));
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, results);
    await instance.flush();
    expect(writer.statements.map((rows) => rows.length)).toEqual([WRITE_SLICE, WRITE_SLICE, 5]);
  });

  it('counts a failed write as dropped and goes on with the next flush', async () => {
    const { instance, writer, droppedMetric } = recorder(1);
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result('a'), result('b')]);
    writer.failNext = true;
    await instance.flush();
    expect(instance.dropped).toBe(2);
    expect(await droppedMetric()).toEqual({ write_failed: 2 });
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result('c')]);
    await instance.flush();
    expect(writer.rows.map((r) => r.configKey)).toEqual(['c']);
  });

  it('flushes what is left when stopped, and samples nothing after', async () => {
    const { instance, writer } = recorder(1);
    instance.start();
    instance.record(SERVED, FetchChannel.GRAPHQL, CONTEXT, [result('a')]);
    await instance.stop();
    expect(writer.rows.map((r) => r.configKey)).toEqual(['a']);
    // Nothing is sampled after the last flush: it would never be written.
    expect(instance.sample(SERVED, FetchChannel.GRAPHQL, CONTEXT)).toBeNull();
  });
});
