import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { errorCode, startTestApp, TestApp } from '../support/test-app';

const EVALUATE = `query ($environment: String, $context: JSON!, $keys: [String!]) {
  evaluate(environment: $environment, context: $context, keys: $keys) { key value reason ruleId version errorCode } }`;
type Result = {
  key: string;
  value: unknown;
  reason: string;
  ruleId: string | null;
  version: number;
  errorCode: string | null;
};

describe('evaluate', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves targeting matches, the rollout and the default, with reasons', async () => {
    const config = await createConfig(app, {
      environment: 'production',
      value: 'rollout',
      defaultValue: 'default',
      rolloutPercentage: 0,
      targetingRules: [
        {
          id: 'pro-in-eu',
          condition: {
            all: [
              { attribute: 'user.plan', operator: 'equals', value: 'pro' },
              { attribute: 'user.country', operator: 'in', values: ['DE', 'FR'] },
            ],
          },
          value: 'eu-pro',
        },
      ],
    });
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'production' });
    const evaluate = async (context: unknown) =>
      (await app.gql<{ evaluate: Result[] }>(EVALUATE, { context, keys: [config.key] }, sdk.token))
        .data!.evaluate[0];
    expect(await evaluate({ user: { id: 'u1', plan: 'pro', country: 'DE' } })).toMatchObject({
      value: 'eu-pro',
      reason: 'TARGETING_MATCH',
      ruleId: 'pro-in-eu',
      version: 1,
    });
    expect(await evaluate({ user: { id: 'u1', plan: 'free', country: 'DE' } })).toMatchObject({
      value: 'default',
      reason: 'DEFAULT',
      ruleId: null,
    });
  });

  it('answers FLAG_NOT_FOUND for an unknown key and evaluates all configs when no keys are given', async () => {
    const a = await createConfig(app, { environment: 'development' });
    const all = await app.gql<{ evaluate: Result[] }>(EVALUATE, {
      environment: 'development',
      context: { user: { id: '1' } },
    });
    expect(all.data!.evaluate.map((r) => r.key)).toContain(a.key);
    const unknown = await app.gql<{ evaluate: Result[] }>(EVALUATE, {
      environment: 'development',
      context: {},
      keys: ['no.such.flag'],
    });
    expect(unknown.data!.evaluate).toEqual([
      {
        key: 'no.such.flag',
        value: null,
        reason: 'ERROR',
        ruleId: null,
        version: 0,
        errorCode: 'FLAG_NOT_FOUND',
      },
    ]);
  });

  it('serves a committed change at once', async () => {
    const config = await createConfig(app, { environment: 'development', value: 'v1' });
    const read = async () =>
      (
        await app.gql<{ evaluate: Result[] }>(EVALUATE, {
          environment: 'development',
          context: {},
          keys: [config.key],
        })
      ).data!.evaluate[0];
    expect(await read()).toMatchObject({ value: 'v1', version: 1, reason: 'FALLTHROUGH' });
    await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'v2' });
    expect(await read()).toMatchObject({ value: 'v2', version: 2 });
    await app.gql(
      `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { id } } }`,
      {
        input: { environment: 'development', key: config.key },
      },
    );
    expect(await read()).toMatchObject({ value: 'off', reason: 'DISABLED', version: 3 });
  });

  it('reads the in-memory snapshot: no database round trip per evaluation', async () => {
    const config = await createConfig(app, { environment: 'development' });
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    const context = { user: { id: 'warm' } };
    // Warm up: the snapshot loads, and the key's last-used time is written (once a minute).
    await app.gql(EVALUATE, { context, keys: [config.key] }, sdk.token);
    await app.gql(EVALUATE, { context, keys: [config.key] }, sdk.token);
    const pool = (
      app.running.app.get(DataSource).driver as unknown as { master: NodeJS.EventEmitter }
    ).master;
    // The SQL run while evaluating. Counting pool checkouts instead made this test flaky:
    // background work (the outbox sweep every few seconds, an auth cache entry expiring)
    // uses the database too whenever the loop runs long on a busy machine.
    type Query = (config: unknown, ...rest: unknown[]) => unknown;
    const statements: string[] = [];
    const originals = new Map<{ query: Query }, Query>();
    const watch = (client: { query: Query }) => {
      if (originals.has(client)) return;
      const query = client.query;
      originals.set(client, query);
      client.query = (config, ...rest) => {
        statements.push(
          typeof config === 'string' ? config : String((config as { text?: unknown })?.text),
        );
        return query.call(client, config, ...rest);
      };
    };
    pool.on('acquire', watch);
    try {
      for (let i = 0; i < 50; i += 1) {
        const response = await app.gql<{ evaluate: Result[] }>(
          EVALUATE,
          { context: { user: { id: `u${i}` } } },
          sdk.token,
        );
        expect(response.data!.evaluate.length).toBeGreaterThan(0);
      }
    } finally {
      pool.off('acquire', watch);
      for (const [client, query] of originals) client.query = query;
    }
    expect(statements.filter((sql) => /\b(business_config|environment)\b/.test(sql))).toEqual([]);
  });

  it('keeps sdk keys in their environment and asks other keys to name one', async () => {
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    expect(
      errorCode(await app.gql(EVALUATE, { environment: 'production', context: {} }, sdk.token)),
    ).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(EVALUATE, { context: {} }))).toBe('BAD_USER_INPUT');
    expect(
      errorCode(await app.gql(EVALUATE, { environment: 'development', context: [1, 2] })),
    ).toBe('BAD_USER_INPUT');
  });

  it('answers a query it has compiled (graphql-jit) exactly as graphql-js did, errors too', async () => {
    const config = await createConfig(app, {
      environment: 'production',
      value: 'on',
      defaultValue: 'off',
      rolloutPercentage: 50,
      targetingRules: [
        {
          id: 'pro',
          condition: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
          value: 'pro',
        },
      ],
    });
    // A query of its own: hot (compiled) from its third run on.
    const query = EVALUATE.replace('errorCode }', 'errorCode variant }');
    const contexts = [{ user: { plan: 'pro' } }, { user: { id: 'u7' } }, {}];
    const variables = (context: object) => ({
      environment: 'production',
      context,
      keys: [config.key, 'jit.unknown'],
    });
    const first = await Promise.all(contexts.map((c) => app.gql(query, variables(c))));
    for (let run = 0; run < 4; run += 1) {
      for (const [i, context] of contexts.entries()) {
        expect(await app.gql(query, variables(context))).toEqual(first[i]);
      }
      expect(errorCode(await app.gql(query, { context: {} }))).toBe('BAD_USER_INPUT');
    }
  });

  describe('previewEvaluation', () => {
    const PREVIEW = `query ($input: PreviewEvaluationInput!) {
      previewEvaluation(input: $input) {
        context
        result { key value reason ruleId version }
        explain { path kind reached outcome ruleId attribute operator actual detail }
      } }`;
    type Preview = {
      context: unknown;
      result: Result;
      explain: {
        path: string;
        kind: string;
        reached: boolean;
        outcome: boolean;
        ruleId: string | null;
        attribute: string | null;
        operator: string | null;
        actual: unknown;
        detail: string | null;
      }[];
    };
    const draft = {
      environment: 'development',
      key: 'preview.draft',
      valueType: 'STRING',
      value: 'everyone',
      defaultValue: 'nobody',
      rolloutPercentage: 0,
      targetingRules: [
        {
          id: 'eu-pro',
          condition: {
            all: [
              { attribute: 'user.plan', operator: 'equals', value: 'pro' },
              {
                any: [
                  { attribute: 'user.country', operator: 'in', values: ['DE', 'FR'] },
                  { attribute: 'app.version', operator: 'semver_greater_than', value: '2.0' },
                ],
              },
            ],
          },
          value: 'eu-pro',
        },
      ],
    };

    it('evaluates an unsaved draft per context and explains the path evaluation took', async () => {
      const response = await app.gql<{ previewEvaluation: Preview[] }>(PREVIEW, {
        input: {
          config: draft,
          contexts: [
            { user: { id: 'a', plan: 'pro', country: 'DE' } },
            { user: { id: 'b', plan: 'free', country: 'DE' } },
            { user: { id: 'c', plan: 'pro', country: 'US' } },
          ],
        },
      });
      if (!response.data) throw new Error(JSON.stringify(response.errors));
      const [match, miss, missingVersion] = response.data.previewEvaluation;
      expect(match.result).toMatchObject({
        value: 'eu-pro',
        reason: 'TARGETING_MATCH',
        ruleId: 'eu-pro',
        version: 0,
      });
      expect(match.explain.map((s) => [s.path, s.kind, s.reached, s.outcome])).toEqual([
        ['targetingRules[0]', 'RULE', true, true],
        ['targetingRules[0].condition', 'ALL', true, true],
        ['targetingRules[0].condition.all[0]', 'CONDITION', true, true],
        ['targetingRules[0].condition.all[1]', 'ANY', true, true],
        ['targetingRules[0].condition.all[1].any[0]', 'CONDITION', true, true],
        ['targetingRules[0].condition.all[1].any[1]', 'CONDITION', false, false],
        ['targetingRules[0].rolloutPercentage', 'ROLLOUT', true, true],
        ['rolloutPercentage', 'ROLLOUT', false, false],
      ]);
      expect(match.explain[2]).toMatchObject({
        attribute: 'user.plan',
        operator: 'equals',
        actual: 'pro',
      });
      expect(match.explain[5]).toMatchObject({
        attribute: 'app.version',
        detail: 'not reached: targetingRules[0].condition.all[1].any[0] holds',
      });
      expect(missingVersion.explain[5]).toMatchObject({
        reached: true,
        outcome: false,
        attribute: 'app.version',
        actual: null,
        detail: 'attribute missing',
      });
      expect(missingVersion.explain.slice(-2)).toMatchObject([
        { path: 'targetingRules[0].rolloutPercentage', reached: false },
        { path: 'rolloutPercentage', reached: true, outcome: false },
      ]);
      expect(miss.result).toMatchObject({ value: 'nobody', reason: 'DEFAULT' });
      expect(miss.explain[0]).toMatchObject({ kind: 'RULE', outcome: false });
      expect(miss.explain[2]).toMatchObject({ reached: true, outcome: false, actual: 'free' });
      expect(miss.explain[3]).toMatchObject({ reached: false, outcome: false });
      // Nothing was saved.
      const stored = await app.gql(
        `query { config(environment: "development", key: "preview.draft") { id } }`,
      );
      expect(errorCode(stored)).toBe('NOT_FOUND');
    });

    it('previews changes over a stored config and explains rollout buckets', async () => {
      const config = await createConfig(app, { environment: 'development', value: 'stored' });
      const response = await app.gql<{ previewEvaluation: Preview[] }>(PREVIEW, {
        input: {
          config: { environment: 'development', key: config.key, rolloutPercentage: 50 },
          contexts: [{ user: { id: 'someone' } }, {}],
        },
      });
      const [withId, withoutId] = response.data!.previewEvaluation;
      expect(withId.result.version).toBe(1);
      expect(withId.explain).toEqual([
        expect.objectContaining({
          kind: 'ROLLOUT',
          detail: expect.stringMatching(/^bucket \d+ of 10000 for "someone"/),
        }),
      ]);
      expect(withId.result.value).toBe(withId.explain[0].outcome ? 'stored' : 'off');
      expect(withoutId.explain[0]).toMatchObject({
        outcome: false,
        detail: expect.stringMatching(/no stickiness value/),
      });
    });

    it('refuses a preview over its budget of explain steps, naming it', async () => {
      const targetingRules = Array.from({ length: 25 }, (_, i) => ({
        id: `r${i}`,
        condition: { attribute: 'user.plan', operator: 'equals', value: `p${i}` },
        value: `v${i}`,
      }));
      const contexts = Array.from({ length: 100 }, (_, i) => ({ user: { id: `u${i}` } }));
      const response = await app.gql(PREVIEW, {
        input: { config: { ...draft, targetingRules }, contexts },
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.validationErrors).toEqual([
        {
          path: 'input.contexts',
          rule: 'previewBudget',
          message: expect.stringContaining('100 contexts × 76 steps is 7600'),
        },
      ]);
      const within = await app.gql<{ previewEvaluation: Preview[] }>(PREVIEW, {
        input: { config: { ...draft, targetingRules }, contexts: contexts.slice(0, 26) },
      });
      expect(within.data!.previewEvaluation).toHaveLength(26);
    });

    it('refuses an invalid draft or context with every problem named', async () => {
      const response = await app.gql(PREVIEW, {
        input: {
          config: {
            ...draft,
            targetingRules: [
              { id: 'x', condition: { attribute: 'a', operator: 'nope' }, value: 1 },
            ],
          },
          contexts: [{}, 'not an object'],
        },
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      const paths = (response.errors![0].extensions!.validationErrors as { path: string }[]).map(
        (e) => e.path,
      );
      expect(paths).toEqual([
        'input.contexts[1]',
        'input.config.targetingRules[0].condition.operator',
        'input.config.targetingRules[0].value',
      ]);
      const tooMany = await app.gql(PREVIEW, {
        input: { config: draft, contexts: Array.from({ length: 101 }, () => ({})) },
      });
      expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    });
  });
});
