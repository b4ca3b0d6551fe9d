import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createConfig } from '../factories/config.factory';
import { deploymentInput, DeploymentView, startDeployment } from '../factories/deployment.factory';
import { startWorkerProcess, stopServiceProcesses } from '../support/service-process';
import {
  describeWithRedis,
  eventually,
  hasPostgres,
  startTestApp,
  TestApp,
} from '../support/test-app';
import { wsClient } from '../support/ws-client';

/**
 * Progression by real worker processes (the built service, ROLE=worker) on real Redis and
 * BullMQ; the test app serves the API only, so no step is taken in the test's own process.
 * Needs `npx tsc -p tsconfig.build.json` first (dist/src/main.js).
 */
(hasPostgres ? describeWithRedis : describe.skip)('deployment progression (workers)', () => {
  let api: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    api = await startTestApp({ env: { ROLE: 'api' } });
    db = api.running.app.get(DataSource);
  });

  afterEach(async () => {
    await stopServiceProcesses();
  });

  afterAll(async () => {
    await api.close();
  });

  const worker = (env: Record<string, string> = {}) => startWorkerProcess(api, env);

  async function start(percentages: number[], intervalSeconds: number): Promise<DeploymentView> {
    const config = await createConfig(api);
    const response = await startDeployment(
      api,
      deploymentInput(config, { parameters: { percentages, intervalSeconds } }),
    );
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.startDeployment.deployment;
  }

  /** The steps the history recorded for a deployment, in order (the completion last). */
  async function recordedSteps(deployment: DeploymentView): Promise<number[]> {
    const rows: { action: string; step: number | null }[] = await db.query(
      `SELECT action, (after -> 'deployment' ->> 'step')::int AS step FROM config_change_log
       WHERE config_key = $1 AND action IN ('deployment_step', 'deployment_completed')
       ORDER BY environment_revision`,
      [deployment.configKey],
    );
    return rows.map((row) => (row.action === 'deployment_completed' ? -1 : row.step!));
  }

  async function completed(deployment: DeploymentView, timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        const [row] = await db.query('SELECT status FROM config_deployment WHERE id = $1', [
          deployment.id,
        ]);
        return row.status === 'completed';
      },
      { timeoutMs, what: `deployment ${deployment.id} to complete` },
    );
  }

  it('two workers take every step exactly once, and a killed worker is replaced without skipping or repeating one', async () => {
    const workers = [await worker(), await worker()];
    const percentages = [10, 20, 30, 40, 50, 60, 100];
    const deployment = await start(percentages, 1);
    await eventually(async () => (await recordedSteps(deployment)).length >= 2, {
      what: 'two steps',
    });
    workers[0].child.kill('SIGKILL');
    await workers[0].exited;
    workers.push(await worker());
    await completed(deployment);
    // Steps 1 … 5, then the completion: none skipped, none twice.
    expect(await recordedSteps(deployment)).toEqual([1, 2, 3, 4, 5, -1]);
  }, 120_000);

  it('the sweeper takes a step whose job was deleted from Redis', async () => {
    const deployment = await start([50, 100], 1);
    // No worker yet: the step's delayed job waits in Redis. Delete it.
    const queue = new Queue('deployments', {
      connection: { url: process.env.REDIS_URL! } as never,
      prefix: api.env.REDIS_PREFIX,
    });
    try {
      const delayed = await queue.getDelayed();
      const mine = delayed.filter((job) => job.data.deploymentId === deployment.id);
      expect(mine).toHaveLength(1);
      await mine[0].remove();
    } finally {
      await queue.close();
    }
    await worker({ DEPLOYMENT_SWEEP_MS: '500' });
    await completed(deployment);
    expect(await recordedSteps(deployment)).toEqual([-1]);
  }, 120_000);

  it('tells subscribers each step soon after it is due (50 steps, 1 s apart)', async () => {
    await worker();
    const client = wsClient(api);
    type Update = { deploymentId: string; currentStep: number; nextStepAt: string | null };
    const arrivals: { update: Update; at: number }[] = [];
    const stop = client.subscribe<{ deploymentUpdated: Update }>(
      {
        query: `subscription { deploymentUpdated(environment: "development") {
          deploymentId currentStep nextStepAt } }`,
      },
      {
        next: (message) => {
          if (message.data)
            arrivals.push({ update: message.data.deploymentUpdated, at: Date.now() });
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      const percentages = Array.from({ length: 50 }, (_, i) => (i + 1) * 2);
      // The subscription is in place once a probe's start arrives.
      let deployment: DeploymentView | undefined;
      await eventually(async () => {
        deployment ??= await start(percentages, 1);
        return arrivals.some((a) => a.update.deploymentId === deployment!.id);
      });
      const mine = () => arrivals.filter((a) => a.update.deploymentId === deployment!.id);
      await eventually(async () => mine().some((a) => a.update.currentStep === 49), {
        timeoutMs: 120_000,
        what: 'the 50th step',
      });
      const events = mine();
      expect(events.map((a) => a.update.currentStep)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      // Each step's delay: from the time the step before it said it was due to its arrival.
      const delays = events
        .slice(1)
        .map((a, i) => a.at - Date.parse(events[i].update.nextStepAt!))
        .sort((x, y) => x - y);
      const p50 = delays[Math.floor(delays.length * 0.5)];
      const p99 = delays[Math.min(delays.length - 1, Math.floor(delays.length * 0.99))];
      console.log(`deployment step → subscriber delay over 49 steps: p50 ${p50} ms, p99 ${p99} ms`);
    } finally {
      stop();
      await client.dispose();
    }
  }, 180_000);
});
