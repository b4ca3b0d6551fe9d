import { hasRedis, startTestApp, TestApp } from '../support/test-app';

describe('health and metrics', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('reports liveness without a token', async () => {
    const response = await fetch(`${app.baseUrl}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness of the database and Redis', async () => {
    const response = await fetch(`${app.baseUrl}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      info: Record<string, { status: string }>;
    };
    expect(body.status).toBe('ok');
    expect(body.info.database.status).toBe('up');
    expect(body.info.redis).toEqual(
      hasRedis ? { status: 'up' } : { status: 'up', mode: 'in-process' },
    );
  });

  it('exports Prometheus metrics with GraphQL latency by operation', async () => {
    await app.gql('query WhoAmI { me { id } }');
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(
      /graphql_request_duration_seconds_count\{operation_type="query",operation_name="WhoAmI",outcome="ok"\} 1/,
    );
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('fails readiness once shutdown has begun', async () => {
    const other = await startTestApp({ shareWith: app });
    const { ShutdownState } = await import('../../src/core/health/shutdown-state');
    other.running.app.get(ShutdownState).begin();
    const response = await fetch(`${other.baseUrl}/health/ready`);
    expect(response.status).toBe(503);
    await other.close();
  });
});
