import { TestApp } from '../support/test-app';

let sequence = 0;

export interface CreatedKey {
  id: string;
  token: string;
}

/** Creates an API key through GraphQL as the app's admin. */
export async function createApiKey(
  app: TestApp,
  overrides: { name?: string; roles?: string[]; environment?: string } = {},
): Promise<CreatedKey> {
  sequence += 1;
  const response = await app.gql<{ createApiKey: { apiKey: { id: string }; token: string } }>(
    `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }`,
    {
      input: {
        name: overrides.name ?? `key ${sequence}`,
        roles: overrides.roles ?? ['VIEWER'],
        ...(overrides.environment ? { environment: overrides.environment } : {}),
      },
    },
  );
  if (!response.data) throw new Error(`createApiKey failed: ${JSON.stringify(response.errors)}`);
  return { id: response.data.createApiKey.apiKey.id, token: response.data.createApiKey.token };
}
