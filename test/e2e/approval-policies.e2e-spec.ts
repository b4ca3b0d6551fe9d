import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { createPerson, POLICY_FIELDS, setPolicy } from '../factories/approval.factory';
import { errorCode, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';

const SET_OWNER = `mutation ($input: SetApiKeyOwnerInput!) {
  setApiKeyOwner(input: $input) { apiKey { id owner { name email } } } }`;
const POLICIES = `query ($environment: String!) { approvalPolicies(environment: $environment) { ${POLICY_FIELDS} } }`;
const DELETE = `mutation ($input: DeleteApprovalPolicyInput!) { deleteApprovalPolicy(input: $input) { deletedPolicyId } }`;
const AUDIT = `query ($environment: String!) { approvalPolicyChanges(environment: $environment, first: 100) {
  edges { node { policyId policyName action before after comment actor { name } } } } }`;

function paths(response: GraphQLResponse): string[] {
  const issues = response.errors?.[0]?.extensions?.validationErrors as { path: string }[];
  return (issues ?? []).map((issue) => issue.path).sort();
}

describe('API key owners and approval policies', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
    await app.gql(
      `mutation { createEnvironment(input: {key: "staging", name: "Staging"}) { environment { id } } }`,
    );
  });

  afterAll(async () => {
    await app.close();
  });

  describe('owners', () => {
    it('lets an admin set and clear the owner of a key, the email stored lower-case', async () => {
      const key = await createApiKey(app, { roles: ['APPROVER'] });
      const set = await app.gql<{ setApiKeyOwner: { apiKey: { owner: unknown } } }>(SET_OWNER, {
        input: { id: key.id, owner: { name: 'Ada Lovelace', email: 'Ada@Example.COM' } },
      });
      expect(set.data?.setApiKeyOwner.apiKey.owner).toEqual({
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      });
      const me = await app.gql<{ me: { owner: unknown } }>(
        '{ me { owner { name email } } }',
        {},
        key.token,
      );
      expect(me.data?.me.owner).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
      const cleared = await app.gql<{ setApiKeyOwner: { apiKey: { owner: unknown } } }>(SET_OWNER, {
        input: { id: key.id, owner: null },
      });
      expect(cleared.data?.setApiKeyOwner.apiKey.owner).toBeNull();
    });

    it('refuses a bad email, a non-admin, and a key outside a scoped admin', async () => {
      const key = await createApiKey(app, { roles: ['VIEWER'] });
      const bad = await app.gql(SET_OWNER, {
        input: { id: key.id, owner: { name: 'x', email: 'not an email' } },
      });
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(paths(bad)).toEqual(['input.owner.email']);
      const editor = await createApiKey(app, { roles: ['EDITOR'] });
      const forbidden = await app.gql(
        SET_OWNER,
        { input: { id: key.id, owner: { name: 'x', email: 'x@example.com' } } },
        editor.token,
      );
      expect(errorCode(forbidden)).toBe('FORBIDDEN');
      const scoped = await createApiKey(app, { roles: ['ADMIN'], environment: 'production' });
      const outside = await app.gql(
        SET_OWNER,
        { input: { id: key.id, owner: { name: 'x', email: 'x@example.com' } } },
        scoped.token,
      );
      expect(errorCode(outside)).toBe('FORBIDDEN');
    });
  });

  describe('policies', () => {
    it('creates a policy, replaces it by name, lists it and deletes it, each audited', async () => {
      const alice = await createPerson(app, ['APPROVER']);
      const bob = await createPerson(app, ['APPROVER']);
      const created = await setPolicy(app, {
        environment: 'production',
        name: 'checkout',
        configKeyPattern: 'checkout.*',
        levels: [{ name: 'Team', approverKeyIds: [alice.id, bob.id], required: 2 }],
        comment: 'first cut',
      });
      expect(created.errors).toBeUndefined();
      expect(created.data?.setApprovalPolicy.approvalPolicy).toMatchObject({
        name: 'checkout',
        configKeyPattern: 'checkout.*',
        rejectionCloses: true,
        editResetsReviews: true,
        allowAdminBypass: false,
        exemptSafetyActions: true,
        levels: [
          { name: 'Team', approverKeyIds: [alice.id, bob.id], anyApprover: false, required: 2 },
        ],
      });
      const replaced = await setPolicy(app, {
        environment: 'production',
        name: 'checkout',
        configKeyPattern: 'checkout.*',
        levels: [
          { approverKeyIds: [alice.id], required: 1 },
          { anyApprover: true, required: 1 },
        ],
        allowAdminBypass: true,
      });
      const policy = replaced.data!.setApprovalPolicy.approvalPolicy as { id: string };
      expect(policy.id).toBe((created.data!.setApprovalPolicy.approvalPolicy as { id: string }).id);
      const listed = await app.gql<{ approvalPolicies: { name: string; levels: unknown[] }[] }>(
        POLICIES,
        { environment: 'production' },
      );
      expect(listed.data?.approvalPolicies).toEqual([
        expect.objectContaining({
          name: 'checkout',
          allowAdminBypass: true,
          levels: [
            expect.objectContaining({ name: 'Level 1', required: 1 }),
            expect.objectContaining({ name: 'Level 2', anyApprover: true, required: 1 }),
          ],
        }),
      ]);
      const deleted = await app.gql(DELETE, {
        input: { environment: 'production', name: 'checkout', comment: 'gone' },
      });
      expect(deleted.data).toEqual({ deleteApprovalPolicy: { deletedPolicyId: policy.id } });
      const audit = await app.gql<{
        approvalPolicyChanges: { edges: { node: Record<string, unknown> }[] };
      }>(AUDIT, { environment: 'production' });
      const entries = audit.data!.approvalPolicyChanges.edges.map((e) => e.node);
      expect(entries.map((e) => [e.action, e.comment])).toEqual([
        ['DELETE', 'gone'],
        ['SET', null],
        ['SET', 'first cut'],
      ]);
      expect(entries[2].before).toBeNull();
      expect(entries[1].before).toMatchObject({ allowAdminBypass: false });
      expect(entries[1].after).toMatchObject({ allowAdminBypass: true });
      expect(entries[0].after).toBeNull();
      await expect(db.query('DELETE FROM approval_policy_change')).rejects.toThrow(/append-only/);
    });

    it('refuses required counts above the people who may approve, and unusable approvers, all at once', async () => {
      const alice = await createPerson(app, ['APPROVER'], { email: 'same@example.com' });
      const aliceAgain = await createPerson(app, ['EDITOR'], { email: 'SAME@example.com' });
      const revoked = await createApiKey(app, { roles: ['APPROVER'] });
      await app.gql(`mutation ($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { id } } }`, {
        id: revoked.id,
      });
      const elsewhere = await createApiKey(app, { roles: ['APPROVER'], environment: 'production' });
      const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
      const response = await setPolicy(app, {
        configKeyPattern: 'Bad Pattern',
        levels: [
          // Two keys of one person are one approver.
          { approverKeyIds: [alice.id, aliceAgain.id], required: 2 },
          {
            approverKeyIds: [
              revoked.id,
              elsewhere.id,
              sdk.id,
              '00000000-0000-4000-8000-000000000000',
            ],
            required: 1,
          },
          { approverKeyIds: [], required: 1 },
        ],
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(paths(response)).toEqual([
        'input.configKeyPattern',
        'input.levels[0].required',
        'input.levels[1].approverKeyIds[0]',
        'input.levels[1].approverKeyIds[1]',
        'input.levels[1].approverKeyIds[2]',
        'input.levels[1].approverKeyIds[3]',
        'input.levels[1].required',
        'input.levels[2].approverKeyIds',
      ]);
      const [{ count }] = await db.query(
        `SELECT count(*)::int AS count FROM approval_policy WHERE environment_id =
          (SELECT id FROM environment WHERE key = 'development')`,
      );
      expect(count).toBe(0);
    });

    it('names the policy that governs a key: the most specific pattern, else the environment-wide one', async () => {
      const alice = await createPerson(app, ['APPROVER']);
      const levels = [{ approverKeyIds: [alice.id], required: 1 }];
      await app.gql(
        `mutation { createEnvironment(input: {key: "governed", name: "Governed"}) { environment { id } } }`,
      );
      for (const [name, configKeyPattern] of [
        ['everything', null],
        ['checkout', 'checkout.*'],
        ['retries', 'checkout.retries'],
      ]) {
        expect(
          (await setPolicy(app, { environment: 'governed', name, configKeyPattern, levels }))
            .errors,
        ).toBeUndefined();
      }
      const governing = async (key: string, environment = 'governed') =>
        (
          await app.gql<{ governingApprovalPolicy: { name: string } | null }>(
            `query ($environment: String!, $key: String!) { governingApprovalPolicy(environment: $environment, key: $key) { name } }`,
            { environment, key },
          )
        ).data?.governingApprovalPolicy?.name ?? null;
      expect(await governing('checkout.retries')).toBe('retries');
      expect(await governing('checkout.enabled')).toBe('checkout');
      expect(await governing('search.enabled')).toBe('everything');
      expect(await governing('search.enabled', 'development')).toBeNull();
    });

    it('refuses a second policy for the same pattern with CONFLICT, and needs an admin', async () => {
      const alice = await createPerson(app, ['APPROVER']);
      const levels = [{ approverKeyIds: [alice.id], required: 1 }];
      expect(
        (await setPolicy(app, { environment: 'production', name: 'a', levels })).errors,
      ).toBeUndefined();
      const twin = await setPolicy(app, { environment: 'production', name: 'b', levels });
      expect(errorCode(twin)).toBe('CONFLICT');
      const editor = await createApiKey(app, { roles: ['EDITOR'] });
      expect(
        errorCode(
          await setPolicy(app, { environment: 'production', name: 'c', levels }, editor.token),
        ),
      ).toBe('FORBIDDEN');
      await app.gql(DELETE, { input: { environment: 'production', name: 'a' } });
    });

    it('counts every key with the APPROVER role for anyApprover levels', async () => {
      const [{ count }] = await db.query(
        `SELECT count(DISTINCT coalesce('email:' || lower(owner_email), 'key:' || id::text))::int AS count
         FROM api_key WHERE revoked_at IS NULL
           AND (environment_id IS NULL OR environment_id = (SELECT id FROM environment WHERE key = 'staging'))
           AND roles && ARRAY['approver', 'admin']`,
      );
      const tooMany = await setPolicy(app, {
        environment: 'staging',
        levels: [{ anyApprover: true, required: count + 1 }],
      });
      expect(paths(tooMany)).toEqual(['input.levels[0].required']);
      const enough = await setPolicy(app, {
        environment: 'staging',
        levels: [{ anyApprover: true, required: count }],
      });
      expect(enough.errors).toBeUndefined();
    });
  });
});
