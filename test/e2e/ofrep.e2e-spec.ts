import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { startTestApp, TestApp } from '../support/test-app';

describe('OFREP (OpenFeature Remote Evaluation Protocol)', () => {
  let app: TestApp;
  let sdkToken: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${sdkToken}`,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await startTestApp();
    sdkToken = (await createApiKey(app, { roles: ['SDK'], environment: 'production' })).token;
  });

  afterAll(async () => {
    await OpenFeature.close();
    await app.close();
  });

  it('works with the OpenFeature server SDK and its OFREP provider, unchanged', async () => {
    const banner = await createConfig(app, {
      environment: 'production',
      valueType: 'BOOLEAN',
      value: false,
      defaultValue: false,
      targetingRules: [
        {
          id: 'beta',
          condition: { attribute: 'user.plan', operator: 'equals', value: 'beta' },
          value: true,
        },
      ],
    });
    const price = await createConfig(app, {
      environment: 'production',
      valueType: 'DECIMAL',
      value: '19.99',
      defaultValue: '24.50',
    });
    const title = await createConfig(app, { environment: 'production', value: 'Hello' });
    await OpenFeature.setProviderAndWait(
      'ofrep-test',
      new OFREPProvider({ baseUrl: app.baseUrl, headers: { Authorization: `Bearer ${sdkToken}` } }),
    );
    const client = OpenFeature.getClient('ofrep-test');

    const beta = await client.getBooleanDetails(banner.key, false, {
      targetingKey: 'u-1',
      user: { plan: 'beta' },
    });
    expect(beta).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      flagMetadata: { ruleId: 'beta', version: 1, reason: 'TARGETING_MATCH' },
    });
    expect(beta.errorCode).toBeUndefined();
    expect(await client.getBooleanValue(banner.key, true, { targetingKey: 'u-2' })).toBe(false);
    expect(await client.getNumberDetails(price.key, 0, { targetingKey: 'u-1' })).toMatchObject({
      value: 19.99,
      flagMetadata: { decimal: '19.99' },
    });
    expect(await client.getStringValue(title.key, 'fallback', { targetingKey: 'u-1' })).toBe(
      'Hello',
    );

    const missing = await client.getStringDetails('no.such.flag', 'fallback', {
      targetingKey: 'u',
    });
    expect(missing).toMatchObject({ value: 'fallback', errorCode: 'FLAG_NOT_FOUND' });
    const mismatch = await client.getNumberDetails(title.key, 7, { targetingKey: 'u' });
    expect(mismatch).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
  });

  it('buckets by targetingKey, whatever attribute a config sticks to', async () => {
    const config = await createConfig(app, {
      environment: 'production',
      stickiness: 'device.id',
      rolloutPercentage: 50,
      value: 'in',
      defaultValue: 'out',
    });
    const seen = new Map<string, string>();
    for (let i = 0; i < 40; i += 1) {
      const response = await post(`/${config.key}`, { context: { targetingKey: `subject-${i}` } });
      const body = (await response.json()) as { value: string };
      expect(response.status).toBe(200);
      seen.set(`subject-${i}`, body.value);
      // The same subject named by the attribute itself lands in the same bucket.
      const same = await post(`/${config.key}`, { context: { device: { id: `subject-${i}` } } });
      expect(((await same.json()) as { value: string }).value).toBe(body.value);
    }
    expect(new Set(seen.values())).toEqual(new Set(['in', 'out']));
  });

  it('answers bulk evaluation with an ETag, and 304 when nothing changed', async () => {
    const config = await createConfig(app, { environment: 'production', value: 'v1' });
    const context = { context: { targetingKey: 'etag-user' } };
    const first = await post('', context);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const body = (await first.json()) as { flags: unknown[] };
    expect(body.flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: config.key, value: 'v1', reason: 'STATIC' }),
      ]),
    );
    const again = await post('', context, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    await updateConfig(app, {
      environment: 'production',
      key: config.key,
      expectedVersion: 1,
      value: 'v2',
    });
    const changed = await post('', context, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('answers bad requests in OFREP error shapes', async () => {
    const config = await createConfig(app, { environment: 'production' });
    const notFound = await post('/no.such.flag', { context: {} });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({
      key: 'no.such.flag',
      errorCode: 'FLAG_NOT_FOUND',
    });

    const badContext = await post(`/${config.key}`, { context: [1, 2] });
    expect(badContext.status).toBe(400);
    expect(await badContext.json()).toMatchObject({
      key: config.key,
      errorCode: 'INVALID_CONTEXT',
    });

    const badKey = await post(`/${config.key}`, { context: { targetingKey: 42 } });
    expect(await badKey.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' });

    for (const path of ['/a%ZZ', '/a%ED%A0%80']) {
      const badPath = await post(path, { context: {} });
      expect(badPath.status).toBe(400);
      expect(await badPath.json()).toEqual({
        errorCode: 'GENERAL',
        errorDetails: 'the flag key in the path is not valid URL-encoded UTF-8',
      });
    }

    const unparsable = await post('', '{"context": ');
    expect(unparsable.status).toBe(400);
    expect(await unparsable.json()).toMatchObject({ errorCode: 'PARSE_ERROR' });

    const anonymous = await post('', {}, { authorization: '' });
    expect(anonymous.status).toBe(401);

    const editorWithoutEnvironment = await createApiKey(app, { roles: ['VIEWER'] });
    const unnamed = await post(
      '',
      {},
      { authorization: `Bearer ${editorWithoutEnvironment.token}` },
    );
    expect(unnamed.status).toBe(400);
    const named = await post(
      '?environment=production',
      {},
      { authorization: `Bearer ${editorWithoutEnvironment.token}` },
    );
    expect(named.status).toBe(200);

    const elsewhere = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    const forbidden = await post(
      '?environment=production',
      {},
      {
        authorization: `Bearer ${elsewhere.token}`,
      },
    );
    expect(forbidden.status).toBe(403);
  });

  it('evaluates hostile contexts safely', async () => {
    const config = await createConfig(app, {
      environment: 'production',
      targetingRules: [
        {
          id: 'r',
          condition: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
          value: 'pro',
        },
      ],
    });
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`a${i}`, i]));
    const hostile =
      '{"context": {"targetingKey": "t", "__proto__": {"plan": "pro"}, "constructor": {"prototype": {"plan": "pro"}}, "user": {"__proto__": {"plan": "pro"}}}}';
    const response = await post(`/${config.key}`, hostile);
    expect(await response.json()).toMatchObject({ value: 'on', reason: 'STATIC' });
    expect(({} as Record<string, unknown>).plan).toBeUndefined();
    const widened = await post(`/${config.key}`, { context: { ...wide, user: { plan: 'pro' } } });
    expect(await widened.json()).toMatchObject({ value: 'pro', reason: 'TARGETING_MATCH' });
    const tooBig = await post('', { context: { blob: 'x'.repeat(1_100_000) } });
    expect(tooBig.status).toBe(413);
  });
});
