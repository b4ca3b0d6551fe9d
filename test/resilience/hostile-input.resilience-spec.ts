import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApiKey } from '../factories/api-key.factory';
import { configInput } from '../factories/config.factory';
import { errorCode, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';

const CREATE = `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { key } } }`;
const PREVIEW = `query ($input: PreviewEvaluationInput!) {
  previewEvaluation(input: $input) { result { reason } explain { path outcome reached } } }`;

type ValidationErrors = { path: string; rule: string; message: string }[];

/**
 * Sends a request to the app running in this process and reports the longest event-loop
 * stall seen meanwhile (every other request waits that long) and the CPU time the process
 * spent, which a loaded machine inflates less. Printed, never asserted (the machine is
 * shared); the tests assert the behaviour instead.
 */
async function measured<T>(
  what: string,
  send: () => Promise<GraphQLResponse<T>>,
): Promise<GraphQLResponse<T>> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const cpuBefore = process.cpuUsage();
  histogram.enable();
  try {
    return await send();
  } finally {
    histogram.disable();
    const cpu = process.cpuUsage(cpuBefore);
    console.log(
      `${what}: max event-loop delay ${(histogram.max / 1e6).toFixed(1)} ms` +
        ` (process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)`,
    );
  }
}

function validationErrors(response: GraphQLResponse): ValidationErrors {
  return (response.errors?.[0]?.extensions?.validationErrors ?? []) as ValidationErrors;
}

/** `depth` levels of `anyOf: [$ref next, $ref next]`: 2^depth paths in about 1 KB. */
function chainedAnyOf(depth: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) {
    const next = { $ref: `#/$defs/d${i + 1}` };
    defs[`d${i}`] = { anyOf: [next, next] };
  }
  defs[`d${depth}`] = { type: 'string' };
  return { $ref: '#/$defs/d0', $defs: defs };
}

describe('hostile input', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    // Warm up (first request, first schema compiled, first error mapped), so the figures are
    // the hostile input's; the second of each is printed as a baseline for this machine.
    for (const round of ['warm-up', 'baseline']) {
      const valid = await measured(`${round}: createConfig with a schema`, () =>
        app.gql(CREATE, { input: configInput({ validationSchema: { pattern: '^o' } }) }),
      );
      expect(valid.errors).toBeUndefined();
      const invalid = await measured(`${round}: createConfig refused by its schema`, () =>
        app.gql(CREATE, { input: configInput({ validationSchema: { pattern: '^x' } }) }),
      );
      expect(errorCode(invalid)).toBe('BAD_USER_INPUT');
    }
  });

  afterAll(async () => {
    await app.close();
  });

  it('runs a schema pattern that backtracks exponentially on RegExp in linear time (RE2)', async () => {
    const schema = { type: 'string', pattern: '^(a+)+$' };
    const response = await measured('schema pattern ^(a+)+$ on 29 a + "!"', () =>
      app.gql(CREATE, {
        input: configInput({
          validationSchema: schema,
          value: `${'a'.repeat(29)}!`,
          defaultValue: 'aaa',
        }),
      }),
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(validationErrors(response)).toEqual([
      expect.objectContaining({ path: 'value', rule: 'validationSchema' }),
    ]);
    const valid = await app.gql<{ createConfig: { config: { key: string } } }>(CREATE, {
      input: configInput({ validationSchema: schema, value: 'a'.repeat(29), defaultValue: 'a' }),
    });
    expect(valid.errors).toBeUndefined();
  });

  it('refuses a schema whose $ref chains expand exponentially, naming the limit', async () => {
    const schema = chainedAnyOf(18);
    const response = await measured(
      `chained anyOf/$ref schema (${JSON.stringify(schema).length} bytes)`,
      () =>
        app.gql(CREATE, {
          input: configInput({
            valueType: 'JSON',
            value: 5,
            defaultValue: 5,
            validationSchema: schema,
          }),
        }),
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(validationErrors(response)).toEqual([
      expect.objectContaining({
        path: 'validationSchema',
        rule: 'maxSchemaExpansion',
        message: expect.stringMatching(/expands to more than \d+ subschemas/),
      }),
    ]);
  });

  describe('previewEvaluation at its documented maxima (100 contexts, 100 rules)', () => {
    const rules = Array.from({ length: 100 }, (_, i) => ({
      id: `rule-${i}`,
      condition: {
        all: [
          { attribute: 'user.plan', operator: 'equals', value: `plan-${i}` },
          { attribute: 'user.country', operator: 'in', values: ['DE', 'FR', 'IT'] },
          { attribute: 'app.version', operator: 'semver_greater_than', value: '1.2.3' },
          { attribute: 'user.email', operator: 'matches', value: '@example\\.com$' },
        ],
      },
      value: `value-${i}`,
      rolloutPercentage: 50,
    }));
    const contexts = Array.from({ length: 100 }, (_, i) => ({
      user: { id: `user-${i}`, plan: 'none', country: 'DE', email: `u${i}@example.com` },
      app: { version: '2.0.0' },
    }));
    const draft = (targetingRules: unknown[]) =>
      configInput({ key: 'preview.limits', rolloutPercentage: 50, targetingRules });

    it('refuses past its cost budget with a clear error', async () => {
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      const response = await measured('previewEvaluation 100 contexts x 100 rules', () =>
        app.gql(PREVIEW, { input: { config: draft(rules), contexts } }, viewer.token),
      );
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(validationErrors(response)).toEqual([
        expect.objectContaining({
          path: 'input.contexts',
          rule: 'previewBudget',
          message: expect.stringMatching(/contexts × conditions/),
        }),
      ]);
    });

    it('answers within its budget', async () => {
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      const response = await measured('previewEvaluation 20 contexts x 20 rules', () =>
        app.gql<{ previewEvaluation: { explain: unknown[] }[] }>(
          PREVIEW,
          { input: { config: draft(rules.slice(0, 20)), contexts: contexts.slice(0, 20) } },
          viewer.token,
        ),
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.previewEvaluation).toHaveLength(20);
    });
  });
});
