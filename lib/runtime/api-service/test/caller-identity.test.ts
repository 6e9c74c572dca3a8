/**
 * Caller identity on real sockets: the api-service on 127.0.0.1 verifying tokens made by the
 * resolver's own signer against a fake STS on 127.0.0.1 that really checks the SigV4 signature of
 * what the service forwards (host, audience header, query) with the test secrets.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCallerToken, regionalStsHost } from '../../graphql-resolver/src/caller-token';
import { presignUrl } from '../../graphql-resolver/src/sigv4';
import { CallerIdentityConfig, CallerVerifier, createCallerVerifier } from '../src/caller-identity';
import { CALLER_AUDIENCE_HEADER, CALLER_PATH, CALLER_TOKEN_HEADER, CALLER_TOKEN_LIFETIME_SECONDS } from '../src/contract';
import { loadRuntimeConfig } from '../src/env';
import { CALLERS, FakeSts, MOBILE, OTHER_ROLE, Principal, REGION, WEB, startFakeSts } from './fake-sts';
import { Started, request, startServer, waitForLine } from './helpers';

const token = (p: Principal, audience = 'items', at = Date.now()): string => makeCallerToken(audience, p.credentials, REGION, at).token;
const withToken = (t: string): { headers: Record<string, string> } => ({ headers: { [CALLER_TOKEN_HEADER]: t } });

describe('api-service caller identity', () => {
  let sts: FakeSts;
  let s: Started;
  let verifier: CallerVerifier;
  let config: CallerIdentityConfig;
  const MAX_CACHED = 20;

  beforeAll(async () => {
    sts = await startFakeSts([WEB, MOBILE, OTHER_ROLE]);
    config = {
      apiName: 'items',
      stsRegion: REGION,
      stsHost: regionalStsHost(REGION),
      stsEndpoint: `http://127.0.0.1:${sts.port}`,
      callers: CALLERS,
    };
    verifier = createCallerVerifier(config, { maxCachedTokens: MAX_CACHED });
    s = await startServer({ callerIdentity: verifier });
  });
  afterAll(async () => {
    await s.api.close();
    await sts.close();
  });
  beforeEach(() => {
    sts.mode = 'verify';
    sts.delayMs = 0;
  });

  /** Runs `fn` and returns how many STS calls it caused. */
  const stsCallsDuring = async (fn: () => Promise<void>): Promise<number> => {
    const before = sts.calls.length;
    await fn();
    return sts.calls.length - before;
  };

  test('/healthz stays open without a token (the load balancer has none)', async () => {
    expect((await request(s.port, '/healthz')).status).toBe(200);
  });

  test('no token -> 401 UNAUTHENTICATED, no STS call', async () => {
    const calls = await stsCallsDuring(async () => {
      const res = await request(s.port, '/v1/items/item-0001');
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('UNAUTHENTICATED');
    });
    expect(calls).toBe(0);
  });

  test('listed consumer -> 200, its name in the request log line; STS saw our audience and the signed host', async () => {
    const t = token(WEB);
    const calls = await stsCallsDuring(async () => {
      const res = await request(s.port, '/v1/items/item-0001', withToken(t));
      expect(res.status).toBe(200);
      expect(res.json.id).toBe('item-0001');
    });
    expect(calls).toBe(1);
    const forwarded = sts.calls[sts.calls.length - 1];
    expect(forwarded.host).toBe(config.stsHost);
    expect(forwarded.audience).toBe(config.apiName);
    expect(forwarded.url).toMatch(/^\/\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    const line = await waitForLine(s.logs, (l) => l.msg === 'request' && l.path === '/v1/items/item-0001' && l.consumer !== undefined);
    expect(line).toMatchObject({ status: 200, consumer: 'web' });
    // Warm: the same token again costs no STS call.
    expect(await stsCallsDuring(async () => void expect((await request(s.port, '/v1/items', withToken(t))).status).toBe(200))).toBe(0);
  });

  test(`${CALLER_PATH} answers the verified caller's consumer (what the deploy-time check asks), and 401 without a token`, async () => {
    const res = await request(s.port, CALLER_PATH, withToken(token(MOBILE)));
    expect([res.status, res.json]).toEqual([200, { consumer: CALLERS.find((c) => c.role === MOBILE.role)!.consumer }]);
    expect((await request(s.port, CALLER_PATH)).status).toBe(401);
  });

  test('forged signature -> 401 (STS answers 403 SignatureDoesNotMatch)', async () => {
    const forged = makeCallerToken('items', { ...WEB.credentials, secretAccessKey: 'guessed' }, REGION, Date.now()).token;
    const calls = await stsCallsDuring(async () => {
      const res = await request(s.port, '/v1/items/item-0001', withToken(forged));
      expect(res.status).toBe(401);
      expect(res.json.error.message).toContain('SignatureDoesNotMatch');
    });
    expect(calls).toBe(1);
  });

  test('token bound to another API -> 401: STS checks it against our name', async () => {
    const res = await request(s.port, '/v1/items/item-0001', withToken(token(WEB, 'orders')));
    expect(res.status).toBe(401);
    expect(res.json.error.message).toContain('SignatureDoesNotMatch');
  });

  test('expired token -> 401 without any STS call', async () => {
    const signedAt = Date.now() - (CALLER_TOKEN_LIFETIME_SECONDS + 1) * 1000;
    const calls = await stsCallsDuring(async () => {
      const res = await request(s.port, '/v1/items/item-0001', withToken(token(WEB, 'items', signedAt)));
      expect(res.status).toBe(401);
      expect(res.json.error.message).toContain('expired');
    });
    expect(calls).toBe(0);
  });

  test.each([
    ['another host', { host: 'attacker.example.com' }],
    ['the global STS host', { host: 'sts.amazonaws.com' }],
    ['another region', { host: regionalStsHost('us-east-1'), region: 'us-east-1' }],
    ['another action', { query: { Action: 'AssumeRole', Version: '2011-06-15' } }],
    ['no audience header signed', { headers: {} }],
    ['a lifetime beyond the bound', { expiresSeconds: CALLER_TOKEN_LIFETIME_SECONDS + 1 }],
  ])('token for %s -> 401 with no STS call', async (_what, override) => {
    const url = presignUrl({
      method: 'GET',
      host: config.stsHost,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { [CALLER_AUDIENCE_HEADER]: 'items' },
      region: REGION,
      service: 'sts',
      credentials: WEB.credentials,
      date: new Date(),
      expiresSeconds: CALLER_TOKEN_LIFETIME_SECONDS,
      ...override,
    });
    const calls = await stsCallsDuring(async () => {
      const res = await request(s.port, '/v1/items/item-0001', withToken(Buffer.from(url).toString('base64url')));
      expect(res.status).toBe(401);
    });
    expect(calls).toBe(0);
  });

  test('valid token of a role the configuration does not list -> 403 FORBIDDEN', async () => {
    const res = await request(s.port, '/v1/items/item-0001', withToken(token(OTHER_ROLE)));
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN');
  });

  test.each([['status503'], ['throttle'], ['reset']] as const)(
    'STS %s -> 503 IDENTITY_UNAVAILABLE while a cached identity is still served',
    async (mode) => {
      const cached = token(MOBILE);
      expect((await request(s.port, '/v1/items/item-0001', withToken(cached))).status).toBe(200);
      sts.mode = mode;
      // A token no other test mints (X-Amz-Date has whole seconds: a token signed in the same second
      // by an earlier case would be the same string, already cached): signed 5 minutes ago, one second apart per case.
      const signedAt = Date.now() - 300_000 - 1000 * ['status503', 'throttle', 'reset'].indexOf(mode);
      const cold = await request(s.port, '/v1/items/item-0001', withToken(token(MOBILE, 'items', signedAt)));
      expect(cold.status).toBe(503);
      expect(cold.json.error.code).toBe('IDENTITY_UNAVAILABLE');
      const warm = await request(s.port, '/v1/items/item-0001', withToken(cached));
      expect(warm.status).toBe(200);
    },
  );

  test('STS unreachable (nothing listening) -> 503, nothing crashes', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const other = await startServer({ callerIdentity: createCallerVerifier({ ...config, stsEndpoint: `http://127.0.0.1:${port}` }) });
    try {
      const res = await request(other.port, '/v1/items/item-0001', withToken(token(WEB)));
      expect(res.status).toBe(503);
      expect((await request(other.port, '/healthz')).status).toBe(200);
    } finally {
      await other.api.close();
    }
  });

  test('one STS call for many concurrent requests with one token', async () => {
    sts.delayMs = 100;
    const t = token(WEB, 'items', Date.now() - 2000);
    const calls = await stsCallsDuring(async () => {
      const answers = await Promise.all(Array.from({ length: 25 }, () => request(s.port, '/v1/items/item-0001', withToken(t))));
      expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    });
    expect(calls).toBe(1);
  });

  test('a flood of distinct valid tokens does not grow the cache beyond its bound', async () => {
    const base = Date.now() - 60_000;
    const statuses: number[] = [];
    for (let batch = 0; batch < 4; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          request(s.port, '/v1/items/item-0001', withToken(token(WEB, 'items', base + (batch * 15 + i) * 1000))),
        ),
      );
      statuses.push(...answers.map((r) => r.status));
    }
    expect(statuses).toEqual(Array(60).fill(200)); // every token was valid and verified: each sought a cache entry
    expect(verifier.cachedTokens).toBeLessThanOrEqual(MAX_CACHED);
    expect(verifier.cachedTokens).toBeGreaterThan(0);
  });
});

describe('caller verifier cache lifetime', () => {
  let sts: FakeSts;
  beforeAll(async () => {
    sts = await startFakeSts([WEB]);
  });
  afterAll(() => sts.close());

  test('a verified token is served from the cache until it expires, never after', async () => {
    let clock = Date.now();
    const verifier = createCallerVerifier(
      { apiName: 'items', stsRegion: REGION, stsHost: regionalStsHost(REGION), stsEndpoint: `http://127.0.0.1:${sts.port}`, callers: CALLERS },
      { now: () => clock },
    );
    const signedAt = Math.floor(clock / 1000) * 1000;
    const t = token(WEB, 'items', signedAt);
    await expect(Promise.resolve(verifier.verify(t))).resolves.toMatchObject({ consumer: 'web' });
    clock = signedAt + CALLER_TOKEN_LIFETIME_SECONDS * 1000 - 1;
    expect(verifier.verify(t)).toMatchObject({ consumer: 'web' }); // synchronous: cached
    expect(verifier.stsCalls).toBe(1);
    clock += 1;
    expect(() => verifier.verify(t)).toThrow('expired');
    expect(verifier.stsCalls).toBe(1);
  });
});

describe('caller identity configuration', () => {
  const base = {
    CALLERS: JSON.stringify([{ consumer: 'web', account: '222222222222', role: 'web-resolver' }]),
    API_NAME: 'items',
    STS_REGION: 'eu-west-1',
  };

  test('unset CALLERS: identity off (behaviour unchanged)', () => {
    expect(loadRuntimeConfig({}).callerIdentity).toBeUndefined();
  });

  test('defaults the endpoint to the regional STS host', () => {
    expect(loadRuntimeConfig(base).callerIdentity).toEqual({
      source: 'sts-token',
      apiName: 'items',
      stsRegion: 'eu-west-1',
      stsHost: 'sts.eu-west-1.amazonaws.com',
      stsEndpoint: 'https://sts.eu-west-1.amazonaws.com',
      callers: [{ consumer: 'web', account: '222222222222', role: 'web-resolver' }],
    });
  });

  test.each([
    [{ CALLERS: 'not json' }, 'CALLERS must be JSON'],
    [{ CALLERS: '[]' }, 'CALLERS must be a non-empty JSON array'],
    [{ CALLERS: '[{"consumer":"web","account":"12345","role":"r"}]' }, 'CALLERS[0].account must be a 12-digit account id, got "12345"'],
    [{ CALLERS: '[{"consumer":"web","account":"222222222222","role":"path/role"}]' }, 'CALLERS[0].role must be an IAM role name'],
    [{ API_NAME: '' }, 'API_NAME must be set'],
    [{ STS_REGION: 'mars' }, 'STS_REGION must be an AWS region'],
    [{ STS_ENDPOINT: 'http://sts.example.com' }, 'STS_ENDPOINT must use https'],
    [{ STS_ENDPOINT: 'https://sts.eu-west-1.amazonaws.com/x' }, 'STS_ENDPOINT must be an origin'],
  ])('fails naming the variable: %j', (override, message) => {
    expect(() => loadRuntimeConfig({ ...base, ...override })).toThrow(message);
  });
});
