/**
 * SigV4 for VPC Lattice: the signer against AWS's own test vectors, the headers the resolver adds,
 * checked by the stand-ins' verifier, and the API client sending them on real sockets.
 */
import { verifySigV4 } from '../../api-service/test/sigv4-verifier';
import { CALLER_AUDIENCE_HEADER, CALLER_TOKEN_HEADER } from '../../api-service/src/contract';
import { getJson, resetApiClient } from '../src/api-client';
import { loadConfig } from '../src/client-config';
import { LATTICE_SIGNING_SERVICE, latticeSigningHeaders } from '../src/lattice-signing';
import { EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD, canonicalQuery, canonicalUri, parseRawQuery, signCanonical } from '../src/sigv4';
import { API_HOST, FakeApi, TestPki, createPki, startFakeApi, useApi } from './fake-api';

const ENV = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID0001',
  AWS_SECRET_ACCESS_KEY: 'test-secret-key',
  AWS_SESSION_TOKEN: 'test-session-token/with+special=chars',
  AWS_REGION: 'eu-west-1',
};
const PRINCIPALS = new Map([[ENV.AWS_ACCESS_KEY_ID, { credentials: { accessKeyId: ENV.AWS_ACCESS_KEY_ID, secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY, sessionToken: ENV.AWS_SESSION_TOKEN } }]]);
const verifyOptions = (now: number) => ({ service: LATTICE_SIGNING_SERVICE, region: ENV.AWS_REGION, form: 'header' as const, now });

describe('SigV4 header signing matches AWS\'s SigV4 test suite', () => {
  // aws-sig-v4-test-suite (the vectors of the "Signature Version 4 test suite" the AWS SDKs all
  // check): AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service", signed over host and
  // x-amz-date, empty body. The expected signatures are the suite's.
  const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const sign = (method: string, target: string): string => {
    const q = target.indexOf('?');
    return signCanonical({
      method,
      uri: canonicalUri(q === -1 ? target : target.slice(0, q)),
      query: canonicalQuery(parseRawQuery(q === -1 ? '' : target.slice(q + 1))),
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      signedHeaders: ['host', 'x-amz-date'],
      payloadHash: EMPTY_PAYLOAD_SHA256,
      amzDate: '20150830T123600Z',
      region: 'us-east-1',
      service: 'service',
      secretAccessKey: SECRET,
    });
  };
  test.each([
    ['get-vanilla', 'GET', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-vanilla-query-order-key-case (the query is sorted)', 'GET', '/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
    ['get-utf8 (the path is encoded)', 'GET', '/\u1234', '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85'],
  ])('%s', (_name, method, target, expected) => {
    expect(sign(method, target)).toBe(expected);
  });
});

describe('Lattice signing headers', () => {
  const now = Date.parse('2026-01-02T03:04:05.678Z');
  const received = (headers: Record<string, string>, target = '/v1/items?limit=5&cursor=abc_-1', host = API_HOST) => ({
    method: 'GET',
    target,
    headers: { ...headers, host },
  });

  test('sign host and the x-amz-* headers with service vpc-lattice-svcs, payload UNSIGNED-PAYLOAD, the session token signed', () => {
    const h = latticeSigningHeaders('GET', API_HOST, '/v1/items?limit=5&cursor=abc_-1', ENV, now);
    expect(h['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
    expect(h['x-amz-date']).toBe('20260102T030405Z');
    expect(h['x-amz-security-token']).toBe(ENV.AWS_SESSION_TOKEN);
    expect(h.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${ENV.AWS_ACCESS_KEY_ID}/20260102/${ENV.AWS_REGION}/vpc-lattice-svcs/aws4_request, ` +
        'SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$'),
    );
    expect(verifySigV4(received(h), PRINCIPALS, verifyOptions(now))).toMatchObject({ ok: true });
  });

  test.each([
    ['another path', { target: '/v1/items/item-0001' }],
    ['another query', { target: '/v1/items?limit=6&cursor=abc_-1' }],
    ['another host', { host: 'orders.dev.example.com' }],
  ] as Array<[string, { target?: string; host?: string }]>)('a signature does not verify for %s', (_name, change) => {
    const h = latticeSigningHeaders('GET', API_HOST, '/v1/items?limit=5&cursor=abc_-1', ENV, now);
    const r = received(h, change.target, change.host);
    expect(verifySigV4(r, PRINCIPALS, verifyOptions(now))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  test('a signature made with another secret, or for another region, does not verify', () => {
    const wrongSecret = latticeSigningHeaders('GET', API_HOST, '/v1/items', { ...ENV, AWS_SECRET_ACCESS_KEY: 'guessed' }, now);
    expect(verifySigV4(received(wrongSecret, '/v1/items'), PRINCIPALS, verifyOptions(now))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    const otherRegion = latticeSigningHeaders('GET', API_HOST, '/v1/items', { ...ENV, AWS_REGION: 'us-east-1' }, now);
    expect(verifySigV4(received(otherRegion, '/v1/items'), PRINCIPALS, verifyOptions(now))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  test('a signature older than 5 minutes is refused (replay)', () => {
    const h = latticeSigningHeaders('GET', API_HOST, '/v1/items', ENV, now);
    expect(verifySigV4(received(h, '/v1/items'), PRINCIPALS, verifyOptions(now + 301_000))).toMatchObject({ ok: false, code: 'RequestExpired' });
  });
});

describe('API_SIGNING', () => {
  test('is "lattice" or unset; any other value is a configuration error naming it', () => {
    const base = { API_BASE_URL: `https://${API_HOST}` };
    expect(loadConfig(base).signing).toBe('caller-token');
    expect(loadConfig({ ...base, API_SIGNING: 'lattice', API_AUDIENCE: 'items' })).toMatchObject({ signing: 'lattice', audience: undefined });
    expect(() => loadConfig({ ...base, API_SIGNING: 'sigv4' })).toThrow('API_SIGNING must be "lattice" or unset, got "sigv4"');
  });
});

describe('the API client signs every request for Lattice', () => {
  let pki: TestPki;
  let api: FakeApi;
  const saved = { ...process.env };

  beforeAll(async () => {
    pki = await createPki();
    api = await startFakeApi(pki.leaf);
  });
  afterAll(async () => {
    process.env = saved;
    resetApiClient();
    await api.close();
  });

  test('with API_SIGNING=lattice: each request carries a signature of its own path and host, and no caller token', async () => {
    useApi(api.port, pki.ca.cert, { ...ENV, API_SIGNING: 'lattice', API_AUDIENCE: 'items' });
    api.requests.length = 0;
    await getJson('/v1/items/item-0001');
    await getJson('/v1/items?limit=2');
    expect(api.requests).toHaveLength(2);
    for (const r of api.requests) {
      expect(r.headers[CALLER_TOKEN_HEADER]).toBeUndefined();
      expect(r.headers[CALLER_AUDIENCE_HEADER]).toBeUndefined();
      expect(verifySigV4({ method: r.method, target: r.url, headers: r.headers }, PRINCIPALS, verifyOptions(Date.now()))).toMatchObject({ ok: true });
    }
    expect(api.requests[0].headers.authorization).not.toBe(api.requests[1].headers.authorization);
  });

  test('without API_SIGNING: no Authorization header (behaviour unchanged)', async () => {
    useApi(api.port, pki.ca.cert, { ...ENV, API_SIGNING: undefined, API_AUDIENCE: undefined });
    api.requests.length = 0;
    await getJson('/v1/items/item-0001');
    expect(api.requests[0].headers.authorization).toBeUndefined();
    expect(api.requests[0].headers['x-amz-date']).toBeUndefined();
  });
});
