import { DataSource } from 'typeorm';
import {
  approvalById,
  createPerson,
  requestChange,
  reviewChange,
  setPolicy,
} from '../factories/approval.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import {
  deleteDelayedJobs,
  ServiceProcess,
  startWorkerProcess,
  stopServiceProcesses,
} from '../support/service-process';
import {
  describeWithRedis,
  eventually,
  hasPostgres,
  startTestApp,
  TestApp,
} from '../support/test-app';

/**
 * Scheduled applies by real worker processes (the built service, ROLE=worker) on real Redis
 * and BullMQ; the test app serves the API only, so nothing is applied in the test's own
 * process. Needs `npx tsc -p tsconfig.build.json` first (dist/src/main.js).
 */
(hasPostgres ? describeWithRedis : describe.skip)('scheduled change requests (workers)', () => {
  let api: TestApp;
  let db: DataSource;
  let requesterToken: string;
  let approverToken: string;

  beforeAll(async () => {
    api = await startTestApp({ env: { ROLE: 'api' } });
    db = api.running.app.get(DataSource);
    const requester = await createPerson(api, ['EDITOR']);
    const approver = await createPerson(api, ['APPROVER']);
    requesterToken = requester.token;
    approverToken = approver.token;
    const policy = await setPolicy(api, {
      name: 'scheduled',
      configKeyPattern: 'sched.*',
      levels: [{ approverKeyIds: [approver.id], required: 1 }],
      allowAdminBypass: true,
    });
    if (policy.errors) throw new Error(JSON.stringify(policy.errors));
  });

  afterEach(async () => {
    await stopServiceProcesses();
  });

  afterAll(async () => {
    await api.close();
  });

  function worker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    return startWorkerProcess(api, env);
  }

  /** A governed config and an approved request to change it at `applyAt`. */
  async function scheduled(applyAt: Date): Promise<{ id: string; key: string }> {
    const config = await createConfig(api, {
      key: uniqueKey('sched'),
      bypassApproval: true,
      comment: 'set up',
    });
    const requested = await requestChange(
      api,
      {
        key: config.key,
        kind: 'UPDATE',
        config: { value: 'scheduled' },
        applyAt: applyAt.toISOString(),
      },
      requesterToken,
    );
    if (!requested.data) throw new Error(JSON.stringify(requested.errors));
    const { id } = requested.data.requestConfigChange.approval;
    const approved = await reviewChange(api, id, 'APPROVE', approverToken);
    expect(approved.data?.reviewConfigChange.approval.status).toBe('SCHEDULED');
    return { id, key: config.key };
  }

  async function applied(id: string, timeoutMs = 60_000): Promise<void> {
    await eventually(async () => (await approvalById(api, id)).status === 'APPLIED', {
      timeoutMs,
      what: `change request ${id} to be applied`,
    });
  }

  async function updatesOf(key: string): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM config_change_log WHERE config_key = $1 AND action = 'update'`,
      [key],
    );
    return n;
  }

  it('fires once after the worker that held its job was killed and another started', async () => {
    const request = await scheduled(new Date(Date.now() + 4000));
    const first = await worker();
    first.child.kill('SIGKILL');
    await first.exited;
    await worker();
    await applied(request.id);
    expect(await updatesOf(request.key)).toBe(1);
    const [{ value, version }] = await db.query(
      'SELECT value, version FROM business_config WHERE key = $1',
      [request.key],
    );
    expect({ value, version }).toEqual({ value: 'scheduled', version: 2 });
  }, 120_000);

  it('is applied by the sweeper when its job was deleted from Redis', async () => {
    const request = await scheduled(new Date(Date.now() + 1000));
    // No worker yet: the delayed job waits in Redis. Delete it.
    expect(
      await deleteDelayedJobs(api, 'approvals', (data) => data.approvalId === request.id),
    ).toBe(1);
    await worker({ APPROVAL_SWEEP_MS: '500' });
    await applied(request.id);
    expect(await updatesOf(request.key)).toBe(1);
  }, 120_000);
});
