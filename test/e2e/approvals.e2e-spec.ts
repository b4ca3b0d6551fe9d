import { DataSource } from 'typeorm';
import { APPLY_AUTHOR } from '../../src/modules/approvals/approval-gate.service';
import { ApprovalApplier } from '../../src/modules/approvals/approval-applier.service';
import { ChangeOperation } from '../../src/modules/configs/change-approval';
import { ConfigChangeService } from '../../src/modules/configs/config-change.service';
import { CONFIG_DEFAULTS } from '../../src/engine/config-state';
import { ChangeAction } from '../../src/modules/history/config-change-log.entity';
import { createApiKey, CreatedKey } from '../factories/api-key.factory';
import {
  APPROVAL_FIELDS,
  approvalById,
  ApprovalView,
  createPerson,
  requestChange,
  reviewChange,
  setPolicy,
} from '../factories/approval.factory';
import { ConfigView, createConfig, uniqueKey, updateConfig } from '../factories/config.factory';
import { deploymentInput, startDeployment } from '../factories/deployment.factory';
import { createExperiment } from '../factories/experiment.factory';
import { errorCode, eventually, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const CHANGES = `query ($filter: ConfigChangeFilter) {
  configChanges(environment: "development", filter: $filter, first: 100) {
    edges { node { action configVersion comment actor { name kind } } } } }`;
const CONFIG = `query ($key: String!) { config(environment: "development", key: $key) { version value archivedAt } }`;
const APPROVALS = `query ($status: ApprovalStatus, $requester: ID, $reviewer: ID, $key: String) {
  approvals(environment: "development", status: $status, requester: $requester, reviewer: $reviewer, key: $key, first: 100) {
    edges { node { id status configKey } } } }`;
const DIFF = `query ($id: ID!) { approval(id: $id) {
  diff { baseVersion currentVersion stale current proposed patch } viewerCanReview } }`;
const EDIT = `mutation ($input: EditConfigChangeInput!) { editConfigChange(input: $input) { approval { ${APPROVAL_FIELDS} } } }`;
const CREATE = `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { key } } }`;
const CANCEL = `mutation ($input: CancelConfigChangeInput!) { cancelConfigChange(input: $input) { approval { ${APPROVAL_FIELDS} } } }`;

type Change = {
  action: string;
  configVersion: number;
  comment: string | null;
  actor: { name: string; kind: string };
};

function data<T>(response: GraphQLResponse<T>): T {
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

function paths(response: GraphQLResponse): string[] {
  const issues = response.errors?.[0]?.extensions?.validationErrors as { path: string }[];
  return (issues ?? []).map((issue) => issue.path).sort();
}

describe('approvals', () => {
  let app: TestApp;
  let db: DataSource;
  /** The requester (an editor) and a second key of the same person (an approver). */
  let requester: CreatedKey;
  let requesterAgain: CreatedKey;
  let alice: CreatedKey;
  let aliceAgain: CreatedKey;
  let bob: CreatedKey;
  let carol: CreatedKey;
  let dave: CreatedKey;
  let editor: CreatedKey;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
    requester = await createPerson(app, ['EDITOR'], {
      name: 'Rita Requester',
      email: 'rita@example.com',
    });
    requesterAgain = await createPerson(app, ['APPROVER'], {
      name: 'Rita',
      email: 'RITA@example.com',
    });
    alice = await createPerson(app, ['APPROVER'], { name: 'Alice', email: 'alice@example.com' });
    aliceAgain = await createPerson(app, ['APPROVER'], {
      name: 'Alice',
      email: 'alice@example.com',
    });
    bob = await createPerson(app, ['APPROVER'], { name: 'Bob', email: 'bob@example.com' });
    carol = await createPerson(app, ['APPROVER'], { name: 'Carol', email: 'carol@example.com' });
    dave = await createPerson(app, ['EDITOR'], { name: 'Dave', email: 'dave@example.com' });
    editor = await createApiKey(app, { roles: ['EDITOR'] });
    // gov.*: two levels, 2 of the team, then Dave. Admins may bypass it.
    data(
      await setPolicy(app, {
        name: 'governed',
        configKeyPattern: 'gov.*',
        levels: [
          {
            name: 'Team',
            approverKeyIds: [alice.id, aliceAgain.id, bob.id, carol.id, requesterAgain.id],
            required: 2,
          },
          { name: 'Owner', approverKeyIds: [dave.id], required: 1 },
        ],
        allowAdminBypass: true,
      }),
    );
    // race.*: any one of four approves.
    data(
      await setPolicy(app, {
        name: 'race',
        configKeyPattern: 'race.*',
        levels: [{ approverKeyIds: [alice.id, bob.id, carol.id, dave.id], required: 1 }],
        rejectionCloses: false,
      }),
    );
    // strict.*: one approver, no bypass, no safety exemption.
    data(
      await setPolicy(app, {
        name: 'strict',
        configKeyPattern: 'strict.*',
        levels: [{ approverKeyIds: [bob.id], required: 1 }],
        exemptSafetyActions: false,
      }),
    );
  });

  afterAll(async () => {
    await app.close();
  });

  /** A config under a policy, created by an admin's bypass. */
  function governedConfig(prefix = 'gov', overrides: Record<string, unknown> = {}) {
    return createConfig(app, {
      key: uniqueKey(prefix),
      bypassApproval: true,
      comment: 'set up for the test',
      ...overrides,
    });
  }

  async function request(
    config: { key: string },
    input: Record<string, unknown> = { kind: 'UPDATE', config: { value: 'approved' } },
    token = requester.token,
  ): Promise<ApprovalView> {
    return data(await requestChange(app, { key: config.key, ...input }, token)).requestConfigChange
      .approval;
  }

  async function approve(id: string, ...keys: CreatedKey[]): Promise<ApprovalView> {
    let last: ApprovalView | undefined;
    for (const key of keys) {
      last = data(await reviewChange(app, id, 'APPROVE', key.token, `ok from ${key.id}`))
        .reviewConfigChange.approval;
    }
    return last!;
  }

  async function changesOf(key: string): Promise<Change[]> {
    const response = await app.gql<{ configChanges: { edges: { node: Change }[] } }>(CHANGES, {
      filter: { configKey: key },
    });
    return data(response).configChanges.edges.map((edge) => edge.node);
  }

  async function configNow(key: string) {
    return data(await app.gql<{ config: ConfigView }>(CONFIG, { key })).config;
  }

  describe('a two-level policy', () => {
    it('applies a change once 2 of the team and then the owner approve, naming them in the history', async () => {
      const config = await governedConfig();
      const requested = await request(config, {
        kind: 'UPDATE',
        config: { value: 'approved' },
        comment: 'brighter',
      });
      expect(requested).toMatchObject({
        status: 'PENDING',
        kind: 'UPDATE',
        baseVersion: 1,
        policyName: 'governed',
        currentLevel: 0,
        requester: { keyId: requester.id, name: 'Rita Requester' },
      });
      const diff = await app.gql<{ approval: { diff: Record<string, unknown> } }>(DIFF, {
        id: requested.id,
      });
      expect(data(diff).approval.diff).toMatchObject({
        baseVersion: 1,
        currentVersion: 1,
        stale: false,
        patch: [{ op: 'replace', path: '/value', value: 'approved' }],
      });

      const afterAlice = await approve(requested.id, alice);
      expect(afterAlice.levels[0]).toMatchObject({ approvals: 1, satisfied: false });
      expect(afterAlice.currentLevel).toBe(0);
      // Dave is an approver of the second level only; its turn has not come.
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', dave.token))).toBe(
        'FORBIDDEN',
      );
      const afterBob = await approve(requested.id, bob);
      expect(afterBob).toMatchObject({ status: 'PENDING', currentLevel: 1 });
      expect(afterBob.levels.map((l) => l.satisfied)).toEqual([true, false]);
      // The first level is done: Carol may no longer review.
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', carol.token))).toBe(
        'FORBIDDEN',
      );
      expect((await configNow(config.key)).value).toBe('on');

      const applied = await approve(requested.id, dave);
      expect(applied.status).toBe('APPLIED');
      expect(applied.levels[1].reviews.map((r) => r.reviewer.keyId)).toEqual([dave.id]);
      expect(await configNow(config.key)).toMatchObject({ value: 'approved', version: 2 });
      const [entry] = await changesOf(config.key);
      expect(entry).toEqual({
        action: 'UPDATE',
        configVersion: 2,
        comment: `Change request ${requested.id} by Rita Requester, approved by Alice, Bob, Dave: brighter`,
        actor: { name: 'approvals', kind: 'system' },
      });
    });

    it('never lets the requester review, not even through another key of the same owner', async () => {
      const requested = await request(await governedConfig());
      const own = await reviewChange(app, requested.id, 'APPROVE', requesterAgain.token);
      expect(errorCode(own)).toBe('FORBIDDEN');
      expect(own.errors?.[0].message).toMatch(/never reviews their own/);
      expect((await approvalById(app, requested.id)).levels[0].approvals).toBe(0);
    });

    it('counts the same approver once: a second review, by any key of theirs, is refused', async () => {
      const requested = await request(await governedConfig());
      await approve(requested.id, alice);
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', alice.token))).toBe(
        'CONFLICT',
      );
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', aliceAgain.token))).toBe(
        'CONFLICT',
      );
      const now = await approvalById(app, requested.id);
      expect(now.levels[0]).toMatchObject({ approvals: 1, satisfied: false });
      expect(now.levels[0].reviews).toHaveLength(1);
    });

    it('closes on a rejection, after which nobody reviews it', async () => {
      const requested = await request(await governedConfig());
      const rejected = data(await reviewChange(app, requested.id, 'REJECT', bob.token, 'not now'))
        .reviewConfigChange.approval;
      expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'Rejected by Bob: not now' });
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', alice.token))).toBe(
        'CONFLICT',
      );
    });

    it('keeps a request open after a rejection where the policy says so', async () => {
      const created = await request(
        { key: uniqueKey('race') },
        { kind: 'CREATE', config: { valueType: 'STRING', value: 'a', defaultValue: 'b' } },
      );
      const rejected = data(await reviewChange(app, created.id, 'REJECT', bob.token))
        .reviewConfigChange.approval;
      expect(rejected.status).toBe('PENDING');
      expect((await approve(created.id, carol)).status).toBe('APPLIED');
      expect(await configNow(created.configKey)).toMatchObject({ version: 1, value: 'a' });
    });
  });

  describe('stale and failed requests', () => {
    it('makes a request stale when the config changes meanwhile, and never applies it', async () => {
      const config = await governedConfig();
      const requested = await request(config);
      const admin = data(
        await updateConfig(app, {
          key: config.key,
          expectedVersion: 1,
          value: 'hotfix',
          bypassApproval: true,
          comment: 'incident',
        }),
      );
      expect(admin.updateConfig.config.version).toBe(2);
      const stale = await approvalById(app, requested.id);
      expect(stale).toMatchObject({
        status: 'STALE',
        reason: `Config "${config.key}" changed since the request: version 1 then, 2 now`,
      });
      const diff = data(
        await app.gql<{ approval: { diff: Record<string, unknown> } }>(DIFF, { id: requested.id }),
      ).approval.diff;
      expect(diff).toMatchObject({ baseVersion: 1, currentVersion: 2, stale: true });
      expect(diff.patch).toEqual([{ op: 'replace', path: '/value', value: 'approved' }]);
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', alice.token))).toBe(
        'CONFLICT',
      );
      expect((await configNow(config.key)).value).toBe('hotfix');
    });

    it('finds a request stale at apply time when the change was not heard of', async () => {
      const config = await governedConfig();
      const requested = await request(config);
      await approve(requested.id, alice, bob);
      // A change this process never heard of (another instance crashed right after it).
      await db.query('UPDATE business_config SET version = version + 1 WHERE id = $1', [config.id]);
      const last = await approve(requested.id, dave);
      expect(last).toMatchObject({ status: 'STALE' });
      expect(last.reason).toMatch(/version 1 then, 2 now/);
      expect((await configNow(config.key)).value).toBe('on');
      expect((await changesOf(config.key)).map((c) => c.action)).toEqual(['CREATE']);
    });

    it('fails a request whose config has an active deployment when it is applied', async () => {
      const config = await governedConfig();
      const requested = await request(config);
      await approve(requested.id, alice, bob);
      const started = await startDeployment(
        app,
        deploymentInput(config, { bypassApproval: true, comment: 'canary' }),
      );
      const deploymentId = data(started).startDeployment.deployment.id;
      const failed = await approve(requested.id, dave);
      expect(failed.status).toBe('FAILED');
      expect(failed.reason).toContain(`active deployment ${deploymentId}`);
      expect((await configNow(config.key)).value).toBe('on');
    });
  });

  describe('applying exactly once', () => {
    it('applies once when every approver of the last level approves at the same time', async () => {
      const created = await request(
        { key: uniqueKey('race') },
        { kind: 'CREATE', config: { valueType: 'INTEGER', value: 1, defaultValue: 0 } },
      );
      await approve(created.id, alice);
      const requested = await request(
        { key: created.configKey },
        { kind: 'UPDATE', config: { value: 2 } },
      );
      const answers = await Promise.all(
        [alice, bob, carol, dave].map((key) =>
          reviewChange(app, requested.id, 'APPROVE', key.token),
        ),
      );
      const applied = answers.filter(
        (a) => a.data?.reviewConfigChange.approval.status === 'APPLIED',
      );
      expect(applied).toHaveLength(1);
      expect(answers.filter((a) => errorCode(a) === 'CONFLICT')).toHaveLength(3);
      expect((await changesOf(created.configKey)).map((c) => [c.action, c.configVersion])).toEqual([
        ['UPDATE', 2],
        ['CREATE', 1],
      ]);
    });

    it('applies an approved request once however many appliers race for it', async () => {
      const created = await request(
        { key: uniqueKey('race') },
        { kind: 'CREATE', config: { valueType: 'STRING', value: 'x', defaultValue: 'y' } },
      );
      // Approved, not yet applied (as after a crash between the review and the write).
      await db.query(
        `UPDATE config_approval SET status = 'approved', current_level = 0 WHERE id = $1`,
        [created.id],
      );
      await db.query(
        `INSERT INTO config_approval_review (approval_id, round, level, reviewer_id, reviewer_name, reviewer_person, decision)
         VALUES ($1, 1, 0, $2, 'Bob', 'email:bob@example.com', 'approve')`,
        [created.id, bob.id],
      );
      const applier = app.running.app.get(ApprovalApplier);
      await Promise.all(Array.from({ length: 10 }, () => applier.apply(created.id)));
      expect((await approvalById(app, created.id)).status).toBe('APPLIED');
      expect((await changesOf(created.configKey)).map((c) => c.action)).toEqual(['CREATE']);
    });

    it('undoes a write whose precondition held while its config write did not', async () => {
      const existing = await governedConfig();
      const requested = await request(
        { key: uniqueKey('gov') },
        { kind: 'CREATE', config: { valueType: 'STRING', value: 'a', defaultValue: 'b' } },
      );
      await db.query(`UPDATE config_approval SET status = 'approved' WHERE id = $1`, [
        requested.id,
      ]);
      const [{ id: environmentId }] = await db.query(
        `SELECT id FROM environment WHERE key = 'development'`,
      );
      const changes = app.running.app.get(ConfigChangeService);
      const clearance = await changes.clear({
        environmentId,
        key: existing.key,
        operation: ChangeOperation.CREATE_CONFIG,
        author: APPLY_AUTHOR,
      });
      // A create of a key that exists: the precondition writes, the insert does not.
      const write = changes.commit({
        environmentId,
        action: ChangeAction.CREATE,
        key: existing.key,
        next: {
          ...CONFIG_DEFAULTS,
          key: existing.key,
          valueType: 'string',
          value: 'a',
          defaultValue: 'b',
        },
        author: APPLY_AUTHOR,
        clearance,
        precondition: {
          sql: `UPDATE config_approval SET status = 'applied' WHERE id = $1::uuid RETURNING id`,
          params: [requested.id],
          refusal: 'the precondition alone was refused',
        },
      });
      await expect(write).rejects.toThrow('the precondition alone was refused');
      const [{ status }] = await db.query('SELECT status FROM config_approval WHERE id = $1', [
        requested.id,
      ]);
      expect(status).toBe('approved');
    });

    it('refuses a write that did not ask the approval gate', async () => {
      const existing = await governedConfig();
      const changes = app.running.app.get(ConfigChangeService);
      await expect(
        changes.commit({
          environmentId: 'x',
          action: ChangeAction.UPDATE,
          key: existing.key,
          current: { id: existing.id, version: 1, state: {} as never },
          next: null,
          author: APPLY_AUTHOR,
          clearance: { environmentId: 'x', key: existing.key, note: null },
        }),
      ).rejects.toThrow(/without the approval gate's clearance/);
    });
  });

  describe('enforcement in the change path', () => {
    it('refuses a person writing a governed config with APPROVAL_REQUIRED naming the policy', async () => {
      const config = await governedConfig();
      const update = await updateConfig(
        app,
        { key: config.key, expectedVersion: 1, value: 'x' },
        editor.token,
      );
      expect(errorCode(update)).toBe('APPROVAL_REQUIRED');
      expect(update.errors?.[0].extensions).toMatchObject({
        policy: { name: 'governed' },
        key: config.key,
        environment: 'development',
        operation: 'updateConfig',
      });
      // Before the version check: a stale expectedVersion is still APPROVAL_REQUIRED.
      expect(
        errorCode(
          await updateConfig(
            app,
            { key: config.key, expectedVersion: 9, value: 'x' },
            editor.token,
          ),
        ),
      ).toBe('APPROVAL_REQUIRED');
      const refused = await Promise.all([
        app.gql(
          `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { version } } }`,
          {
            input: { environment: 'development', key: config.key },
          },
        ),
        app.gql(
          `mutation ($input: RollbackConfigInput!) { rollbackConfig(input: $input) { config { version } } }`,
          {
            input: { environment: 'development', key: config.key, toVersion: 1 },
          },
        ),
        startDeployment(app, deploymentInput(config)),
        app.gql(CREATE, {
          input: {
            environment: 'development',
            key: uniqueKey('gov'),
            valueType: 'STRING',
            value: 'a',
          },
        }),
      ]);
      expect(refused.map(errorCode)).toEqual([
        'APPROVAL_REQUIRED',
        'APPROVAL_REQUIRED',
        'APPROVAL_REQUIRED',
        'APPROVAL_REQUIRED',
      ]);
      expect((await changesOf(config.key)).map((c) => c.action)).toEqual(['CREATE']);
    });

    it('leaves configs no policy governs as they were', async () => {
      const free = await createConfig(app, {}, editor.token);
      const updated = await updateConfig(
        app,
        { key: free.key, expectedVersion: 1, value: 'x' },
        editor.token,
      );
      expect(data(updated).updateConfig.config.version).toBe(2);
      const [entry] = await changesOf(free.key);
      expect(entry.comment).toBeNull();
    });

    it('exempts pausing a deployment where the policy says so, and not where it does not', async () => {
      const config = await governedConfig();
      const started = data(
        await startDeployment(
          app,
          deploymentInput(config, { bypassApproval: true, comment: 'go' }),
        ),
      ).startDeployment.deployment;
      const paused = await app.gql(
        `mutation ($input: PauseDeploymentInput!) { pauseDeployment(input: $input) { deployment { status } } }`,
        { input: { id: started.id } },
        editor.token,
      );
      expect(paused.data).toEqual({ pauseDeployment: { deployment: { status: 'PAUSED' } } });
      const resumed = await app.gql(
        `mutation ($input: ResumeDeploymentInput!) { resumeDeployment(input: $input) { deployment { status } } }`,
        { input: { id: started.id } },
        editor.token,
      );
      expect(errorCode(resumed)).toBe('APPROVAL_REQUIRED');
      const strictKey = uniqueKey('strict');
      const created = await request(
        { key: strictKey },
        { kind: 'CREATE', config: { valueType: 'STRING', value: 'a', defaultValue: 'b' } },
      );
      await approve(created.id, bob);
      const deploy = await request(
        { key: strictKey },
        {
          kind: 'START_DEPLOYMENT',
          deployment: {
            candidate: { value: 'c' },
            strategy: 'LINEAR',
            parameters: { percentages: [10, 100], intervalSeconds: 3600 },
          },
        },
      );
      await approve(deploy.id, bob);
      const [{ id }] = await db.query(
        `SELECT id FROM config_deployment WHERE config_key = $1 AND status = 'in_progress'`,
        [strictKey],
      );
      const pause = await app.gql(
        `mutation ($input: PauseDeploymentInput!) { pauseDeployment(input: $input) { deployment { status } } }`,
        { input: { id } },
        editor.token,
      );
      expect(errorCode(pause)).toBe('APPROVAL_REQUIRED');
    });

    it('records an admin bypass with its reason, and refuses one without a reason or by a non-admin', async () => {
      const config = await governedConfig();
      const noReason = await updateConfig(app, {
        key: config.key,
        expectedVersion: 1,
        value: 'x',
        bypassApproval: true,
      });
      expect(errorCode(noReason)).toBe('BAD_USER_INPUT');
      expect(paths(noReason)).toEqual(['input.comment']);
      const byEditor = await updateConfig(
        app,
        {
          key: config.key,
          expectedVersion: 1,
          value: 'x',
          bypassApproval: true,
          comment: 'why not',
        },
        editor.token,
      );
      expect(errorCode(byEditor)).toBe('FORBIDDEN');
      const bypassed = await updateConfig(app, {
        key: config.key,
        expectedVersion: 1,
        value: 'x',
        bypassApproval: true,
        comment: 'incident 42',
      });
      expect(data(bypassed).updateConfig.config.version).toBe(2);
      const [entry] = await changesOf(config.key);
      expect(entry.comment).toMatch(
        /^Approval bypassed by bootstrap admin \(ADMIN_TOKEN\) \(policy "governed"\): incident 42$/,
      );
      const strictRequest = await request(
        { key: uniqueKey('strict') },
        { kind: 'CREATE', config: { valueType: 'BOOLEAN', value: true, defaultValue: false } },
      );
      await approve(strictRequest.id, bob);
      const noBypass = await updateConfig(app, {
        key: strictRequest.configKey,
        expectedVersion: 1,
        value: false,
        bypassApproval: true,
        comment: 'please',
      });
      expect(errorCode(noBypass)).toBe('APPROVAL_REQUIRED');
      expect(noBypass.errors?.[0].message).toMatch(/does not let admins bypass/);
    });
  });

  describe('requests of every kind', () => {
    it('applies an archive, a rollback, a deployment start and an experiment start, each in the history', async () => {
      const config = await governedConfig();
      const update = await request(config, { kind: 'UPDATE', config: { value: 'two' } });
      await approve(update.id, alice, bob, dave);
      const rollback = await request(config, { kind: 'ROLLBACK', toVersion: 1 });
      expect((await approve(rollback.id, alice, bob, dave)).status).toBe('APPLIED');
      expect(await configNow(config.key)).toMatchObject({ version: 3, value: 'on' });

      const experimentKey = await createExperiment(app, config.key);
      const start = await request(config, {
        kind: 'START_EXPERIMENT',
        experiment: { key: experimentKey },
      });
      expect((await approve(start.id, alice, bob, dave)).status).toBe('APPLIED');
      const complete = await request(config, {
        kind: 'COMPLETE_EXPERIMENT',
        experiment: { key: experimentKey, winner: 'b', promoteWinner: true },
      });
      expect((await approve(complete.id, alice, bob, dave)).status).toBe('APPLIED');
      expect(await configNow(config.key)).toMatchObject({ version: 4, value: 'b' });

      const deploy = await request(config, {
        kind: 'START_DEPLOYMENT',
        deployment: { candidate: { value: 'next' }, strategy: 'IMMEDIATE' },
      });
      expect((await approve(deploy.id, alice, bob, dave)).status).toBe('APPLIED');
      expect(await configNow(config.key)).toMatchObject({ version: 5, value: 'next' });

      const archive = await request(config, { kind: 'ARCHIVE' });
      expect((await approve(archive.id, alice, bob, dave)).status).toBe('APPLIED');
      expect((await configNow(config.key)).archivedAt).toEqual(expect.any(String));

      const entries = (await changesOf(config.key)).reverse();
      expect(entries.map((c) => c.action)).toEqual([
        'CREATE',
        'UPDATE',
        'ROLLBACK',
        'EXPERIMENT_STARTED',
        'EXPERIMENT_STOPPED',
        'UPDATE',
        'DEPLOYMENT_STARTED',
        'DEPLOYMENT_COMPLETED',
        'ARCHIVE',
      ]);
      const byRequest = new Map(
        [update, rollback, start, complete, deploy, archive].map((r) => [r.id, r]),
      );
      const named = entries.filter((c) => /^Change request /.test(c.comment ?? ''));
      expect(new Set(named.map((c) => /^Change request (\S+)/.exec(c.comment!)![1]))).toEqual(
        new Set(byRequest.keys()),
      );
      for (const entry of named) {
        expect(entry.comment).toMatch(/by Rita Requester, approved by Alice, Bob, Dave/);
        expect(entry.actor).toEqual({ name: 'approvals', kind: 'system' });
      }
    });

    it('refuses parts that do not fit the kind, an applyAt in the past or too far ahead, all without writing', async () => {
      const config = await governedConfig();
      const before = await db.query('SELECT count(*)::int AS n FROM config_approval');
      const wrongParts = await requestChange(
        app,
        { key: config.key, kind: 'UPDATE', toVersion: 1 },
        requester.token,
      );
      expect(paths(wrongParts)).toEqual(['input.config', 'input.toVersion']);
      const past = await requestChange(
        app,
        { key: config.key, kind: 'ARCHIVE', applyAt: new Date(Date.now() - 60_000).toISOString() },
        requester.token,
      );
      expect(paths(past)).toEqual(['input.applyAt']);
      const far = await requestChange(
        app,
        {
          key: config.key,
          kind: 'ARCHIVE',
          applyAt: new Date(Date.now() + 400 * 86_400_000).toISOString(),
        },
        requester.token,
      );
      expect(paths(far)).toEqual(['input.applyAt']);
      const invalidState = await requestChange(
        app,
        { key: config.key, kind: 'UPDATE', config: { rolloutPercentage: 101 } },
        requester.token,
      );
      expect(paths(invalidState)).toEqual(['input.config.rolloutPercentage']);
      const ungoverned = await requestChange(
        app,
        { key: (await createConfig(app)).key, kind: 'ARCHIVE' },
        requester.token,
      );
      expect(errorCode(ungoverned)).toBe('CONFLICT');
      expect(await db.query('SELECT count(*)::int AS n FROM config_approval')).toEqual(before);
    });
  });

  describe('scheduled changes', () => {
    it('applies an approved request at its applyAt, and never one cancelled before', async () => {
      const config = await governedConfig();
      const applyAt = new Date(Date.now() + 1500);
      const requested = await request(config, {
        kind: 'UPDATE',
        config: { value: 'later' },
        applyAt: applyAt.toISOString(),
      });
      const scheduled = await approve(requested.id, alice, bob, dave);
      expect(scheduled).toMatchObject({ status: 'SCHEDULED', applyAt: applyAt.toISOString() });
      expect((await configNow(config.key)).value).toBe('on');
      const other = await governedConfig();
      const cancelledLater = await request(other, {
        kind: 'UPDATE',
        config: { value: 'never' },
        applyAt: applyAt.toISOString(),
      });
      await approve(cancelledLater.id, alice, bob, dave);
      data(await app.gql(CANCEL, { input: { id: cancelledLater.id } }, requester.token));
      await eventually(async () => (await approvalById(app, requested.id)).status === 'APPLIED', {
        what: 'the scheduled apply',
      });
      expect(await configNow(config.key)).toMatchObject({ value: 'later', version: 2 });
      expect((await changesOf(config.key)).map((c) => c.action)).toEqual(['UPDATE', 'CREATE']);
      expect((await approvalById(app, cancelledLater.id)).status).toBe('CANCELLED');
      expect((await configNow(other.key)).value).toBe('on');
    });
  });

  describe('edits, cancellations and the inbox', () => {
    it('lets only the requester edit, resetting the reviews, and cancel', async () => {
      const config = await governedConfig();
      const requested = await request(config);
      await approve(requested.id, alice);
      const foreign = await app.gql(
        EDIT,
        { input: { id: requested.id, config: { value: 'mine' } } },
        dave.token,
      );
      expect(errorCode(foreign)).toBe('FORBIDDEN');
      const edited = data(
        await app.gql<{ editConfigChange: { approval: ApprovalView } }>(
          EDIT,
          { input: { id: requested.id, config: { value: 'edited' }, comment: 'second try' } },
          requester.token,
        ),
      ).editConfigChange.approval;
      expect(edited).toMatchObject({ status: 'PENDING', round: 2, comment: 'second try' });
      expect(edited.levels[0]).toMatchObject({ approvals: 0, reviews: [] });
      // Alice may review again in the new round.
      await approve(requested.id, alice);
      const cancelled = data(
        await app.gql<{ cancelConfigChange: { approval: ApprovalView } }>(
          CANCEL,
          { input: { id: requested.id, comment: 'later' } },
          requester.token,
        ),
      ).cancelConfigChange.approval;
      expect(cancelled).toMatchObject({
        status: 'CANCELLED',
        reason: 'Cancelled by Rita Requester: later',
      });
      expect(errorCode(await reviewChange(app, requested.id, 'APPROVE', bob.token))).toBe(
        'CONFLICT',
      );
      expect(
        errorCode(
          await app.gql(
            EDIT,
            { input: { id: requested.id, config: { value: 'x' } } },
            requester.token,
          ),
        ),
      ).toBe('CONFLICT');
    });

    it('keeps the reviews of an edited request where the policy says so', async () => {
      data(
        await setPolicy(app, {
          name: 'keeps reviews',
          configKeyPattern: 'keep.*',
          levels: [
            { approverKeyIds: [alice.id], required: 1 },
            { approverKeyIds: [bob.id], required: 1 },
          ],
          editResetsReviews: false,
        }),
      );
      const created = await request(
        { key: uniqueKey('keep') },
        { kind: 'CREATE', config: { valueType: 'STRING', value: 'a', defaultValue: 'b' } },
      );
      await approve(created.id, alice);
      const edited = data(
        await app.gql<{ editConfigChange: { approval: ApprovalView } }>(
          EDIT,
          {
            input: {
              id: created.id,
              config: { valueType: 'STRING', value: 'c', defaultValue: 'b' },
            },
          },
          requester.token,
        ),
      ).editConfigChange.approval;
      expect(edited).toMatchObject({ status: 'PENDING', round: 1, currentLevel: 1 });
      expect(edited.levels[0]).toMatchObject({ approvals: 1, satisfied: true });
      expect((await approve(created.id, bob)).status).toBe('APPLIED');
      expect((await configNow(created.configKey)).value).toBe('c');
    });

    it('lists what waits on a reviewer, and what a requester asked for', async () => {
      const config = await governedConfig();
      const requested = await request(config);
      const list = async (variables: Record<string, unknown>) =>
        data(
          await app.gql<{ approvals: { edges: { node: { id: string } }[] } }>(APPROVALS, {
            key: config.key,
            ...variables,
          }),
        ).approvals.edges.map((e) => e.node.id);
      expect(await list({ reviewer: alice.id })).toEqual([requested.id]);
      expect(await list({ reviewer: dave.id })).toEqual([]);
      // The requester's own keys: never waiting on them.
      expect(await list({ reviewer: requesterAgain.id })).toEqual([]);
      expect(await list({ requester: requesterAgain.id })).toEqual([requested.id]);
      await approve(requested.id, alice);
      expect(await list({ reviewer: alice.id })).toEqual([]);
      expect(await list({ reviewer: aliceAgain.id })).toEqual([]);
      expect(await list({ reviewer: bob.id })).toEqual([requested.id]);
      await approve(requested.id, bob);
      expect(await list({ reviewer: dave.id })).toEqual([requested.id]);
      expect(await list({ status: 'PENDING' })).toEqual([requested.id]);
      const canReview = async (token: string) =>
        data(
          await app.gql<{ approval: { viewerCanReview: boolean } }>(
            DIFF,
            { id: requested.id },
            token,
          ),
        ).approval.viewerCanReview;
      expect(await canReview(dave.token)).toBe(true);
      expect(await canReview(bob.token)).toBe(false);
    });

    it('tells approvalUpdated subscribers of each step', async () => {
      const client = wsClient(app);
      const updates = subscribe<{
        approvalId: string;
        status: string;
        event: string;
        approval: { id: string };
      }>(
        client,
        `subscription { approvalUpdated(environment: "development") { approvalId status event approval { id } } }`,
      );
      try {
        // Subscribed once a probe's update arrives.
        let requested: ApprovalView | undefined;
        await eventually(async () => {
          requested = await request(await governedConfig());
          return updates.received.some((u) => u.approvalId === requested!.id);
        });
        await approve(requested!.id, alice);
        const mine = await eventually(async () => {
          const updated = updates.received.filter((u) => u.approvalId === requested!.id);
          return updated.length >= 2 && updated;
        });
        expect(mine.map((u) => [u.event, u.status])).toEqual([
          ['requested', 'PENDING'],
          ['approved', 'PENDING'],
        ]);
        expect(mine[0].approval.id).toBe(requested!.id);
      } finally {
        updates.stop();
        await client.dispose();
      }
    });
  });
});
