import { checkWebhookUrl, isPublicAddress, Resolver } from 'src/alerts/webhooks/url-policy';
import { signWebhook, verifyWebhook, newWebhookSecret } from 'src/alerts/webhooks/signature';
import { createHmac } from 'node:crypto';

const resolver =
  (table: Record<string, string[]>): Resolver =>
  (hostname) => {
    const addresses = table[hostname];
    return addresses ? Promise.resolve(addresses) : Promise.reject(new Error('ENOTFOUND'));
  };
const production = { env: 'production' as const, resolve: resolver({ 'hooks.example.nl': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'], 'intern.example.nl': ['93.184.216.34', '10.1.2.3'], 'v6.example.nl': ['fd12::1'] }) };

describe('webhook URL policy', () => {
  it.each([
    ['https://10.0.0.1/', 'privateAddress'],
    ['https://localhost/', 'privateAddress'],
    ['https://LOCALHOST./hook', 'privateAddress'],
    ['https://api.localhost/', 'privateAddress'],
    ['https://127.0.0.1/', 'privateAddress'],
    ['https://0x7f.1/', 'privateAddress'],
    ['https://2130706433/', 'privateAddress'],
    ['https://169.254.169.254/latest/meta-data', 'privateAddress'],
    ['https://172.20.1.1/', 'privateAddress'],
    ['https://192.168.1.10/', 'privateAddress'],
    ['https://100.64.0.1/', 'privateAddress'],
    ['https://0.0.0.0/', 'privateAddress'],
    ['https://[::1]/', 'privateAddress'],
    ['https://[::]/', 'privateAddress'],
    ['https://[fd00::1]/', 'privateAddress'],
    ['https://[fe80::1]/', 'privateAddress'],
    ['https://[::ffff:10.0.0.1]/', 'privateAddress'],
    ['https://[::ffff:127.0.0.1]/', 'privateAddress'],
    ['https://[64:ff9b::a00:1]/', 'privateAddress'],
    ['https://intern.example.nl/', 'privateAddress'],
    ['https://v6.example.nl/', 'privateAddress'],
    ['https://nowhere.example.nl/', 'unresolvable'],
    ['http://hooks.example.nl/', 'httpsRequired'],
    ['ftp://hooks.example.nl/', 'httpsRequired'],
    ['http://127.0.0.1:8080/hook', 'httpsRequired'],
    ['https://user:secret@hooks.example.nl/', 'credentialsInUrl'],
    ['hooks.example.nl/path', 'invalidUrl'],
  ])('refuses %s outside test mode (%s)', async (url, code) => {
    expect(await checkWebhookUrl(url, production)).toMatchObject({ allowed: false, code });
  });

  it('says why in a phrase that reads after "it" and "url" (the API writes "The webhook URL is refused: it …")', async () => {
    const refusals = await Promise.all(
      ['hooks.example.nl/path', 'https://user:secret@hooks.example.nl/', 'http://hooks.example.nl/', 'https://localhost/', 'https://10.0.0.1/', 'https://nowhere.example.nl/', 'https://intern.example.nl/'].map((url) => checkWebhookUrl(url, production)),
    );
    for (const verdict of refusals) {
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.detail).toMatch(/^(must|must not|points to) /);
    }
    expect(await checkWebhookUrl('https://nowhere.example.nl/', production)).toMatchObject({ detail: 'points to nowhere.example.nl, a host name that does not resolve' });
  });

  it.each(['https://hooks.example.nl/doorstroom', 'https://93.184.216.34:8443/x', 'https://[2606:2800:220:1:248:1893:25c8:1946]/'])('allows the public %s', async (url) => {
    expect(await checkWebhookUrl(url, production)).toMatchObject({ allowed: true });
  });

  it('allows http://127.0.0.1 only in test mode, and nothing else private', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:4567/hook', { env: 'test' })).toMatchObject({ allowed: true });
    expect(await checkWebhookUrl('http://127.0.0.1:4567/hook', { env: 'development' })).toMatchObject({ allowed: false });
    for (const url of ['https://10.0.0.1/', 'https://localhost/', 'http://localhost:4567/', 'https://127.0.0.2/', 'https://[::1]/']) {
      expect(await checkWebhookUrl(url, { env: 'test' })).toMatchObject({ allowed: false });
    }
  });

  it('classifies addresses', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
    expect(isPublicAddress('172.15.255.255')).toBe(true);
    expect(isPublicAddress('172.16.0.0')).toBe(false);
    expect(isPublicAddress('not an address')).toBe(false);
  });
});

describe('webhook signatures', () => {
  it('signs timestamp.body with HMAC-SHA256 of the secret, as v1=<hex>', () => {
    const secret = newWebhookSecret();
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64url')).toHaveLength(32);
    const body = JSON.stringify({ event: 'alert.created' });
    const signature = signWebhook(secret, '1700000000', body);
    expect(signature).toBe(`v1=${createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')}`);
    expect(verifyWebhook(secret, '1700000000', body, signature, { now: 1700000100 })).toBe(true);
    expect(verifyWebhook(secret, '1700000000', `${body} `, signature, { now: 1700000100 })).toBe(false);
    expect(verifyWebhook(secret, '1700000000', body, signature, { now: 1700001000 })).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), '1700000000', body, signature, { now: 1700000100 })).toBe(false);
  });

  it('matches the RFC 4231 HMAC-SHA256 vector through the same primitive', () => {
    const key = Buffer.alloc(20, 0x0b);
    expect(createHmac('sha256', key).update('Hi There').digest('hex')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });
});
