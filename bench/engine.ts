// npm run bench:engine — evaluation throughput of the engine against flagd-core, GrowthBook and
// Unleash in one process: 100 configs, each with one rule
//   (user.country in 3 values AND user.plan = "pro") OR (user.age > 30 AND device.os contains "ios")
// serving its value to a 25% rollout on user.id, else the default; every config evaluated for
// each of BENCH_CONTEXTS (default 100,000) contexts. First a correctness check (all engines agree
// on which pairs match; each serves 25% ± 1% of them), then one warm-up round per engine and
// BENCH_ROUNDS (default 5) timed rounds, interleaved across engines; the median round counts.
// Slow peers evaluate only the first BENCH_<PEER>_CONTEXTS contexts, so the whole run stays at a
// few minutes; the table says how many each engine took.
// Then ours with a running experiment on each config (the same configs; consistent assignment,
// two variants) against ours without, once per traffic in BENCH_EXPERIMENT_TRAFFIC (percent,
// comma-separated, default "100,10"): a warm-up round each, then BENCH_EXPERIMENT_ROUNDS
// (default 3) rounds interleaved, medians compared (target: within 10%). At 100% every subject
// with an id is in, one hash (its variant) replaces the rules; below 100% every evaluation also
// hashes the traffic salt, and a subject outside it goes on to the rules. Then at the last
// traffic on 1 config in 10 (a few configs in an experiment among many, as snapshots are).
// Then ours with an active deployment on each config (its candidate: the same rule with a 50%
// rollout) against ours without, once per percentage in BENCH_DEPLOYMENT_PERCENTAGES (default
// "10,50"), the same way (target: within 10%), and at the last of them on 1 config in 10 (a few
// configs deploying among many). Every evaluation of a deploying config hashes the deployment
// salt, then runs the candidate's rules or the stable state's. Either list may be empty.
import { cpus } from 'node:os';
import {
  CompiledConfig,
  compileConfig,
  evaluateAll,
  StoredConfig,
} from '../src/engine/evaluation/compile-config';
import { EvaluationResult } from '../src/engine/evaluation/result';
import { RunningExperiment } from '../src/engine/experiment-state';
import { SharedConditions } from '../src/engine/evaluation/shared';
import {
  BenchConfig,
  benchConfigState,
  buildWorkload,
  Engine,
  flagdEngine,
  growthbookEngine,
  ROLLOUT_PERCENT,
  Subject,
  unleashEngine,
} from './engine-peers';

const CONFIGS = 100;
const CONTEXTS = Number(process.env.BENCH_CONTEXTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/**
 * Per-engine caps on the contexts, for peers too slow for 10 M evaluations a round: each then
 * takes the first N contexts. At about 0.7 and 0.45 M evaluations/s on a 2-core machine,
 * GrowthBook and Unleash take ~30 s each for the check and 6 rounds at these defaults.
 */
const CAPS = {
  flagd: Number(process.env.BENCH_FLAGD_CONTEXTS ?? 100_000),
  growthbook: Number(process.env.BENCH_GROWTHBOOK_CONTEXTS ?? 25_000),
  unleash: Number(process.env.BENCH_UNLEASH_CONTEXTS ?? 20_000),
};
/** The served share of matched pairs must be within this of ROLLOUT_PERCENT. */
const SHARE_TOLERANCE = 1;
const SPEED_TARGET = 5;
/** A comma-separated list of percentages from the environment; empty for none. */
const percentagesFrom = (value: string) =>
  value
    .split(',')
    .filter((item) => item.trim() !== '')
    .map(Number);
const EXPERIMENT_TRAFFIC = percentagesFrom(process.env.BENCH_EXPERIMENT_TRAFFIC ?? '100,10');
const EXPERIMENT_ROUNDS = Number(process.env.BENCH_EXPERIMENT_ROUNDS ?? 3);
const DEPLOYMENT_PERCENTAGES = percentagesFrom(process.env.BENCH_DEPLOYMENT_PERCENTAGES ?? '10,50');
/** Ours with an experiment (or a deployment) may take at most this much longer than without. */
const EXPERIMENT_OVERHEAD_TARGET = 0.1;

/** The evaluation context of a bench subject. */
const contextOf = (s: Subject) => ({
  user: { id: s.userId, country: s.country, plan: s.plan, age: s.age },
  device: { id: s.deviceId, os: s.os },
});

/** Our engine; the stickiness is the default one, `user.id` then `device.id`. */
function oursEngine(configs: BenchConfig[], subjects: Subject[], contexts: number): Engine {
  // As the server's snapshot does: one interning table per set of configs.
  const compile = (percent: number) => {
    const shared = new SharedConditions();
    return configs.map((config) =>
      compileConfig(
        { key: config.key, version: 1, state: benchConfigState(config, percent) },
        shared,
      ),
    );
  };
  const compiled = compile(ROLLOUT_PERCENT);
  const everyone = compile(100);
  const evalContexts = subjects.slice(0, contexts).map(contextOf);
  return {
    name: 'ours',
    contexts,
    round() {
      let served = 0;
      for (const context of evalContexts) {
        for (const result of evaluateAll(compiled, context)) {
          if (result.value === true) served += 1;
        }
      }
      return served;
    },
    served: (config, subject) => compiled[config].evaluate(evalContexts[subject]).value === true,
    matched: (config, subject) => {
      const result = everyone[config].evaluate(evalContexts[subject]);
      return result.reason === 'TARGETING_MATCH' && result.value === true;
    },
  };
}

/** A running experiment on a bench config: consistent, two variants of 50%. */
function benchExperiment(config: BenchConfig, trafficPercentage: number): RunningExperiment {
  return {
    id: `${config.key}-experiment`,
    key: `${config.key}-experiment`,
    assignment: 'consistent',
    trafficPercentage,
    variants: [
      { key: 'control', name: 'Control', value: false, weight: 50, control: true },
      { key: 'treatment', name: 'Treatment', value: true, weight: 50, control: false },
    ],
  };
}

/** What a comparison attaches to every bench config (an experiment, a deployment). */
interface Attachment {
  /** What the report calls it: `a running experiment on each config (...)`. */
  label: string;
  short: string;
  /** What config `index` gets; nothing for configs it leaves alone. */
  attach(config: BenchConfig, index: number): Pick<StoredConfig, 'experiment' | 'deployment'>;
  /** Whether a result came from what was attached (it served this pair). */
  served(result: EvaluationResult): boolean;
  /** The percent of pairs `served` should take (± SHARE_TOLERANCE). */
  share: number;
}

/**
 * Ours with `attachment` on each config against ours without, the same configs and contexts.
 * Checked first: the attachment serves `share` % ± 1% of the pairs, and every other pair gets
 * what it gets without it.
 */
function compareAttached(
  configs: BenchConfig[],
  subjects: Subject[],
  attachment: Attachment,
): boolean {
  const contexts = subjects.map(contextOf);
  const compile = (attached: boolean) => {
    const shared = new SharedConditions();
    return configs.map((config, index) =>
      compileConfig(
        {
          key: config.key,
          version: 1,
          state: benchConfigState(config),
          ...(attached ? attachment.attach(config, index) : {}),
        },
        shared,
      ),
    );
  };
  const without = compile(false);
  const withAttached = compile(true);
  let inside = 0;
  let mismatches = 0;
  for (const context of contexts) {
    const plain = evaluateAll(without, context);
    evaluateAll(withAttached, context).forEach((result, i) => {
      if (attachment.served(result)) inside += 1;
      else if (result.value !== plain[i].value || result.reason !== plain[i].reason)
        mismatches += 1;
    });
  }
  const share = (100 * inside) / (contexts.length * configs.length);
  const shareOk = Math.abs(share - attachment.share) <= SHARE_TOLERANCE;

  const round = (compiled: CompiledConfig[]) => {
    const started = process.hrtime.bigint();
    let served = 0;
    for (const context of contexts) {
      for (const result of evaluateAll(compiled, context)) if (result.value === true) served += 1;
    }
    return { elapsed: Number(process.hrtime.bigint() - started), served };
  };
  const times = { without: [] as number[], with: [] as number[] };
  for (let i = 0; i <= EXPERIMENT_ROUNDS; i += 1) {
    const a = round(without);
    const b = round(withAttached);
    if (i > 0) {
      times.without.push(a.elapsed);
      times.with.push(b.elapsed);
    }
  }
  const evaluations = contexts.length * configs.length;
  const nsWithout = median(times.without) / evaluations;
  const nsWith = median(times.with) / evaluations;
  const overhead = nsWith / nsWithout - 1;
  const { short } = attachment;
  console.log();
  console.log(`ours with ${attachment.label} vs without, median of ${EXPERIMENT_ROUNDS} rounds:`);
  console.log(`  without ${short.padEnd(12)} ${nsWithout.toFixed(1).padStart(7)} ns/evaluation`);
  console.log(
    `  with ${short.padEnd(15)} ${nsWith.toFixed(1).padStart(7)} ns/evaluation   ` +
      `${share.toFixed(2)}% of pairs served by the ${short}${shareOk ? '' : '!'}, ` +
      `${mismatches} mismatches`,
  );
  console.log(
    `  with / without: ${(100 * overhead >= 0 ? '+' : '') + (100 * overhead).toFixed(1)}% ` +
      `(target within ${100 * EXPERIMENT_OVERHEAD_TARGET}%)`,
  );
  if (!shareOk || mismatches > 0) {
    console.error(
      `FAILED: the ${short} serves ${share.toFixed(2)}% of pairs (expected ` +
        `${attachment.share}% ± ${SHARE_TOLERANCE}%), or changes ${mismatches} results outside it`,
    );
    return false;
  }
  return true;
}

/**
 * A running experiment at `traffic` % on one config in `every` (each, by default): consistent,
 * two variants of 50%. Every bench subject has a user id, so the experiments serve
 * `traffic / every` % of the pairs.
 */
const experimentAttachment = (traffic: number, every = 1): Attachment => ({
  label:
    `a running experiment on ${every === 1 ? 'each config' : `1 config in ${every}`} ` +
    `(consistent, 2 variants, ${traffic}% traffic)`,
  short: 'experiment',
  attach: (config, index) =>
    index % every === 0 ? { experiment: benchExperiment(config, traffic) } : {},
  served: (result) => result.reason === 'EXPERIMENT',
  share: traffic / every,
});

/**
 * An active deployment at `percentage` on one config in `every` (each, by default): its
 * candidate is the same config with its rule's rollout at 50% instead of 25%. Every bench
 * subject has a user id, so the deployments serve `percentage / every` % of the pairs.
 */
const deploymentAttachment = (percentage: number, every = 1): Attachment => ({
  label:
    `an active deployment on ${every === 1 ? 'each config' : `1 config in ${every}`} at ` +
    `${percentage}% (candidate: rule rollout 50%)`,
  short: 'deployment',
  attach: (config, index) =>
    index % every === 0
      ? {
          deployment: {
            id: `${config.key}-deployment`,
            percentage,
            candidate: benchConfigState(config, 50),
          },
        }
      : {},
  served: (result) => result.deploymentId !== undefined,
  share: percentage / every,
});

interface Checked {
  matched: number;
  served: number;
  mismatches: number;
}

/**
 * Every (config, context) pair an engine evaluates: whether the targeting held must agree with
 * `reference` (ours, computed by our engine at a 100% rollout; the peers answer from their own
 * 100% copies), and nothing may be served outside the targeting.
 */
function check(engine: Engine, reference: Uint8Array): Checked {
  const result: Checked = { matched: 0, served: 0, mismatches: 0 };
  for (let subject = 0; subject < engine.contexts; subject += 1) {
    for (let config = 0; config < CONFIGS; config += 1) {
      const matched = engine.matched(config, subject);
      const served = engine.served(config, subject);
      if (matched !== (reference[subject * CONFIGS + config] === 1)) result.mismatches += 1;
      if (served && !matched) result.mismatches += 1;
      if (matched) result.matched += 1;
      if (served) result.served += 1;
    }
  }
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(2);

async function main(): Promise<void> {
  const { configs, subjects } = buildWorkload(CONFIGS, CONTEXTS);
  const engines: Engine[] = [
    oursEngine(configs, subjects, CONTEXTS),
    flagdEngine(configs, subjects, Math.min(CONTEXTS, CAPS.flagd)),
    growthbookEngine(configs, subjects, Math.min(CONTEXTS, CAPS.growthbook)),
    await unleashEngine(configs, subjects, Math.min(CONTEXTS, CAPS.unleash)),
  ];
  console.log(
    `bench:engine — ${CONFIGS} configs x ${CONTEXTS} contexts, one rule of 4 leaves each, ` +
      `${ROLLOUT_PERCENT}% rollout on user.id; node ${process.version}, ${cpus()[0]?.model ?? '?'}`,
  );
  console.log(
    `median of ${ROUNDS} rounds after 1 warm-up round, rounds interleaved across engines`,
  );
  for (const engine of engines) {
    if (engine.contexts < CONTEXTS) {
      console.log(
        `${engine.name}: only the first ${engine.contexts} contexts (too slow for all), ` +
          `in the check and in the timed rounds`,
      );
    }
  }

  // Correctness, before any timing: our matches are the reference for every engine.
  const reference = new Uint8Array(CONTEXTS * CONFIGS);
  for (let subject = 0; subject < CONTEXTS; subject += 1) {
    for (let config = 0; config < CONFIGS; config += 1) {
      reference[subject * CONFIGS + config] = engines[0].matched(config, subject) ? 1 : 0;
    }
  }
  const checked = new Map<Engine, Checked>();
  for (const engine of engines) checked.set(engine, check(engine, reference));

  // Timing: a warm-up round each, then ROUNDS rounds, each going through every engine in turn.
  const times = new Map<Engine, number[]>(engines.map((engine) => [engine, []]));
  let consistent = true;
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const engine of engines) {
      const started = process.hrtime.bigint();
      const served = engine.round();
      const elapsed = Number(process.hrtime.bigint() - started);
      // The timed loop serves exactly what the check saw served.
      if (served !== checked.get(engine)!.served) consistent = false;
      if (round > 0) times.get(engine)!.push(elapsed);
    }
  }
  for (const engine of engines) engine.close?.();

  const rows = engines.map((engine) => {
    const evaluations = engine.contexts * CONFIGS;
    const nsPerEvaluation = median(times.get(engine)!) / evaluations;
    const { matched, served, mismatches } = checked.get(engine)!;
    return { engine, evaluations, nsPerEvaluation, matched, served, mismatches };
  });
  console.log();
  console.log(
    'engine          contexts   evaluations/s   ns/evaluation   matched   served of matched   mismatches',
  );
  let failed = !consistent;
  for (const row of rows) {
    const share = (100 * row.served) / row.matched;
    const shareOk = Math.abs(share - ROLLOUT_PERCENT) <= SHARE_TOLERANCE;
    if (!shareOk || row.mismatches > 0) failed = true;
    console.log(
      `${row.engine.name.padEnd(14)} ${String(row.engine.contexts).padStart(9)}   ` +
        `${(1e3 / row.nsPerEvaluation).toFixed(2).padStart(8)} M/s   ` +
        `${row.nsPerEvaluation.toFixed(1).padStart(13)}   ` +
        `${percent(row.matched, row.evaluations).padStart(6)}%   ` +
        `${share.toFixed(2).padStart(16)}%${shareOk ? ' ' : '!'}   ${String(row.mismatches).padStart(10)}`,
    );
  }
  const [ours, ...peers] = rows;
  const fastest = peers.reduce((a, b) => (a.nsPerEvaluation <= b.nsPerEvaluation ? a : b));
  const speedUp = fastest.nsPerEvaluation / ours.nsPerEvaluation;
  console.log();
  console.log(
    `ours / fastest peer (${fastest.engine.name}): ${speedUp.toFixed(1)}x (target >= ${SPEED_TARGET}x)`,
  );
  if (!consistent) console.error('FAILED: a timed round served other pairs than the check');
  const attachments = [
    ...EXPERIMENT_TRAFFIC.map((traffic) => experimentAttachment(traffic)),
    // As a snapshot usually is: a few configs in an experiment among many that are not.
    ...EXPERIMENT_TRAFFIC.slice(-1).map((traffic) => experimentAttachment(traffic, 10)),
    ...DEPLOYMENT_PERCENTAGES.map((percentage) => deploymentAttachment(percentage)),
    // As a snapshot usually is: a few configs deploying among many that are not.
    ...DEPLOYMENT_PERCENTAGES.slice(-1).map((percentage) => deploymentAttachment(percentage, 10)),
  ];
  for (const attachment of attachments) {
    if (!compareAttached(configs, subjects, attachment)) process.exit(1);
  }
  if (failed) {
    console.error(
      `FAILED: engines disagree on the targeting, or serve outside ${ROLLOUT_PERCENT}% ± ` +
        `${SHARE_TOLERANCE}% of the matched pairs`,
    );
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
