import { DataSource } from 'typeorm';
import { ConfigExclusiveActivity1796940000000 } from '../../migrations/1796940000000-ConfigExclusiveActivity';
import { ConfigView, createConfig } from '../factories/config.factory';
import { deploymentInput, moveDeployment, startDeployment } from '../factories/deployment.factory';
import {
  createExperiment as createExperimentOn,
  moveExperiment,
} from '../factories/experiment.factory';
import { errorCode, eventually, hasPostgres, startTestApp, TestApp } from '../support/test-app';

const ROUNDS = 12;

interface Held {
  experiments: string[];
  deployments: string[];
  activity: { kind: string; activity_id: string }[];
}

/**
 * DESIGN.md: a config has at most one of a running experiment and an active deployment. The
 * services check before writing; these tests race the two starts past those checks.
 */
describe('exclusive activity of a config', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const createExperiment = (config: ConfigView) => createExperimentOn(app, config.key);
  const experimentMove = (name: string, key: string) => moveExperiment(app, name, key);

  async function currentVersion(config: ConfigView): Promise<number> {
    const [row] = await db.query('SELECT version FROM business_config WHERE id = $1', [config.id]);
    return row.version;
  }

  /** What the database says holds the config. */
  async function held(config: ConfigView): Promise<Held> {
    const experiments = await db.query(
      `SELECT key FROM experiment WHERE config_id = $1 AND status = 'running'`,
      [config.id],
    );
    const deployments = await db.query(
      `SELECT id FROM config_deployment
       WHERE config_id = $1 AND status IN ('pending', 'in_progress', 'paused')`,
      [config.id],
    );
    const activity = await db.query(
      'SELECT kind, activity_id FROM config_exclusive_activity WHERE config_id = $1',
      [config.id],
    );
    return {
      experiments: experiments.map((row: { key: string }) => row.key),
      deployments: deployments.map((row: { id: string }) => row.id),
      activity,
    };
  }

  /** Both starts at once: exactly one wins, the other is refused naming it. */
  async function race(config: ConfigView, experimentKey: string, startVerb = 'startExperiment') {
    const input = deploymentInput({ key: config.key, version: await currentVersion(config) });
    const [experiment, deployment] = await Promise.all([
      experimentMove(startVerb, experimentKey),
      startDeployment(app, input),
    ]);
    const outcomes = [experiment, deployment].map((r) => r.errors?.[0]?.extensions?.code ?? 'OK');
    expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
    const state = await held(config);
    if (experiment.errors) {
      const deploymentId = deployment.data!.startDeployment.deployment.id;
      expect(experiment.errors[0].extensions).toMatchObject({ deploymentId });
      expect(state).toEqual({
        experiments: [],
        deployments: [deploymentId],
        activity: [{ kind: 'deployment', activity_id: deploymentId }],
      });
      return { winner: 'deployment' as const, deploymentId };
    }
    expect(deployment.errors![0].extensions).toMatchObject({ experimentKey });
    const [{ id: experimentId }] = await db.query(
      'SELECT id FROM experiment WHERE config_id = $1 AND key = $2',
      [config.id, experimentKey],
    );
    expect(state).toEqual({
      experiments: [experimentKey],
      deployments: [],
      activity: [{ kind: 'experiment', activity_id: experimentId }],
    });
    return { winner: 'experiment' as const };
  }

  it('lets exactly one of startExperiment and startDeployment fired together win, round after round, and frees the config when the winner ends', async () => {
    const config = await createConfig(app);
    let experimentKey = await createExperiment(config);
    let startVerb = 'startExperiment';
    for (let round = 0; round < ROUNDS; round += 1) {
      const outcome = await race(config, experimentKey, startVerb);
      if (outcome.winner === 'deployment') {
        const rolledBack = await moveDeployment(app, 'rollback', {
          id: outcome.deploymentId,
          reason: `round ${round}`,
        });
        expect(rolledBack.errors).toBeUndefined();
      } else if (round % 2 === 0) {
        expect((await experimentMove('pauseExperiment', experimentKey)).errors).toBeUndefined();
        startVerb = 'resumeExperiment';
      } else {
        expect((await experimentMove('completeExperiment', experimentKey)).errors).toBeUndefined();
        experimentKey = await createExperiment(config);
        startVerb = 'startExperiment';
      }
      expect(await held(config)).toEqual({ experiments: [], deployments: [], activity: [] });
    }
  });

  it('frees the config when a deployment completes, for an experiment to start', async () => {
    const config = await createConfig(app);
    const experimentKey = await createExperiment(config);
    const started = await startDeployment(
      app,
      deploymentInput(config, { strategy: 'IMMEDIATE', parameters: {} }),
    );
    expect(started.data?.startDeployment.deployment.status).toBe('COMPLETED');
    expect(await held(config)).toEqual({ experiments: [], deployments: [], activity: [] });
    expect((await experimentMove('startExperiment', experimentKey)).errors).toBeUndefined();
  });

  (hasPostgres ? it : it.skip)(
    'refuses the second start with CONFLICT when both passed the up-front checks and waited on the config row',
    async () => {
      const config = await createConfig(app);
      const experimentKey = await createExperiment(config);
      // Holding the config row makes both transitions pass their checks (nothing is running
      // yet) and wait inside their write statements: the race the checks alone cannot close.
      const blocker = db.createQueryRunner();
      await blocker.connect();
      let released = false;
      try {
        await blocker.startTransaction();
        await blocker.query('SELECT id FROM business_config WHERE id = $1 FOR UPDATE', [config.id]);
        const racing = Promise.all([
          experimentMove('startExperiment', experimentKey),
          startDeployment(app, deploymentInput(config)),
        ]);
        await eventually(
          async () => {
            const [{ waiting }] = await db.query(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            return waiting === 2;
          },
          { what: 'both starts waiting on the config row' },
        );
        await blocker.commitTransaction();
        released = true;
        const responses = await racing;
        const outcomes = responses.map((r) => errorCode(r) ?? 'OK');
        expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
        const state = await held(config);
        expect(state.experiments.length + state.deployments.length).toBe(1);
        expect(state.activity).toHaveLength(1);
        const [experiment, deployment] = responses;
        const named = experiment.errors
          ? { deploymentId: state.deployments[0] }
          : { experimentKey };
        expect((experiment.errors ?? deployment.errors)![0].extensions).toMatchObject(named);
      } finally {
        if (!released) await blocker.rollbackTransaction();
        await blocker.release();
      }
    },
  );

  it('backfills the holders of configs from running experiments and active deployments when migrated', async () => {
    const experimentConfig = await createConfig(app);
    const experimentKey = await createExperiment(experimentConfig);
    expect((await experimentMove('startExperiment', experimentKey)).errors).toBeUndefined();
    const deploymentConfig = await createConfig(app);
    const started = await startDeployment(app, deploymentInput(deploymentConfig));
    const deploymentId = started.data!.startDeployment.deployment.id;
    const before = [await held(experimentConfig), await held(deploymentConfig)];

    const migration = new ConfigExclusiveActivity1796940000000();
    const runner = db.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }

    expect([await held(experimentConfig), await held(deploymentConfig)]).toEqual(before);
    expect(before[1].activity).toEqual([{ kind: 'deployment', activity_id: deploymentId }]);
    expect(before[0].activity).toEqual([{ kind: 'experiment', activity_id: expect.any(String) }]);
  });
});
