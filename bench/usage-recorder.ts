// npm run bench:usage-recorder — what counting costs on the hot path, in process: evaluating
// the 100 configs of bench:engine for one context, against UsageRecorder.record() of those
// 100 results, metrics on (with and without the context's user and device ids) and off. Each the fastest of 15 rounds, so a busy machine shows
// less; bench:evaluate measures the same end to end.
import { DataSource } from 'typeorm';
import { ExposureRecorder } from '../src/modules/experiments/events/exposure-recorder';
import { loadConfig } from '../src/core/config/app-config';
import { MetricsService } from '../src/core/metrics/metrics.service';
import { compileConfig, evaluateAll } from '../src/engine/evaluation/compile-config';
import { SharedConditions } from '../src/engine/evaluation/shared';
import { UsageChannel } from '../src/modules/usage/usage-metric.util';
import { UsageRecorder } from '../src/modules/usage/usage-recorder';
import { EnvironmentsService } from '../src/modules/environments/environments.service';
import { UsageRepository } from '../src/modules/usage/usage.repository';
import { MemorySketchStore } from '../src/modules/usage/usage-sketch-store';
import { UsageSketchRepository } from '../src/modules/usage/usage-sketch.repository';
import { UsageSketches } from '../src/modules/usage/usage-sketches.service';
import { benchConfigState, buildWorkload } from './engine-peers';

const REQUESTS = 5000;
const ROUNDS = 15;

const { configs, subjects } = buildWorkload(100, 1000);
const shared = new SharedConditions();
const compiled = configs.map((config) => {
  const state = benchConfigState(config);
  return compileConfig({ key: state.key, version: 1, state }, shared);
});
const contexts = subjects.map((s) => ({
  user: { id: s.userId, country: s.country, plan: s.plan, age: s.age },
  device: { id: s.deviceId, os: s.os },
}));
const resultSets = contexts.map((context) => evaluateAll(compiled, context));

/** A recorder whose writes go nowhere (the flush is not what is measured). */
function recorder(metrics: 'on' | 'off'): UsageRecorder {
  const repository = { add: async () => undefined } as unknown as UsageRepository;
  const environments = { findById: async () => null } as unknown as EnvironmentsService;
  const config = loadConfig({ USAGE_METRICS: metrics });
  const store = new MemorySketchStore();
  const sketches = new UsageSketches(store, {} as UsageSketchRepository);
  const exposures = new ExposureRecorder({} as DataSource);
  return new UsageRecorder(
    repository,
    environments,
    config,
    new MetricsService(),
    store,
    sketches,
    exposures,
  );
}

/** Nanoseconds per call of `fn`, the fastest of ROUNDS rounds. */
function fastest(fn: (i: number) => void): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < REQUESTS; i += 1) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / REQUESTS);
  }
  return best;
}

const on = recorder('on');
const off = recorder('off');
const evaluate = fastest((i) => evaluateAll(compiled, contexts[i % contexts.length]));
const recordOn = fastest((i) => on.record('env', UsageChannel.GraphQL, resultSets[i % 1000]));
const recordOff = fastest((i) => off.record('env', UsageChannel.GraphQL, resultSets[i % 1000]));
// With the context: its user and device ids counted as unique users and devices of each config.
const recordSubjects = fastest((i) =>
  on.record('env', UsageChannel.GraphQL, resultSets[i % 1000], contexts[i % contexts.length]),
);
console.log(
  `per request of 100 configs: evaluateAll ${(evaluate / 1000).toFixed(1)} µs; ` +
    `record() with metrics on ${(recordOn / 1000).toFixed(2)} µs (${(recordOn / 100).toFixed(1)} ns per result), ` +
    `with unique users and devices ${(recordSubjects / 1000).toFixed(2)} µs, ` +
    `off ${(recordOff / 1000).toFixed(3)} µs`,
);
void on.flush();
