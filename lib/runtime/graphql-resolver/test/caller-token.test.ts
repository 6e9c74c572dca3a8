import { CALLER_AUDIENCE_HEADER, CALLER_TOKEN_HEADER, CALLER_TOKEN_LIFETIME_SECONDS } from '../../api-service/src/contract';
import { getJson, resetApiClient } from '../src/api-client';
import { CALLER_TOKEN_REFRESH_MARGIN_SECONDS, forgetCallerTokens, getCallerToken, regionalStsHost } from '../src/caller-token';
import { SigningConfigError } from '../src/lambda-credentials';
import { presignUrl, sigV4Signature } from '../src/sigv4';
import { FakeApi, TestPki, createPki, startFakeApi, useApi } from './fake-api';

const ENV = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID0001',
  AWS_SECRET_ACCESS_KEY: 'test-secret-key',
  AWS_SESSION_TOKEN: 'test-session-token/with+special=chars',
  AWS_REGION: 'eu-west-1',
};

/** Decodes a token and recomputes its signature with `secret`, for the audience `audience`. */
function verifies(token: string, audience: string, secret = ENV.AWS_SECRET_ACCESS_KEY): boolean {
  const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (k !== 'X-Amz-Signature') query[k] = v;
  const signature = sigV4Signature({
    method: 'GET',
    path: url.pathname,
    query,
    headers: { host: url.host, [CALLER_AUDIENCE_HEADER]: audience },
    signedHeaders: query['X-Amz-SignedHeaders'].split(';'),
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    amzDate: query['X-Amz-Date'],
    region: ENV.AWS_REGION,
    service: 'sts',
    secretAccessKey: secret,
  });
  return signature === url.searchParams.get('X-Amz-Signature');
}

describe('SigV4 presigning', () => {
  test("matches AWS's published presigned-URL example", () => {
    // "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", Amazon S3 API
    // reference, https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html:
    // GET /test.txt on examplebucket, 2013-05-24T00:00:00Z, X-Amz-Expires=86400, the documented
    // example key pair; the page gives this signature.
    const url = presignUrl({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      query: {},
      region: 'us-east-1',
      service: 's3',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      date: new Date('2013-05-24T00:00:00Z'),
      expiresSeconds: 86_400,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });
});

describe('caller token', () => {
  beforeEach(() => forgetCallerTokens());

  test('is exactly a presigned GetCallerIdentity to the regional STS host, signed over host and the audience', () => {
    const now = Date.parse('2026-01-02T03:04:05.678Z');
    const token = getCallerToken('items', ENV, now);
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(url.origin).toBe(`https://${regionalStsHost(ENV.AWS_REGION)}`);
    expect(url.pathname).toBe('/');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${ENV.AWS_ACCESS_KEY_ID}/20260102/${ENV.AWS_REGION}/sts/aws4_request`,
      'X-Amz-Date': '20260102T030405Z',
      'X-Amz-Expires': String(CALLER_TOKEN_LIFETIME_SECONDS),
      'X-Amz-SignedHeaders': `host;${CALLER_AUDIENCE_HEADER}`,
      'X-Amz-Security-Token': ENV.AWS_SESSION_TOKEN,
    });
    expect(verifies(token, 'items')).toBe(true);
    // Bound to its audience: the same token presented for another API does not verify.
    expect(verifies(token, 'orders')).toBe(false);
  });

  test('is reused until the refresh margin, then renewed; never past its validity', () => {
    const t0 = Date.parse('2026-01-02T03:04:05.000Z');
    const first = getCallerToken('items', ENV, t0);
    const reuseUntil = t0 + (CALLER_TOKEN_LIFETIME_SECONDS - CALLER_TOKEN_REFRESH_MARGIN_SECONDS) * 1000;
    expect(getCallerToken('items', ENV, reuseUntil - 1)).toBe(first);
    const renewed = getCallerToken('items', ENV, reuseUntil);
    expect(renewed).not.toBe(first);
    expect(new URL(Buffer.from(renewed, 'base64url').toString()).searchParams.get('X-Amz-Date')).toBe('20260102T031405Z');
  });

  test('is per audience, and renewed at once when the credentials rotate', () => {
    const now = Date.now();
    const items = getCallerToken('items', ENV, now);
    expect(getCallerToken('orders', ENV, now)).not.toBe(items);
    expect(getCallerToken('items', ENV, now)).toBe(items);
    const rotated = { ...ENV, AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID0002', AWS_SECRET_ACCESS_KEY: 'rotated' };
    const after = getCallerToken('items', rotated, now);
    expect(after).not.toBe(items);
    expect(verifies(after, 'items', 'rotated')).toBe(true);
  });

  test('fails naming the missing variables when the function has no credentials', () => {
    expect(() => getCallerToken('items', { AWS_REGION: 'eu-west-1' }, Date.now())).toThrow(SigningConfigError);
    expect(() => getCallerToken('items', { AWS_REGION: 'eu-west-1' }, Date.now())).toThrow(
      'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY not set',
    );
  });
});

describe('the API client sends the token', () => {
  let pki: TestPki;
  let api: FakeApi;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    pki = await createPki();
    api = await startFakeApi(pki.leaf);
    for (const k of Object.keys(ENV)) saved[k] = process.env[k];
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    useApi(api.port, pki.ca.cert, { API_AUDIENCE: undefined });
    resetApiClient();
    await api.close();
  });

  test('with API_AUDIENCE set: one token, reused across requests, verifiable for that API', async () => {
    useApi(api.port, pki.ca.cert, { ...ENV, API_AUDIENCE: 'items' });
    api.requests.length = 0;
    await getJson('/v1/items/item-0001');
    await getJson('/v1/items/item-0002');
    const tokens = api.requests.map((r) => r.headers[CALLER_TOKEN_HEADER]);
    expect(tokens).toHaveLength(2);
    expect(typeof tokens[0]).toBe('string');
    expect(tokens[1]).toBe(tokens[0]);
    expect(verifies(tokens[0] as string, 'items')).toBe(true);
    // The audience header itself is not sent to the API: the API adds its own name.
    expect(api.requests[0].headers[CALLER_AUDIENCE_HEADER]).toBeUndefined();
  });

  test('without API_AUDIENCE: no token header (behaviour unchanged)', async () => {
    useApi(api.port, pki.ca.cert, { API_AUDIENCE: undefined });
    api.requests.length = 0;
    await getJson('/v1/items/item-0001');
    expect(api.requests[0].headers[CALLER_TOKEN_HEADER]).toBeUndefined();
  });
});
