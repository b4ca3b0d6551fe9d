import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigsQuery, MeQuery } from './operations';
import { prefetch, takePrefetched } from './prefetch';

const me = { id: 'k1', name: 'admin', roles: ['ADMIN'], tokenPrefix: 'bc_', environment: null };
const page = (environment: string, after: string | null) => ({
  environment,
  filter: { archived: false },
  orderBy: { field: 'KEY', direction: 'ASC' } as const,
  first: 100,
  after,
});

describe('prefetch', () => {
  const sent: { authorization: string; operationName: string }[] = [];

  beforeEach(() => {
    sent.length = 0;
    vi.stubGlobal('window', { location: { protocol: 'http:', host: 'console.test' } });
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      const body = JSON.parse(init.body as string) as { operationName: string };
      sent.push({ authorization: headers.authorization, operationName: body.operationName });
      return new Response(JSON.stringify({ data: { me } }), {
        headers: { 'content-type': 'application/json' },
      });
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    // Nothing left over for the next test.
    takePrefetched('key-a', MeQuery, {});
    takePrefetched('key-a', ConfigsQuery, page('prod', null));
  });

  it('sends the query before anything asks, with the key, and hands its answer over once', async () => {
    prefetch('key-a', MeQuery, {});
    await vi.waitFor(() =>
      expect(sent).toEqual([{ authorization: 'Bearer key-a', operationName: 'Me' }]),
    );
    const result = await takePrefetched('key-a', MeQuery, {});
    expect(result?.data?.me).toEqual(me);
    expect(takePrefetched('key-a', MeQuery, {})).toBeUndefined();
    expect(sent).toHaveLength(1);
  });

  it('hands nothing over for another key, another query or other variables', () => {
    prefetch('key-a', ConfigsQuery, page('prod', null));
    expect(takePrefetched('key-b', ConfigsQuery, page('prod', null))).toBeUndefined();
    expect(takePrefetched(null, ConfigsQuery, page('prod', null))).toBeUndefined();
    expect(takePrefetched('key-a', MeQuery, {})).toBeUndefined();
    expect(takePrefetched('key-a', ConfigsQuery, page('staging', null))).toBeUndefined();
    expect(takePrefetched('key-a', ConfigsQuery, page('prod', 'cursor'))).toBeUndefined();
    expect(takePrefetched('key-a', ConfigsQuery, page('prod', null))).toBeDefined();
  });
});
