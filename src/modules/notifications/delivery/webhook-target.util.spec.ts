import {
  addressRefusal,
  guardedLookup,
  ResolvedAddress,
  savedWebhookUrlRefusal,
  webhookUrlRefusal,
} from './webhook-target.util';

describe('addressRefusal', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(addressRefusal(address)).toContain(kind);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111'])('allows public %s', (address) => {
    expect(addressRefusal(address)).toBeNull();
  });
});

describe('webhookUrlRefusal', () => {
  const refusedRule = (url: string, allowPrivate = false) =>
    webhookUrlRefusal(url, allowPrivate)?.rule ?? null;

  it('accepts a public https URL', () => {
    expect(refusedRule('https://hooks.example.com/in?x=1')).toBeNull();
  });

  it('refuses plain http unless private targets are allowed', () => {
    expect(refusedRule('http://hooks.example.com/')).toBe('https');
    expect(refusedRule('http://hooks.example.com/', true)).toBeNull();
  });

  it('refuses credentials in the URL and port 0 when saved, even when private targets are allowed', () => {
    const savedRule = (url: string, allowPrivate: boolean) =>
      savedWebhookUrlRefusal(url, allowPrivate)?.rule ?? null;
    for (const allowPrivate of [false, true]) {
      expect(savedRule('https://user:pass@hooks.example.com/', allowPrivate)).toBe('credentials');
      expect(savedRule('https://user@hooks.example.com/', allowPrivate)).toBe('credentials');
      expect(savedRule('https://hooks.example.com:0/', allowPrivate)).toBe('port');
      expect(savedRule('http://10.0.0.1/', allowPrivate)).toBe(allowPrivate ? null : 'https');
    }
    expect(savedRule('https://hooks.example.com:8443/', false)).toBeNull();
    // Delivery keeps to the address rules: an endpoint saved before still delivers.
    expect(refusedRule('https://user:pass@hooks.example.com/')).toBeNull();
  });

  it('refuses other schemes and relative URLs', () => {
    expect(refusedRule('ftp://hooks.example.com/')).toBe('https');
    expect(refusedRule('file:///etc/passwd', true)).toBe('https');
    expect(refusedRule('/relative')).toBe('url');
  });

  it.each([
    'https://127.0.0.1/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[fe80::1]/',
    'https://169.254.169.254/latest',
    'https://100.100.100.100/',
    'https://localhost:8443/',
    'https://api.localhost/',
    'https://LOCALHOST./',
  ])('refuses the private target %s', (url) => {
    expect(refusedRule(url)).toBe('privateAddress');
  });

  it.each([
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://0x7f.0.0.1/',
    'https://127.1/',
    'https://0x08080808/',
  ])('refuses the non-decimal IPv4 form %s, even when private targets are allowed', (url) => {
    expect(refusedRule(url)).toBe('hostForm');
    expect(refusedRule(url, true)).toBe('hostForm');
  });

  it('allows private literals with ALLOW_PRIVATE_WEBHOOKS', () => {
    expect(refusedRule('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(refusedRule('https://[::1]/', true)).toBeNull();
  });
});

describe('guardedLookup', () => {
  const lookupWith = (answers: ResolvedAddress[], all: boolean) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      guardedLookup(async () => answers)('host.example', { all }, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );

  it('hands a public address to the socket, in the form asked for', async () => {
    const public4 = { address: '93.184.216.34', family: 4 };
    expect(await lookupWith([public4], false)).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    expect((await lookupWith([public4], true)).address).toEqual([public4]);
  });

  it('refuses a hostname that resolves to a private address (DNS rebinding)', async () => {
    const result = await lookupWith([{ address: '127.0.0.1', family: 4 }], true);
    expect(result.error?.message).toMatch(/host\.example: 127\.0\.0\.1 is a loopback address/);
  });

  it('refuses when any of the addresses is private', async () => {
    const result = await lookupWith(
      [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
      false,
    );
    expect(result.error?.message).toContain('10.0.0.7 is a private address');
  });
});
