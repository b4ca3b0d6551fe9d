import canonicalize from 'canonicalize';
import { randomUUID } from 'node:crypto';
import { createApiKey } from '../factories/api-key.factory';
import {
  CONFIG_FIELDS,
  configInput,
  createConfig,
  updateConfig,
} from '../factories/config.factory';
import { errorCode, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';

const VERIFY = `query ($environment: String!) {
  verifyChangeHistory(environment: $environment) { valid checkedEntries firstBrokenEntryId } }`;
const EVALUATE = `query ($environment: String, $context: JSON!, $keys: [String!]) {
  evaluate(environment: $environment, context: $context, keys: $keys) { key value reason ruleId } }`;
const CREATE = `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { ${CONFIG_FIELDS} } } }`;
const CONFIG = `query ($environment: String!, $key: String!) { config(environment: $environment, key: $key) { value defaultValue version } }`;
const CHANGES = `query ($environment: String!, $configKey: String) {
  configChanges(environment: $environment, filter: { configKey: $configKey }) {
    edges { node { after diff } } } }`;

/** Members that a careless copy turns into a prototype or a constructor call. */
const HOSTILE = JSON.parse(
  '{"constructor": "x", "__proto__": 1, "nested": {"__proto__": {"polluted": true}, "constructor": {"prototype": 2}}}',
) as Record<string, unknown>;

function nest(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
}

function issues(response: GraphQLResponse) {
  return response.errors?.[0]?.extensions?.validationErrors as
    { path: string; rule: string }[] | undefined;
}

describe('inputs', () => {
  let app: TestApp;
  const ofrep = (body: string, token: string) =>
    fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  describe('text is well-formed Unicode without NUL', () => {
    it('refuses a comment with a lone surrogate, names the path, writes nothing and keeps the history verifiable', async () => {
      const config = await createConfig(app, { environment: 'production' });
      // JSON.stringify keeps a lone surrogate as the escape "\ud800", as a client would send it.
      const response = await updateConfig(app, {
        environment: 'production',
        key: config.key,
        expectedVersion: 1,
        value: 'next',
        comment: 'bad \ud800',
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(issues(response)).toEqual([
        expect.objectContaining({ path: 'input.comment', rule: 'wellFormedUnicode' }),
      ]);
      const stored = await app.gql<{ config: { version: number } }>(CONFIG, {
        environment: 'production',
        key: config.key,
      });
      expect(stored.data!.config.version).toBe(1);
      const verified = await app.gql<{ verifyChangeHistory: { valid: boolean } }>(VERIFY, {
        environment: 'production',
      });
      expect(verified.data!.verifyChangeHistory.valid).toBe(true);
    });

    it('refuses NUL in a JSON value, a key, a plain String argument and an evaluate context', async () => {
      const value = await app.gql(CREATE, {
        input: configInput({ valueType: 'JSON', value: { title: 'a\u0000b' }, defaultValue: {} }),
      });
      expect(errorCode(value)).toBe('BAD_USER_INPUT');
      expect(issues(value)).toEqual([
        expect.objectContaining({ path: 'input.value.title', rule: 'noNul' }),
      ]);

      const key = await app.gql(CREATE, { input: configInput({ key: 'a\u0000' }) });
      expect(issues(key)).toEqual([expect.objectContaining({ path: 'input.key', rule: 'noNul' })]);

      const environment = await app.gql(`query ($key: String!) { environment(key: $key) { id } }`, {
        key: 'prod\u0000',
      });
      expect(errorCode(environment)).toBe('BAD_USER_INPUT');
      expect(issues(environment)).toEqual([
        expect.objectContaining({ path: 'key', rule: 'noNul' }),
      ]);

      const context = await app.gql(EVALUATE, {
        environment: 'development',
        context: { user: { id: 'u\udc00' }, ['na\u0000me']: 1 },
      });
      expect(errorCode(context)).toBe('BAD_USER_INPUT');
      expect(issues(context)).toEqual([
        expect.objectContaining({ path: 'context.user.id', rule: 'wellFormedUnicode' }),
        expect.objectContaining({ path: 'context["na\\u0000me"]', rule: 'noNul' }),
      ]);
    });

    it('refuses an OFREP context with a lone surrogate or NUL', async () => {
      const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
      for (const body of [
        '{"context": {"targetingKey": "u-\\ud800"}}',
        '{"context": {"plan": "a\\u0000"}}',
      ]) {
        const response = await ofrep(body, sdk.token);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({
          errorCode: 'INVALID_CONTEXT',
          errorDetails: expect.stringMatching(/^context\.(targetingKey|plan): /),
        });
      }
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      const named = await fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags?environment=dev%00`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer.token}` },
        body: '{"context": {}}',
      });
      expect(named.status).toBe(400);
    });
  });

  describe('JSON arrives as sent', () => {
    it('stores and returns __proto__ and constructor members of a JSON value faithfully', async () => {
      const created = await app.gql<{ createConfig: { config: { key: string; value: unknown } } }>(
        CREATE,
        { input: configInput({ valueType: 'JSON', value: HOSTILE, defaultValue: HOSTILE }) },
      );
      expect(created.errors).toBeUndefined();
      const { key, value } = created.data!.createConfig.config;
      expect(canonicalize(value)).toBe(canonicalize(HOSTILE));

      const read = await app.gql<{ config: { value: unknown; defaultValue: unknown } }>(CONFIG, {
        environment: 'development',
        key,
      });
      expect(canonicalize(read.data!.config.value)).toBe(canonicalize(HOSTILE));
      expect(canonicalize(read.data!.config.defaultValue)).toBe(canonicalize(HOSTILE));

      const changes = await app.gql<{
        configChanges: { edges: { node: { after: { value: unknown } } }[] };
      }>(CHANGES, { environment: 'development', configKey: key });
      expect(canonicalize(changes.data!.configChanges.edges[0].node.after.value)).toBe(
        canonicalize(HOSTILE),
      );

      const evaluated = await app.gql<{ evaluate: { value: unknown }[] }>(EVALUATE, {
        environment: 'development',
        context: {},
        keys: [key],
      });
      expect(canonicalize(evaluated.data!.evaluate[0].value)).toBe(canonicalize(HOSTILE));
      const verified = await app.gql<{ verifyChangeHistory: { valid: boolean } }>(VERIFY, {
        environment: 'development',
      });
      expect(verified.data!.verifyChangeHistory.valid).toBe(true);
    });

    it('evaluates a context holding constructor and __proto__ members, which no rule can name', async () => {
      const config = await createConfig(app, {
        targetingRules: [
          {
            id: 'beta',
            condition: { attribute: 'user.plan', operator: 'equals', value: 'beta' },
            value: 'beta',
          },
        ],
      });
      const context = JSON.parse(
        '{"constructor": "x", "__proto__": {"plan": "beta"}, "user": {"plan": "beta", "constructor": {"name": "y"}}}',
      ) as unknown;
      const response = await app.gql<{ evaluate: { value: unknown; ruleId: string }[] }>(EVALUATE, {
        environment: 'development',
        context,
        keys: [config.key],
      });
      expect(response.errors).toBeUndefined();
      expect(response.data!.evaluate[0]).toMatchObject({ value: 'beta', ruleId: 'beta' });

      const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
      const answer = await ofrep(
        '{"context": {"targetingKey": "u-1", "constructor": "x", "user": {"plan": "beta", "__proto__": 1}}}',
        sdk.token,
      );
      expect(answer.status).toBe(200);
    });

    it('refuses JSON nested beyond 64 levels with BAD_USER_INPUT, in values, contexts and OFREP bodies', async () => {
      const created = await app.gql(CREATE, {
        input: configInput({ valueType: 'JSON', value: nest(3000), defaultValue: {} }),
      });
      expect(errorCode(created)).toBe('BAD_USER_INPUT');
      expect(issues(created)).toEqual([
        expect.objectContaining({
          path: expect.stringMatching(/^input\.value\.a\.a/),
          rule: 'maxDepth',
        }),
      ]);
      const within = await app.gql(CREATE, {
        input: configInput({ valueType: 'JSON', value: nest(63), defaultValue: {} }),
      });
      expect(within.errors).toBeUndefined();

      const evaluated = await app.gql(EVALUATE, {
        environment: 'development',
        context: nest(3000),
      });
      expect(errorCode(evaluated)).toBe('BAD_USER_INPUT');
      expect(issues(evaluated)).toEqual([expect.objectContaining({ rule: 'maxDepth' })]);

      const literal = `query { evaluate(environment: "development", context: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}) { key } }`;
      const inline = await app.gql(literal);
      expect(errorCode(inline)).toBe('BAD_USER_INPUT');

      const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
      const answer = await ofrep(JSON.stringify({ context: nest(3000) }), sdk.token);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringContaining('at most 64 levels'),
      });
    });
  });

  describe('query arguments', () => {
    it('refuses an id that is not a UUID with BAD_USER_INPUT at path id, and answers NOT_FOUND for an unknown one', async () => {
      for (const field of ['alert', 'approval', 'deployment']) {
        for (const id of ['x', "1' OR '1'='1", `${randomUUID()}x`, 'x'.repeat(10_000)]) {
          const response = await app.gql(`query ($id: ID!) { ${field}(id: $id) { id } }`, { id });
          expect({ field, code: errorCode(response) }).toEqual({ field, code: 'BAD_USER_INPUT' });
          expect(issues(response)).toEqual([
            expect.objectContaining({ path: 'id', rule: 'isUuid' }),
          ]);
          expect(JSON.stringify(response).length).toBeLessThan(2_000);
        }
        const inline = await app.gql(`{ ${field}(id: "x") { id } }`);
        expect(errorCode(inline)).toBe('BAD_USER_INPUT');
        const unknown = await app.gql(`{ ${field}(id: "${randomUUID()}") { id } }`);
        expect({ field, code: errorCode(unknown) }).toEqual({ field, code: 'NOT_FOUND' });
      }
    });

    it('holds keys and environments to the lengths writes allow, and never repeats a long value in an error', async () => {
      const long = 'a'.repeat(900_000);
      const refusals: [string, Record<string, unknown>, string][] = [
        [CONFIG, { environment: 'production', key: long }, 'key'],
        [CONFIG, { environment: 'production', key: 'a'.repeat(129) }, 'key'],
        [CONFIG, { environment: long, key: 'k' }, 'environment'],
        [`query ($key: String!) { environment(key: $key) { id } }`, { key: long }, 'key'],
        [`query ($key: String!) { environment(key: $key) { id } }`, { key: 'a'.repeat(64) }, 'key'],
        [
          `query ($environment: String!) { approvalPolicies(environment: $environment) { name } }`,
          { environment: long },
          'environment',
        ],
        [
          `query ($key: String!) { governingApprovalPolicy(environment: "production", key: $key) { name } }`,
          { key: long },
          'key',
        ],
        [
          `query ($key: String!) { experiment(environment: "production", key: $key) { id } }`,
          { key: long },
          'key',
        ],
        [
          `query ($key: String!) { experimentResults(environment: "production", key: $key) { experimentKey } }`,
          { key: 'a'.repeat(201) },
          'key',
        ],
      ];
      for (const [query, variables, path] of refusals) {
        const response = await app.gql(query, variables);
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
        expect(issues(response)).toEqual([expect.objectContaining({ path, rule: 'maxLength' })]);
        expect(JSON.stringify(response).length).toBeLessThan(2_000);
      }
      // As long as a key may be: simply not there.
      const missing = await app.gql(CONFIG, { environment: 'production', key: 'a'.repeat(128) });
      expect(errorCode(missing)).toBe('NOT_FOUND');
      const environment = await app.gql(`{ environment(key: "${'a'.repeat(63)}") { id } }`);
      expect(errorCode(environment)).toBe('NOT_FOUND');
      const experiment = await app.gql(
        `{ experiment(environment: "production", key: "${'a'.repeat(200)}") { id } }`,
      );
      expect(errorCode(experiment)).toBe('NOT_FOUND');
      expect(experiment.errors?.[0].message.length).toBeLessThan(150);
    });
  });

  describe('DateTime arguments', () => {
    const CHANGES_FROM = `query ($from: DateTime) {
      configChanges(environment: "production", filter: { from: $from }, first: 1) { edges { node { id } } } }`;

    it('refuses what is not an ISO 8601 date-time with a zone on a real day, naming the format', async () => {
      for (const from of [
        '2024-02-30T00:00:00Z',
        '2023-02-29T12:00:00Z',
        '2024-02-30',
        '2024-01-01',
        '2024-01-01T10:00:00',
        '2024-01-01 10:00 PST',
        '1',
        '',
        12345,
        0,
        true,
        { at: '2024-01-01T00:00:00Z' },
      ]) {
        const response = await app.gql(CHANGES_FROM, { from });
        expect({ from, code: errorCode(response) }).toEqual({ from, code: 'BAD_USER_INPUT' });
        expect(issues(response)).toEqual([expect.objectContaining({ path: 'from', rule: 'type' })]);
        expect(response.errors![0].message).toContain('ISO 8601 date-time with a time zone');
      }
      // Inline, a literal of the wrong type fails validation, as an Int or an enum does.
      const inline = await app.gql(
        `{ configChanges(environment: "production", filter: { from: "2024-02-30T00:00:00Z" }) { edges { node { id } } } }`,
      );
      expect(errorCode(inline)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(inline.errors![0].message).toContain('ISO 8601 date-time with a time zone');
    });

    it('takes date-times with Z, an offset, fractions or no seconds, and leap days', async () => {
      for (const from of [
        '2024-02-29T00:00:00Z',
        '2024-01-01T10:00:00+01:00',
        '2024-01-01T10:00-05:30',
        '2024-01-01T10:00:00.123456Z',
        '2024-01-01t10:00:00z',
      ]) {
        const response = await app.gql(CHANGES_FROM, { from });
        expect({ from, errors: response.errors }).toEqual({ from, errors: undefined });
      }
      const inline = await app.gql(
        `{ configChanges(environment: "production", filter: { from: "2024-02-29T00:00:00Z" }) { edges { node { id } } } }`,
      );
      expect(inline.errors).toBeUndefined();
    });

    it('still refuses times outside the years 1000 to 9999 by their range', async () => {
      for (const from of ['0999-12-31T23:59:59Z', '+010000-01-01T00:00:00Z']) {
        const response = await app.gql(CHANGES_FROM, { from });
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
        expect(issues(response)).toEqual([
          expect.objectContaining({ path: 'filter.from', rule: 'dateRange' }),
        ]);
      }
    });
  });
});
