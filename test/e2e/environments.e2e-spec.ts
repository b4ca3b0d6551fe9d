import { errorCode, startTestApp, TestApp } from '../support/test-app';

describe('environments', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('has development and production after the first start', async () => {
    const response = await app.gql<{ environments: { key: string; revision: number }[] }>(
      '{ environments { key name revision } }',
    );
    expect(response.data?.environments).toEqual([
      { key: 'development', name: 'Development', revision: 0 },
      { key: 'production', name: 'Production', revision: 0 },
    ]);
  });

  it('creates, reads and renames an environment', async () => {
    const created = await app.gql<{
      createEnvironment: { environment: { key: string; name: string } };
    }>(
      `mutation { createEnvironment(input: { key: "staging", name: "Staging" }) { environment { key name revision } } }`,
    );
    expect(created.data?.createEnvironment.environment).toEqual({
      key: 'staging',
      name: 'Staging',
      revision: 0,
    });
    const updated = await app.gql<{ updateEnvironment: { environment: { name: string } } }>(
      `mutation { updateEnvironment(input: { key: "staging", name: "Pre-production" }) { environment { name } } }`,
    );
    expect(updated.data?.updateEnvironment.environment.name).toBe('Pre-production');
    const read = await app.gql<{ environment: { name: string } }>(
      '{ environment(key: "staging") { name } }',
    );
    expect(read.data?.environment.name).toBe('Pre-production');
  });

  it('refuses a name with a line break, on create and rename', async () => {
    const create = await app.gql(
      `mutation ($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id } } }`,
      { input: { key: 'two-lines', name: 'Two\r\nlines' } },
    );
    expect(errorCode(create)).toBe('BAD_USER_INPUT');
    expect(create.errors?.[0].extensions?.validationErrors).toEqual([
      expect.objectContaining({ path: 'input.name' }),
    ]);
    const rename = await app.gql(
      `mutation ($input: UpdateEnvironmentInput!) { updateEnvironment(input: $input) { environment { id } } }`,
      { input: { key: 'production', name: 'Prod\nuction' } },
    );
    expect(errorCode(rename)).toBe('BAD_USER_INPUT');
    const read = await app.gql<{ environment: { name: string } | null }>(
      '{ environment(key: "production") { name } }',
    );
    expect(read.data?.environment?.name).toBe('Production');
  });

  it('refuses a duplicate key with CONFLICT', async () => {
    const response = await app.gql(
      `mutation { createEnvironment(input: { key: "production", name: "Again" }) { environment { id } } }`,
    );
    expect(errorCode(response)).toBe('CONFLICT');
  });

  it('answers NOT_FOUND for an unknown environment', async () => {
    expect(errorCode(await app.gql('{ environment(key: "nowhere") { id } }'))).toBe('NOT_FOUND');
    expect(
      errorCode(
        await app.gql(
          `mutation { updateEnvironment(input: { key: "nowhere", name: "X" }) { environment { id } } }`,
        ),
      ),
    ).toBe('NOT_FOUND');
  });
});
