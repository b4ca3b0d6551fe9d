import { Actor } from '../../core/auth/actor';
import { Role } from '../../core/auth/role';
import { AppError } from '../../core/errors/app-error';
import { bucketOf } from '../../engine/bucketing';
import { CONFIG_DEFAULTS, ConfigState } from '../../engine/config-state';
import { RunningExperiment } from '../../engine/experiment-state';
import { EnvironmentsService } from '../environments/environments.service';
import { ChangeAction, ConfigChangeLog } from '../history/config-change-log.entity';
import { HistoryService, STATE_ACTIONS } from '../history/history.service';
import { ExperimentsService } from '../experiments/experiments.service';
import { ExplainServedService, ServedFetchLogReader } from './explain-served.service';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const ACTOR: Actor = {
  kind: 'api_key',
  id: 'k',
  name: 'support',
  roles: [Role.VIEWER],
  environmentId: null,
};
const STATE: ConfigState = {
  ...CONFIG_DEFAULTS,
  key: 'banner',
  valueType: 'string',
  value: 'blue',
  defaultValue: 'grey',
};

const HOUR = 3_600_000;
const CONFIG_ID = 'config-1';

function entry(
  action: ChangeAction,
  after: object | null,
  msBeforeNow: number,
  fields: Partial<ConfigChangeLog> = {},
): ConfigChangeLog {
  return Object.assign(new ConfigChangeLog(), {
    id: `entry-${action}-${msBeforeNow}`,
    configId: CONFIG_ID,
    configKey: 'banner',
    action,
    after,
    configVersion: 1,
    createdAt: new Date(NOW.getTime() - msBeforeNow),
    ...fields,
  });
}

/** The history of `banner`, oldest first: created an hour before NOW unless given. */
function service(
  options: {
    fetchLog?: ServedFetchLogReader;
    entries?: ConfigChangeLog[];
    experiments?: Partial<ExperimentsService>;
  } = {},
): ExplainServedService {
  const entries = options.entries ?? [entry(ChangeAction.CREATE, STATE, HOUR)];
  const environments = {
    getForActor: async (_actor: Actor, key: string) => ({ id: 'env-id', key }),
  } as unknown as EnvironmentsService;
  // Entries in revision order: the newest of `actions` at or before `at` is the last found.
  const latestAt = async (
    _environmentId: string,
    key: string,
    at: Date,
    actions: readonly ChangeAction[],
  ) =>
    entries.findLast(
      (e) => e.configKey === key && actions.includes(e.action) && e.createdAt <= at,
    ) ?? null;
  const history = {
    latestAt,
    stateAt: async (_environmentId: string, key: string, at: Date) => ({
      entry: await latestAt('env-id', key, at, STATE_ACTIONS),
      known: entries.some((e) => e.configKey === key),
    }),
  } as unknown as HistoryService;
  const experiments = {
    asRunAt: async () => null,
    ...options.experiments,
  } as unknown as ExperimentsService;
  return new ExplainServedService(environments, history, experiments, options.fetchLog);
}

const ask = (at: Date, key = 'banner') => ({
  environment: 'production',
  key,
  context: { user: { id: 'u-1' } },
  at,
});

describe('ExplainServedService', () => {
  it('accepts now itself and refuses a millisecond later, naming at', async () => {
    await expect(service().explain(ACTOR, ask(NOW), NOW)).resolves.toMatchObject({
      result: { value: 'blue', reason: 'FALLTHROUGH', version: 1 },
    });
    const later = service().explain(ACTOR, ask(new Date(NOW.getTime() + 1)), NOW);
    await expect(later).rejects.toBeInstanceOf(AppError);
    await expect(later).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { validationErrors: [expect.objectContaining({ path: 'at', rule: 'notInFuture' })] },
    });
  });

  it('leaves the fetch log null until a reader is provided, then passes its records on', async () => {
    await expect(service().explain(ACTOR, ask(NOW), NOW)).resolves.toMatchObject({
      fetchLogRecords: null,
    });
    const asked: unknown[] = [];
    const reader: ServedFetchLogReader = {
      around: async (environmentId, key, context, at) => {
        asked.push({ environmentId, key, context, at });
        return [{ userId: 'u-1', reason: 'FALLTHROUGH' }];
      },
    };
    await expect(
      service({ fetchLog: reader }).explain(ACTOR, ask(NOW), NOW),
    ).resolves.toMatchObject({
      fetchLogRecords: [{ userId: 'u-1', reason: 'FALLTHROUGH' }],
    });
    expect(asked).toEqual([
      { environmentId: 'env-id', key: 'banner', context: { user: { id: 'u-1' } }, at: NOW },
    ]);
  });

  it('tells a config created later from one that never existed', async () => {
    const early = new Date(NOW.getTime() - 7_200_000);
    await expect(service().explain(ACTOR, ask(early), NOW)).resolves.toMatchObject({
      configState: 'NOT_CREATED',
      change: null,
      result: { errorCode: 'FLAG_NOT_FOUND' },
    });
    await expect(service().explain(ACTOR, ask(NOW, 'other'), NOW)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('ExplainServedService: deployments and experiments at a time', () => {
  const CANDIDATE: ConfigState = { ...STATE, value: 'candidate' };
  const deployment = (status: string, step: number, percentage: number, extra: object = {}) => ({
    deployment: { id: 'dep-1', status, step, percentage, ...extra },
  });
  const DEPLOYED = [
    entry(ChangeAction.CREATE, STATE, 4 * HOUR),
    entry(
      ChangeAction.DEPLOYMENT_STARTED,
      deployment('in_progress', 0, 10, { strategy: 'linear', candidate: CANDIDATE }),
      3 * HOUR,
    ),
    entry(ChangeAction.DEPLOYMENT_STEP, deployment('in_progress', 1, 40), 2 * HOUR),
    entry(ChangeAction.DEPLOYMENT_PAUSED, deployment('paused', 1, 40), HOUR),
    entry(ChangeAction.DEPLOYMENT_ROLLED_BACK, deployment('rolled_back', 1, 40), HOUR / 2),
  ];
  const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
  /** Subjects and whether their bucket of the deployment's salt is inside `percentage`. */
  const subjects = Array.from({ length: 200 }, (_, i) => `u-${i}`);
  const inside = (id: string, percentage: number) =>
    bucketOf('banner:dep-1', id) < percentage * 100;

  it('serves each subject the state its bucket picks at the percentage then in force', async () => {
    const explain = service({ entries: DEPLOYED });
    for (const [hours, percentage, step, status, changeAt] of [
      [2.5, 10, 0, 'in_progress', 3],
      [1.5, 40, 1, 'in_progress', 2],
      [0.75, 40, 1, 'paused', 1],
    ] as const) {
      const served = await Promise.all(
        subjects.map((id) =>
          explain.explain(ACTOR, { ...ask(hoursAgo(hours)), context: { user: { id } } }, NOW),
        ),
      );
      const candidates = served.filter((answer) => answer.result.value === 'candidate');
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.length).toBeLessThan(subjects.length);
      served.forEach((answer, i) => {
        const candidate = inside(subjects[i], percentage);
        expect(answer.result.value).toBe(candidate ? 'candidate' : 'blue');
        expect(answer.result.deploymentId).toBe(candidate ? 'dep-1' : undefined);
        expect(answer.deployment).toMatchObject({
          deploymentId: 'dep-1',
          percentage,
          step,
          status,
          served: candidate ? 'candidate' : 'stable',
          bucket: bucketOf('banner:dep-1', subjects[i]),
          change: { createdAt: hoursAgo(changeAt) },
        });
        expect(answer.explain[0]).toMatchObject({ kind: 'DEPLOYMENT', outcome: candidate });
      });
    }
  });

  it('has no deployment before the start and after the rollback', async () => {
    for (const hours of [3.5, 0.25]) {
      const answer = await service({ entries: DEPLOYED }).explain(ACTOR, ask(hoursAgo(hours)), NOW);
      expect(answer).toMatchObject({ deployment: null, result: { value: 'blue' } });
      expect(answer.explain.map((step) => step.kind)).toEqual(['ROLLOUT']);
    }
  });

  it("ignores a deployment of the key's earlier config, deleted while it ran", async () => {
    const entries = [
      ...DEPLOYED.slice(0, 3),
      entry(ChangeAction.CREATE, STATE, HOUR, { configId: 'config-2' }),
    ];
    const answer = await service({ entries }).explain(ACTOR, ask(hoursAgo(0.5)), NOW);
    expect(answer.deployment).toBeNull();
  });

  it('refuses to guess a candidate the history does not hold', async () => {
    const entries = [DEPLOYED[0], DEPLOYED[2]];
    await expect(service({ entries }).explain(ACTOR, ask(hoursAgo(1)), NOW)).rejects.toThrow(
      /no start entry for deployment dep-1/,
    );
  });

  const EXPERIMENT: RunningExperiment = {
    id: 'exp-id',
    key: 'banner-test',
    assignment: 'consistent',
    trafficPercentage: 100,
    variants: [{ key: 'only', name: 'Only', value: 'variant', weight: 100, control: true }],
  };
  const experiment = (status: string) => ({ experiment: { key: 'banner-test', status } });
  const EXPERIMENTED = [
    entry(ChangeAction.CREATE, STATE, 4 * HOUR),
    entry(ChangeAction.EXPERIMENT_STARTED, experiment('running'), 3 * HOUR),
    entry(ChangeAction.EXPERIMENT_STOPPED, experiment('paused'), 2 * HOUR),
    entry(ChangeAction.EXPERIMENT_STARTED, experiment('running'), HOUR),
    entry(ChangeAction.EXPERIMENT_STOPPED, experiment('completed'), HOUR / 2),
  ];
  const asRun = (running: RunningExperiment): Partial<ExperimentsService> => ({
    asRunAt: async () =>
      ({ experiment: { id: running.id, name: 'Banner test' }, running, assignedAt: null }) as never,
  });

  it('serves the variant while the experiment runs, not while paused or once completed', async () => {
    const explain = service({ entries: EXPERIMENTED, experiments: asRun(EXPERIMENT) });
    for (const [hours, running, since] of [
      [3.5, false, 0],
      [2.5, true, 3],
      [1.5, false, 0],
      [0.75, true, 1],
      [0.25, false, 0],
    ] as const) {
      const answer = await explain.explain(ACTOR, ask(hoursAgo(hours)), NOW);
      if (!running) {
        expect(answer).toMatchObject({ experiment: null, result: { reason: 'FALLTHROUGH' } });
        continue;
      }
      expect(answer).toMatchObject({
        result: { value: 'variant', reason: 'EXPERIMENT', variant: 'only' },
        experiment: {
          id: 'exp-id',
          key: 'banner-test',
          name: 'Banner test',
          assignment: 'consistent',
          variant: 'only',
          replayable: true,
          change: { createdAt: hoursAgo(since) },
        },
      });
      expect(answer.explain[0]).toMatchObject({ kind: 'EXPERIMENT', outcome: true });
    }
  });

  it("asks for a random assignment by the subject's stickiness value and the time", async () => {
    const asked: unknown[] = [];
    const random = { ...EXPERIMENT, assignment: 'random' as const };
    const explain = service({
      entries: EXPERIMENTED,
      experiments: {
        asRunAt: async (environmentId, key, configId, subject, at) => {
          asked.push({ environmentId, key, configId, subject, at });
          return {
            experiment: { id: 'exp-id', name: 'Banner test' },
            running: { ...random, assignments: new Map([['u-1', 'only']]) },
            assignedAt: hoursAgo(3),
          } as never;
        },
      },
    });
    const answer = await explain.explain(ACTOR, ask(hoursAgo(2.5)), NOW);
    expect(asked).toEqual([
      {
        environmentId: 'env-id',
        key: 'banner-test',
        configId: CONFIG_ID,
        subject: 'u-1',
        at: hoursAgo(2.5),
      },
    ]);
    expect(answer.experiment).toMatchObject({
      assignment: 'random',
      variant: 'only',
      assignedAt: hoursAgo(3),
    });
  });

  it('says so when the record of the experiment that ran is gone', async () => {
    const answer = await service({ entries: EXPERIMENTED }).explain(ACTOR, ask(hoursAgo(2.5)), NOW);
    expect(answer).toMatchObject({
      result: { value: 'blue', reason: 'FALLTHROUGH' },
      experiment: { id: null, key: 'banner-test', variant: null, replayable: false },
    });
    expect(answer.explain[0]).toMatchObject({
      kind: 'EXPERIMENT',
      reached: false,
      detail: expect.stringMatching(/cannot be replayed/),
    });
  });

  it('takes neither while the config is archived', async () => {
    const entries = [
      ...DEPLOYED.slice(0, 2),
      entry(ChangeAction.ARCHIVE, { ...STATE, archived: true }, 2.5 * HOUR),
    ];
    const answer = await service({ entries }).explain(ACTOR, ask(hoursAgo(2)), NOW);
    expect(answer).toMatchObject({
      configState: 'ARCHIVED',
      deployment: null,
      experiment: null,
      result: { reason: 'DISABLED' },
    });
  });
});
