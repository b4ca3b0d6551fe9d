import { TestApp } from '../support/test-app';

let sequence = 0;

export const CONFIG_FIELDS = `id key description valueType value defaultValue targetingRules rolloutPercentage
  stickiness minValue maxValue minLength maxLength pattern allowedValues validationSchema
  deploymentStrategy deploymentConfig version archivedAt updatedBy`;

export interface ConfigView {
  id: string;
  key: string;
  version: number;
  value: unknown;
  defaultValue: unknown;
  archivedAt: string | null;
  [field: string]: unknown;
}

export function uniqueKey(prefix = 'config'): string {
  sequence += 1;
  return `${prefix}.${sequence}.${Math.random().toString(36).slice(2, 8)}`;
}

/** A valid createConfig input: a string config unless overridden. */
export function configInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    environment: 'development',
    key: uniqueKey(),
    valueType: 'STRING',
    value: 'on',
    defaultValue: 'off',
    ...overrides,
  };
}

export async function createConfig(
  app: TestApp,
  overrides: Record<string, unknown> = {},
  token?: string,
) {
  const response = await app.gql<{ createConfig: { config: ConfigView } }>(
    `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { ${CONFIG_FIELDS} } } }`,
    { input: configInput(overrides) },
    token,
  );
  if (!response.data) throw new Error(`createConfig failed: ${JSON.stringify(response.errors)}`);
  return response.data.createConfig.config;
}

export function updateConfig(app: TestApp, input: Record<string, unknown>, token?: string) {
  return app.gql<{ updateConfig: { config: ConfigView } }>(
    `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { ${CONFIG_FIELDS} } } }`,
    { input: { environment: 'development', ...input } },
    token,
  );
}
