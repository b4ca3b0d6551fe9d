import { DataSource, QueryFailedError } from 'typeorm';
import { compiledExperimentConfig } from '../../../test/factories/experiment-config.factory';
import { ExposureRecorder } from '../experiments/events/exposure-recorder';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../core/config/app-config';
import { MetricsService } from '../../core/metrics/metrics.service';
import { CONFIG_DEFAULTS } from '../../engine/config-state';
import { compileConfig } from '../../engine/evaluation/compile-config';
import { flagNotFound } from '../../engine/evaluation/result';
import { EnvironmentsService } from '../environments/environments.service';
import {
  HOUR_MS,
  MAX_LABEL_LENGTH,
  MINUTE_MS,
  UsageChannel,
  UsageMetric,
  UsageRow,
} from './usage-metric.util';
import {
  MAX_PENDING_ROWS,
  MAX_UNKNOWN_KEYS,
  UNKNOWN_KEYS_OVERFLOW,
  UsageRecorder,
} from './usage-recorder';
import { UsageRepository } from './usage.repository';
import { ENVIRONMENT_WIDE } from './unique-counter';
import { MemorySketchStore } from './usage-sketch-store';
import { UsageSketchRepository } from './usage-sketch.repository';
import { HourSketch } from './usage-sketch.util';
import { UsageSketches } from './usage-sketches.service';

/** The exposure insert's rows (experiment, subject, environment, variant, time columns). */
class FakeExposureTable {
  readonly inserts: string[][][] = [];

  async query(_sql: string, columns: string[][]): Promise<{ n: string }[]> {
    this.inserts.push(columns);
    return [{ n: String(columns[0].length) }];
  }
}

/** A usage table in memory that can be made to fail like a database that is down. */
class FakeRepository {
  readonly rows: UsageRow[] = [];
  down = false;
  /** A write holding a row of this key is refused as PostgreSQL refuses data (SQLSTATE 22021). */
  refusedKey?: string;
  writes = 0;

  async add(rows: readonly UsageRow[]): Promise<void> {
    this.writes += 1;
    if (this.down) throw new Error('connect ECONNREFUSED');
    if (rows.some((row) => row.configKey === this.refusedKey)) {
      const refusal = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        code: '22021',
      });
      throw new QueryFailedError('INSERT INTO config_usage_metric …', [], refusal);
    }
    this.rows.push(...rows.map((row) => ({ ...row })));
  }

  total(metric: UsageMetric, dimension?: string): number {
    return this.rows
      .filter((r) => r.metric === metric && (dimension === undefined || r.dimension === dimension))
      .reduce((sum, r) => sum + r.count, 0);
  }
}

/** Sketches persisted at shutdown. */
class FakeSketchRepository {
  readonly persisted: HourSketch[] = [];

  async persist(sketches: readonly HourSketch[]): Promise<void> {
    this.persisted.push(...sketches);
  }
}

function recorder(env: Record<string, string> = {}) {
  const repository = new FakeRepository();
  const store = new MemorySketchStore();
  const sketchRepository = new FakeSketchRepository();
  const environments = { findById: async () => ({ key: 'development' }) };
  const exposureDb = new FakeExposureTable();
  const usage = new UsageRecorder(
    repository as unknown as UsageRepository,
    environments as unknown as EnvironmentsService,
    loadConfig(env),
    new MetricsService(),
    store,
    new UsageSketches(store, sketchRepository as unknown as UsageSketchRepository),
    new ExposureRecorder(exposureDb as unknown as DataSource),
  );
  let now = Date.UTC(2026, 0, 1, 12, 0, 30);
  usage.now = () => now;
  return {
    usage,
    repository,
    store,
    sketchRepository,
    exposureDb,
    tick: (ms: number) => (now += ms),
  };
}

const config = compileConfig({
  key: 'banner',
  version: 1,
  state: {
    ...CONFIG_DEFAULTS,
    key: 'banner',
    valueType: 'string',
    value: 'on',
    defaultValue: 'off',
  },
});

describe('UsageRecorder', () => {
  it('hands the experiment variants it serves to the exposure recorder, with usage metrics off too', async () => {
    const experimentConfig = compiledExperimentConfig('exp-1', 'checkout-test');
    for (const env of [{}, { USAGE_METRICS: 'off' }] as Record<string, string>[]) {
      const { usage, exposureDb } = recorder(env);
      const served = ['u1', 'u2', 'u3'].map((id) => {
        const context = { user: { id } };
        const result = experimentConfig.evaluate(context);
        usage.record('env', UsageChannel.GraphQL, [result, config.evaluate(context)], context);
        return result.variant;
      });
      // OFREP's targetingKey is the subject, as evaluation took it.
      const byKey = experimentConfig.evaluate({}, 'u4');
      usage.record('env', UsageChannel.Ofrep, [byKey], {}, 'u4');
      const again = { user: { id: 'u1' } };
      usage.record('env', UsageChannel.Ofrep, [experimentConfig.evaluate(again)], again);
      usage.record('env', UsageChannel.GraphQL, [experimentConfig.evaluate({})], {});
      await usage.flush();
      expect(exposureDb.inserts).toHaveLength(1);
      const [experiments, subjects, environments, variants] = exposureDb.inserts[0];
      expect({ experiments, subjects, environments, variants }).toEqual({
        experiments: ['exp-1', 'exp-1', 'exp-1', 'exp-1'],
        subjects: ['u1', 'u2', 'u3', 'u4'],
        environments: ['env', 'env', 'env', 'env'],
        variants: [...served, byKey.variant],
      });
    }
  });

  it('writes the counts of each minute to that minute, once', async () => {
    const { usage, repository, tick } = recorder();
    usage.record('env', UsageChannel.GraphQL, [config.evaluate({}), config.evaluate({})]);
    tick(MINUTE_MS);
    usage.record('env', UsageChannel.Ofrep, [config.evaluate({})]);
    await usage.flush();
    await usage.flush();
    expect(
      repository.rows.map((r) => [r.periodStart.toISOString(), r.metric, r.dimension, r.count]),
    ).toEqual([
      ['2026-01-01T12:00:00.000Z', 'evaluations', 'graphql', 2],
      ['2026-01-01T12:00:00.000Z', 'fallthrough', '', 2],
      ['2026-01-01T12:01:00.000Z', 'evaluations', 'ofrep', 1],
      ['2026-01-01T12:01:00.000Z', 'fallthrough', '', 1],
    ]);
  });

  it('writes SDK-reported counts to the minute their period starts in, with hour and day when late', async () => {
    const { usage, repository } = recorder();
    const count = { environmentId: 'env', configKey: 'banner', dimension: 'sdk', count: 4 };
    usage.addReported(
      [{ ...count, metric: UsageMetric.Evaluations }],
      new Date(Date.UTC(2026, 0, 1, 11, 59, 40)),
    );
    usage.addReported(
      [{ ...count, metric: UsageMetric.Evaluations }],
      new Date(Date.UTC(2026, 0, 1, 9, 10, 5)),
    );
    await usage.flush();
    expect(
      repository.rows.map((r) => [r.granularity, r.periodStart.toISOString(), r.count]).sort(),
    ).toEqual([
      ['day', '2026-01-01T00:00:00.000Z', 4],
      ['hour', '2026-01-01T09:00:00.000Z', 4],
      ['minute', '2026-01-01T09:10:00.000Z', 4],
      ['minute', '2026-01-01T11:59:00.000Z', 4],
    ]);
  });

  it('keeps the counts of a failed write for the next one, and warns once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const { usage, repository } = recorder();
      repository.down = true;
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})]);
      await usage.flush();
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})]);
      await usage.flush();
      expect(repository.rows).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      repository.down = false;
      usage.add('env', 'banner', UsageMetric.RefusedSave);
      await usage.flush();
      expect(repository.total(UsageMetric.Evaluations)).toBe(2);
      expect(repository.total(UsageMetric.RefusedSave)).toBe(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('drops only the rows the database refuses as data, writing the rest, and goes on writing', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { usage, repository } = recorder();
      repository.refusedKey = 'refused';
      for (let i = 0; i < 6; i += 1) usage.add('env', `banner-${i}`, UsageMetric.RefusedSave);
      usage.add('env', 'refused', UsageMetric.RefusedSave, '', 7);
      await usage.flush();
      expect(repository.total(UsageMetric.RefusedSave)).toBe(6);
      expect(error).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ configKey: 'refused' }),
        expect.stringContaining('refused a usage row'),
      );
      // Halves, not one write per row: 7 rows took a handful of writes.
      expect(repository.writes).toBeLessThanOrEqual(7);
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})]);
      await usage.flush();
      expect(repository.total(UsageMetric.Evaluations)).toBe(1);
    } finally {
      error.mockRestore();
    }
  });

  it('keeps the rows not yet written when the database goes down while refused rows are split off', async () => {
    const { usage, repository } = recorder();
    repository.refusedKey = 'refused';
    const add = repository.add.bind(repository);
    let calls = 0;
    // The first half is written, then the database goes down.
    repository.add = async (rows) => {
      calls += 1;
      if (calls === 3) repository.down = true;
      return add(rows);
    };
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 3; i += 1) usage.add('env', `banner-${i}`, UsageMetric.RefusedSave);
      usage.add('env', 'refused', UsageMetric.RefusedSave);
      await usage.flush();
      const written = repository.total(UsageMetric.RefusedSave);
      repository.down = false;
      repository.refusedKey = undefined;
      await usage.flush();
      // Every row once: nothing written twice, nothing lost but what was never refused.
      expect(written).toBeGreaterThan(0);
      expect(repository.total(UsageMetric.RefusedSave)).toBe(4);
    } finally {
      warn.mockRestore();
    }
  });

  it('stores NUL and lone surrogates of a label as U+FFFD, and cuts it to MAX_LABEL_LENGTH', async () => {
    const { usage, repository } = recorder();
    const long = 'x'.repeat(MAX_LABEL_LENGTH + 10);
    usage.record('env', UsageChannel.Ofrep, [flagNotFound('a\u0000b\ud800c'), flagNotFound(long)]);
    await usage.flush();
    expect(new Set(repository.rows.map((r) => r.configKey))).toEqual(
      new Set(['a\ufffdb\ufffdc', long.slice(0, MAX_LABEL_LENGTH)]),
    );
  });

  it('keeps at most MAX_PENDING_ROWS rows while writes fail, the newest', async () => {
    const { usage, repository, tick } = recorder();
    repository.down = true;
    const keys = MAX_PENDING_ROWS / 2 + 10;
    for (let minute = 0; minute < 2; minute += 1) {
      for (let i = 0; i < keys; i += 1) usage.add('env', `key-${i}`, UsageMetric.RefusedSave);
      await usage.flush();
      tick(MINUTE_MS);
    }
    repository.down = false;
    await usage.flush();
    expect(repository.rows).toHaveLength(MAX_PENDING_ROWS);
    const newest = repository.rows.filter((r) => r.periodStart.getUTCMinutes() === 1);
    expect(newest).toHaveLength(keys);
  });

  it('counts unknown keys by key up to a bound, the rest together', async () => {
    const { usage, repository } = recorder();
    const unknown = Array.from({ length: MAX_UNKNOWN_KEYS + 5 }, (_, i) =>
      flagNotFound(`missing-${i}`),
    );
    usage.record('env', UsageChannel.Ofrep, unknown);
    await usage.flush();
    const errors = repository.rows.filter((r) => r.metric === UsageMetric.Error);
    expect(errors).toHaveLength(MAX_UNKNOWN_KEYS + 1);
    expect(errors.find((r) => r.configKey === UNKNOWN_KEYS_OVERFLOW)?.count).toBe(5);
    expect(repository.total(UsageMetric.Error, 'FLAG_NOT_FOUND')).toBe(MAX_UNKNOWN_KEYS + 5);
  });

  it('counts nothing with USAGE_METRICS=off', async () => {
    const { usage, repository } = recorder({ USAGE_METRICS: 'off' });
    usage.record('env', UsageChannel.GraphQL, [config.evaluate({})]);
    usage.add('env', 'banner', UsageMetric.RefusedSave);
    await usage.flush();
    expect(repository.rows).toEqual([]);
  });

  describe('unique users and devices', () => {
    const HOUR = Date.UTC(2026, 0, 1, 12);
    const counts = async (store: MemorySketchStore, hour = HOUR, key = 'banner') => {
      const [sketch] = await store.live('env', [key], hour, hour + HOUR_MS);
      return sketch && [sketch.users.count(), sketch.devices.count()];
    };

    it('counts distinct ids of the context per config and for the environment, at flush', async () => {
      const { usage, store } = recorder();
      for (let i = 0; i < 50; i += 1) {
        const context = { user: { id: `u${i % 10}` }, device: { id: i } };
        usage.record('env', UsageChannel.GraphQL, [config.evaluate(context)], context);
      }
      usage.record('env', UsageChannel.Ofrep, [flagNotFound('not-a-config')], {
        user: { id: 'u0' },
      });
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})], { app: { version: '1' } });
      expect(await counts(store)).toBeUndefined();
      await usage.flush();
      expect(await counts(store)).toEqual([10, 50]);
      expect(await counts(store, HOUR, ENVIRONMENT_WIDE)).toEqual([10, 50]);
      expect(await counts(store, HOUR, 'not-a-config')).toBeUndefined();
    });

    it('keeps the sketches of a failed write for the next, each key its own', async () => {
      const { usage, store } = recorder();
      const add = store.add.bind(store);
      let down = true;
      store.add = (window) => (down ? Promise.reject(new Error('Redis is down')) : add(window));
      const other = compileConfig({
        key: 'other',
        version: 1,
        state: {
          ...CONFIG_DEFAULTS,
          key: 'other',
          valueType: 'string',
          value: 'a',
          defaultValue: 'b',
        },
      });
      // Served together: one sketch for both keys in the window.
      for (let i = 0; i < 10; i += 1) {
        const context = { user: { id: `u${i}` } };
        usage.record(
          'env',
          UsageChannel.Ofrep,
          [config.evaluate(context), other.evaluate(context)],
          context,
        );
      }
      await usage.flush();
      expect(await counts(store)).toBeUndefined();
      down = false;
      for (let i = 10; i < 15; i += 1) {
        const context = { user: { id: `u${i}` } };
        usage.record('env', UsageChannel.GraphQL, [config.evaluate(context)], context);
      }
      await usage.flush();
      expect(await counts(store)).toEqual([15, 0]);
      expect(await counts(store, HOUR, 'other')).toEqual([10, 0]);
    });

    it('puts each request in the hour it was served in', async () => {
      const { usage, store, tick } = recorder();
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})], { user: { id: 'a' } });
      tick(HOUR_MS);
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})], { user: { id: 'b' } });
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})], { user: { id: 'c' } });
      await usage.flush();
      expect(await counts(store)).toEqual([1, 0]);
      expect(await counts(store, HOUR + HOUR_MS)).toEqual([2, 0]);
    });

    it('persists the open hour at shutdown', async () => {
      const { usage, sketchRepository } = recorder();
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})], { user: { id: 'a' } });
      await usage.beforeApplicationShutdown();
      expect(
        sketchRepository.persisted.map((s) => [s.configKey, s.hour, s.users.count()]).sort(),
      ).toEqual([
        ['', HOUR, 1],
        ['banner', HOUR, 1],
      ]);
    });

    it('records nothing with USAGE_METRICS=off', async () => {
      const { usage, store, sketchRepository } = recorder({ USAGE_METRICS: 'off' });
      usage.record('env', UsageChannel.GraphQL, [config.evaluate({})], { user: { id: 'a' } });
      await usage.beforeApplicationShutdown();
      expect(await counts(store)).toBeUndefined();
      expect(sketchRepository.persisted).toEqual([]);
    });
  });
});
