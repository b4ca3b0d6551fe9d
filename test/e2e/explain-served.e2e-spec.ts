import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig, uniqueKey } from '../factories/config.factory';
import { errorCode, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';

const EXPLAIN_SERVED = `query ($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {
  explainServed(environment: $environment, key: $key, context: $context, at: $at) {
    key at context configState fetchLogRecords
    result { key value reason ruleId version errorCode }
    explain { path kind reached outcome ruleId attribute operator actual detail }
    change { id action configVersion createdAt actor { id name kind } } } }`;
const CHANGES = `query ($environment: String!, $filter: ConfigChangeFilter) {
  configChanges(environment: $environment, filter: $filter, first: 50) {
    edges { node { id action configVersion createdAt } } } }`;
const EVALUATE = `query ($environment: String, $context: JSON!, $keys: [String!]) {
  evaluate(environment: $environment, context: $context, keys: $keys) {
    key value reason ruleId version errorCode } }`;

interface Served {
  key: string;
  configState: string;
  fetchLogRecords: unknown[] | null;
  result: {
    value: unknown;
    reason: string;
    ruleId: string | null;
    version: number;
    errorCode: string | null;
  };
  explain: { path: string; kind: string; reached: boolean; outcome: boolean; detail: string }[];
  change: {
    id: string;
    action: string;
    configVersion: number;
    createdAt: string;
    actor: { name: string };
  } | null;
}
interface Entry {
  id: string;
  action: string;
  configVersion: number;
  createdAt: string;
}

const BETA_RULE = {
  id: 'beta-testers',
  condition: { attribute: 'user.beta', operator: 'equals', value: true },
  value: 'purple',
};
const REGULAR = { user: { id: 'u-1' } };
const BETA = { user: { id: 'u-2', beta: true } };

/** Lets the clock move on, so the next commit's time differs from the last one's. */
function nextMillisecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 3));
}

/** A time strictly between two history entries. */
function between(earlier: Entry, later: Entry): string {
  const from = Date.parse(earlier.createdAt);
  const to = Date.parse(later.createdAt);
  expect(to - from).toBeGreaterThan(1);
  return new Date(Math.floor((from + to) / 2)).toISOString();
}

function millisecondsAfter(entry: Entry, ms: number): string {
  return new Date(Date.parse(entry.createdAt) + ms).toISOString();
}

describe('explainServed', () => {
  let app: TestApp;

  const explain = (
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<{ explainServed: Served }>> =>
    app.gql(EXPLAIN_SERVED, { environment: 'development', ...variables }, token);
  const served = async (key: string, context: unknown, at: string): Promise<Served> => {
    const response = await explain({ key, context, at });
    expect(response.errors).toBeUndefined();
    return response.data!.explainServed;
  };
  const mutate = async (name: string, input: Record<string, unknown>) => {
    const response = await app.gql(
      `mutation ($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { __typename } }`,
      { input: { environment: 'development', ...input } },
    );
    expect(response.errors).toBeUndefined();
    await nextMillisecond();
  };
  const historyOf = async (key: string): Promise<Entry[]> => {
    const response = await app.gql<{ configChanges: { edges: { node: Entry }[] } }>(CHANGES, {
      environment: 'development',
      filter: { configKey: key },
    });
    return response.data!.configChanges.edges.map((edge) => edge.node).reverse();
  };

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('a config edited three times, archived, deleted and created again', () => {
    const key = uniqueKey('checkout.banner');
    let entries: Entry[];

    beforeAll(async () => {
      await createConfig(app, { key, value: 'blue', defaultValue: 'grey' });
      await nextMillisecond();
      const edits: Record<string, unknown>[] = [
        { value: 'green' },
        { targetingRules: [BETA_RULE] },
        { rolloutPercentage: 0 },
      ];
      for (const [i, edit] of edits.entries()) {
        const response = await updateConfig(app, { key, expectedVersion: i + 1, ...edit });
        expect(response.errors).toBeUndefined();
        await nextMillisecond();
      }
      await mutate('archiveConfig', { key });
      await mutate('deleteConfig', { key });
      await createConfig(app, { key, value: 'reborn', defaultValue: 'grey' });
      entries = await historyOf(key);
      expect(entries.map((e) => [e.action, e.configVersion])).toEqual([
        ['CREATE', 1],
        ['UPDATE', 2],
        ['UPDATE', 3],
        ['UPDATE', 4],
        ['ARCHIVE', 5],
        ['DELETE', 5],
        ['CREATE', 1],
      ]);
    });

    it('answers FLAG_NOT_FOUND with no history entry before the config was created', async () => {
      const answer = await served(key, REGULAR, millisecondsAfter(entries[0], -1));
      expect(answer).toMatchObject({
        configState: 'NOT_CREATED',
        result: { value: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', version: 0 },
        explain: [],
        change: null,
        fetchLogRecords: [],
      });
    });

    it('serves the created value from the creation entry on, the same millisecond included', async () => {
      for (const at of [entries[0].createdAt, between(entries[0], entries[1])]) {
        const answer = await served(key, REGULAR, at);
        expect(answer).toMatchObject({
          configState: 'ACTIVE',
          result: { value: 'blue', reason: 'FALLTHROUGH', ruleId: null, version: 1 },
          change: { id: entries[0].id, action: 'CREATE', configVersion: 1 },
        });
        expect(answer.change!.actor.name).toEqual(expect.any(String));
        expect(answer.explain).toEqual([
          expect.objectContaining({ path: 'rolloutPercentage', kind: 'ROLLOUT', outcome: true }),
        ]);
      }
    });

    it('serves the edited value between the value change and the rule', async () => {
      const answer = await served(key, BETA, between(entries[1], entries[2]));
      expect(answer).toMatchObject({
        result: { value: 'green', reason: 'FALLTHROUGH', version: 2 },
        change: { id: entries[1].id },
      });
    });

    it('explains the rule that matched between the rule and the rollout change', async () => {
      const at = between(entries[2], entries[3]);
      const beta = await served(key, BETA, at);
      expect(beta).toMatchObject({
        result: { value: 'purple', reason: 'TARGETING_MATCH', ruleId: 'beta-testers', version: 3 },
        change: { id: entries[2].id },
      });
      expect(beta.explain).toEqual([
        expect.objectContaining({ kind: 'RULE', ruleId: 'beta-testers', outcome: true }),
        expect.objectContaining({
          kind: 'CONDITION',
          path: 'targetingRules[0].condition',
          attribute: 'user.beta',
          actual: true,
          outcome: true,
        }),
        expect.objectContaining({ kind: 'ROLLOUT', path: 'targetingRules[0].rolloutPercentage' }),
        expect.objectContaining({ kind: 'ROLLOUT', path: 'rolloutPercentage', reached: false }),
      ]);
      const regular = await served(key, REGULAR, at);
      expect(regular.result).toMatchObject({ value: 'green', reason: 'FALLTHROUGH', ruleId: null });
      expect(regular.explain[1]).toMatchObject({
        kind: 'CONDITION',
        outcome: false,
        detail: 'attribute missing',
      });
    });

    it('serves the default outside a 0% rollout after the rollout change', async () => {
      const answer = await served(key, REGULAR, between(entries[3], entries[4]));
      expect(answer).toMatchObject({
        configState: 'ACTIVE',
        result: { value: 'grey', reason: 'DEFAULT', version: 4 },
        change: { id: entries[3].id },
      });
      expect(answer.explain.at(-1)).toMatchObject({
        path: 'rolloutPercentage',
        outcome: false,
        detail: '0%: no subject',
      });
    });

    it('serves the default as DISABLED while archived', async () => {
      const answer = await served(key, BETA, between(entries[4], entries[5]));
      expect(answer).toMatchObject({
        configState: 'ARCHIVED',
        result: { value: 'grey', reason: 'DISABLED', ruleId: null, version: 5 },
        change: { id: entries[4].id, action: 'ARCHIVE' },
        explain: [expect.objectContaining({ kind: 'ARCHIVED' })],
      });
    });

    it('answers FLAG_NOT_FOUND with the delete entry while deleted', async () => {
      const answer = await served(key, REGULAR, between(entries[5], entries[6]));
      expect(answer).toMatchObject({
        configState: 'DELETED',
        result: { value: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', version: 0 },
        change: { id: entries[5].id, action: 'DELETE' },
        explain: [],
      });
    });

    it('answers now as live evaluation serves, for the config created again', async () => {
      const now = await served(key, BETA, new Date().toISOString());
      const live = await app.gql<{ evaluate: Served['result'][] }>(EVALUATE, {
        environment: 'development',
        context: BETA,
        keys: [key],
      });
      expect(now.result).toEqual(live.data!.evaluate[0]);
      expect(now).toMatchObject({
        result: { value: 'reborn', version: 1 },
        change: { id: entries[6].id },
      });
    });
  });

  describe('who may ask', () => {
    it('lets viewers ask, refuses sdk keys, and keeps a scoped key to its environment', async () => {
      const key = uniqueKey();
      await createConfig(app, { key, environment: 'production', value: 'prod-on' });
      const at = new Date().toISOString();
      const ask = (environment: string, token: string) =>
        explain({ environment, key, context: REGULAR, at }, token);
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      expect((await ask('production', viewer.token)).data?.explainServed.result.value).toBe(
        'prod-on',
      );
      const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'production' });
      expect(errorCode(await ask('production', sdk.token))).toBe('FORBIDDEN');
      const scoped = await createApiKey(app, { roles: ['EDITOR'], environment: 'production' });
      expect((await ask('production', scoped.token)).data?.explainServed.result.value).toBe(
        'prod-on',
      );
      const outside = await ask('development', scoped.token);
      expect(errorCode(outside)).toBe('FORBIDDEN');
      expect(outside.data).toBeNull();
    });
  });

  describe('bad input', () => {
    let key: string;
    beforeAll(async () => {
      key = (await createConfig(app)).key;
    });

    it('refuses a time in the future with BAD_USER_INPUT naming at', async () => {
      const response = await explain({
        key,
        context: REGULAR,
        at: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.validationErrors).toEqual([
        expect.objectContaining({ path: 'at', rule: 'notInFuture' }),
      ]);
    });

    it('refuses a time that is not a date-time', async () => {
      const response = await explain({ key, context: REGULAR, at: 'yesterday' });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.validationErrors).toEqual([
        expect.objectContaining({ path: 'at' }),
      ]);
    });

    it('checks the context as evaluate does', async () => {
      const at = new Date().toISOString();
      for (const context of [['user'], 'user-1', 42]) {
        const response = await explain({ key, context, at });
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
        expect(response.errors![0].extensions!.validationErrors).toEqual([
          expect.objectContaining({ path: 'context', rule: 'type' }),
        ]);
      }
      const nul = await explain({ key, context: { user: { id: 'a\u0000b' } }, at });
      expect(errorCode(nul)).toBe('BAD_USER_INPUT');
      expect(nul.errors![0].extensions!.validationErrors).toEqual([
        expect.objectContaining({ path: 'context.user.id', rule: 'noNul' }),
      ]);
    });

    it('answers NOT_FOUND for an unknown environment or a key with no history', async () => {
      const at = new Date().toISOString();
      const environment = await explain({ environment: 'nowhere', key, context: REGULAR, at });
      expect(errorCode(environment)).toBe('NOT_FOUND');
      const unknown = await explain({ key: uniqueKey('never'), context: REGULAR, at });
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      expect(unknown.errors![0].message).toMatch(/never.*not found/);
    });
  });
});
