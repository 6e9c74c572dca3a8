/**
 * The VPC Lattice stand-in on real sockets (TLS with a test CA, SigV4 checked, headers rewritten),
 * in front of the api-service with CALLER_IDENTITY_SOURCE=lattice, called by the resolver's own
 * client and health check as in AWS.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLatticeIdentitySource, LATTICE_IDENTITY_HEADER } from '../../../lib/runtime/api-service/src/lattice-identity';
import { CALLERS, MOBILE, OTHER_ROLE, Principal, REGION, WEB, principal } from '../../../lib/runtime/api-service/test/fake-sts';
import { Started, startServer, waitForLine } from '../../../lib/runtime/api-service/test/helpers';
import { getJson, resetApiClient } from '../../../lib/runtime/graphql-resolver/src/api-client';
import { CALLER_NOT_AUTHORIZED_MESSAGE } from '../../../lib/runtime/graphql-resolver/src/errors';
import { runHealthCheck } from '../../../lib/runtime/graphql-resolver/src/healthcheck';
import { latticeSigningHeaders } from '../../../lib/runtime/graphql-resolver/src/lattice-signing';
import { API_HOST, TestPki, createPki, useApi } from '../../../lib/runtime/graphql-resolver/test/fake-api';
import { LatticeFront, startLatticeFront } from '../../../tools/local/lattice-front';

/** A principal that can sign but that the stand-in's auth policy does not list. */
const STRANGER = principal(9, '444444444444', 'stranger');

const envOf = (p: Principal, region = REGION): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: p.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: p.credentials.secretAccessKey,
  AWS_SESSION_TOKEN: p.credentials.sessionToken ?? '',
  AWS_REGION: region,
});

interface Answer {
  status: number;
  body: string;
}

describe('Lattice stand-in in front of the api-service (CALLER_IDENTITY_SOURCE=lattice)', () => {
  let pki: TestPki;
  let api: Started;
  let front: LatticeFront;
  const lines: string[] = [];
  const saved = { ...process.env };

  /** One HTTPS request to the stand-in, the CA trusted, SNI and Host the API's name. */
  const call = (path: string, headers: Record<string, string> = {}, port = front.port): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, path, servername: API_HOST, ca: pki.ca.cert, headers: { host: API_HOST, ...headers }, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const signedBy = (p: Principal, path: string, region = REGION): Record<string, string> => latticeSigningHeaders('GET', API_HOST, path, envOf(p, region));

  beforeAll(async () => {
    pki = await createPki();
    api = await startServer({ callerIdentity: createLatticeIdentitySource({ apiName: 'items', callers: CALLERS }) });
    // The auth policy allows WEB and OTHER_ROLE (OTHER_ROLE is not in the API's CALLERS: the API's own 403).
    front = await startLatticeFront({ ...pki.leaf, host: '127.0.0.1', port: 0, targetPort: api.port, region: REGION, allowed: [WEB, OTHER_ROLE], log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    process.env = saved;
    resetApiClient();
    await front.close();
    await api.api.close();
  });
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const apiSaw = (path: string) => api.logs.some((l) => l.msg === 'request' && l.path === path);

  test('an unsigned request is refused with 403 AccessDeniedException and never reaches the API', async () => {
    const res = await call('/v1/items/item-0031');
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/^AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke/);
    expect(apiSaw('/v1/items/item-0031')).toBe(false);
  });

  test.each([
    ['a wrong secret', () => ({ ...signedBy({ ...WEB, credentials: { ...WEB.credentials, secretAccessKey: 'guessed' } }, '/v1/items/item-0032') }), 'SignatureDoesNotMatch'],
    ['a signature for another path', () => signedBy(WEB, '/v1/items/item-0001'), 'SignatureDoesNotMatch'],
    ['a signature for another region', () => signedBy(WEB, '/v1/items/item-0032', 'us-east-1'), 'SignatureDoesNotMatch'],
    ['a principal the auth policy does not list', () => signedBy(STRANGER, '/v1/items/item-0032'), 'InvalidClientTokenId'],
    ['a signature with another session token', () => ({ ...signedBy(WEB, '/v1/items/item-0032'), 'x-amz-security-token': 'session-2' }), 'InvalidClientTokenId'],
  ])('%s -> 403, the API not reached', async (_name, headers, code) => {
    const res = await call('/v1/items/item-0032', headers());
    expect(res.status).toBe(403);
    expect(res.body).toContain(code);
    expect(apiSaw('/v1/items/item-0032')).toBe(false);
  });

  test('a signed request of a listed role reaches the API, which logs its consumer', async () => {
    const res = await call('/v1/items/item-0033', signedBy(WEB, '/v1/items/item-0033'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).id).toBe('item-0033');
    expect(await waitForLine(api.logs, (l) => l.msg === 'request' && l.path === '/v1/items/item-0033')).toMatchObject({ status: 200, consumer: 'web' });
  });

  test('a client cannot impersonate a consumer: its own identity header is stripped, the signer\'s is what the API reads', async () => {
    // OTHER_ROLE may invoke the service (auth policy) but is no consumer of the API; it claims to be MOBILE.
    const forged = `Principal=arn:aws:sts::${MOBILE.account}:assumed-role/${MOBILE.role}/x1; Type=AWS_IAM`;
    const res = await call('/v1/items/item-0034', { ...signedBy(OTHER_ROLE, '/v1/items/item-0034'), [LATTICE_IDENTITY_HEADER]: forged });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('FORBIDDEN');
    // Unsigned with the forged header: Lattice's 403, the API never asked.
    expect((await call('/v1/items/item-0035', { [LATTICE_IDENTITY_HEADER]: forged })).status).toBe(403);
    expect(apiSaw('/v1/items/item-0035')).toBe(false);
  });

  test('what the target receives: exactly one identity header (the signer\'s), Lattice\'s network and target headers, no client-supplied x-amzn-lattice-*', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const echo = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('{}');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoFront = await startLatticeFront({ ...pki.leaf, host: '127.0.0.1', port: 0, targetPort: (echo.address() as AddressInfo).port, region: REGION, allowed: [WEB], log: () => undefined });
    try {
      const forged = {
        [LATTICE_IDENTITY_HEADER]: `Principal=arn:aws:sts::${MOBILE.account}:assumed-role/${MOBILE.role}/x1; Type=AWS_IAM`,
        'x-amzn-lattice-network': 'SourceVpcArn=arn:aws:ec2:eu-west-1:999999999999:vpc/vpc-evil',
        'x-amzn-lattice-identity-tags': 'principal=evil',
      };
      expect((await call('/v1/items', { ...signedBy(WEB, '/v1/items'), ...forged }, echoFront.port)).status).toBe(200);
      const h = seen[0];
      expect(h[LATTICE_IDENTITY_HEADER]).toBe(`Principal=arn:aws:sts::${WEB.account}:assumed-role/${WEB.role}/session-${WEB.credentials.accessKeyId.slice(-6)}; PrincipalOrgID=; PrincipalOrgPaths=; SessionName=session-${WEB.credentials.accessKeyId.slice(-6)}; Type=AWS_IAM`);
      expect(h['x-amzn-lattice-network']).toBe(`SourceVpcArn=arn:aws:ec2:${REGION}:${WEB.account}:vpc/vpc-0local`);
      expect(h['x-amzn-lattice-identity-tags']).toBeUndefined();
      expect(h['x-amzn-lattice-target']).toMatch(/^ServiceArn=arn:aws:vpc-lattice:/);
      expect(h['x-forwarded-proto']).toBe('https');
    } finally {
      await echoFront.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  describe('the resolver\'s client and health check with API_SIGNING=lattice', () => {
    const use = (p: Principal): void => useApi(front.port, pki.ca.cert, { ...envOf(p), API_SIGNING: 'lattice', API_AUDIENCE: undefined });
    const fast = { attemptTimeoutMs: 2_000, deadlineMs: 5_000, sleep: async () => undefined };

    test('a listed role gets the item, and the health check passes, the identity route included', async () => {
      use(WEB);
      await expect(getJson('/v1/items/item-0036')).resolves.toMatchObject({ id: 'item-0036' });
      await expect(runHealthCheck(fast)).resolves.toMatchObject({ ok: true });
      expect(apiSaw('/v1/caller')).toBe(true);
    });

    test('a role the API does not list: CallerNotAuthorized with the resolver\'s words; the health check fails on the identity route, no retry', async () => {
      use(OTHER_ROLE);
      await expect(getJson('/v1/items/item-0037')).rejects.toMatchObject({ name: 'CallerNotAuthorized', message: CALLER_NOT_AUTHORIZED_MESSAGE });
      await expect(runHealthCheck(fast)).rejects.toThrow(/after 1 attempt .*identity: \/v1\/caller answered 403 — this function's role was refused/);
    });

    test('a role Lattice\'s policy does not allow: refused at /healthz already, reported as identity (not "check API_BASE_URL")', async () => {
      use(STRANGER);
      await expect(getJson('/v1/items/item-0038')).rejects.toMatchObject({ name: 'CallerNotAuthorized' });
      await expect(runHealthCheck(fast)).rejects.toThrow(/identity: \/healthz answered 403 — this function's role was refused: by the Lattice service's auth policy/);
    });
  });
});
