/**
 * The whole identity path on real sockets: the resolver signs with the function's credentials ->
 * TLS front (the NLB's listener) -> the api-service verifies -> a fake STS checks the signature.
 */
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { createCallerVerifier } from '../../api-service/src/caller-identity';
import { CALLERS, OTHER_ROLE, Principal, REGION, WEB, startFakeSts, FakeSts } from '../../api-service/test/fake-sts';
import { Started, startServer, waitForLine } from '../../api-service/test/helpers';
import { resetApiClient } from '../src/api-client';
import { regionalStsHost } from '../src/caller-token';
import { ResolverError } from '../src/errors';
import { ResolverEvent, handler } from '../src/handler';
import { runHealthCheck } from '../src/healthcheck';
import { API_HOST, TestPki, createPki, useApi } from './fake-api';

const event = (id: string): ResolverEvent =>
  ({
    arguments: { id },
    identity: null,
    source: null,
    request: { headers: {}, domainName: null },
    info: { selectionSetList: [], selectionSetGraphQL: '', parentTypeName: 'Query', fieldName: 'item', variables: {} },
    prev: null,
    stash: {},
  }) as unknown as ResolverEvent;

const credentialsEnv = (p: Principal): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: p.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: p.credentials.secretAccessKey,
  AWS_SESSION_TOKEN: p.credentials.sessionToken ?? '',
  AWS_REGION: REGION,
  API_AUDIENCE: 'items',
});

describe('resolver -> TLS -> api-service with caller identity -> STS', () => {
  let pki: TestPki;
  let sts: FakeSts;
  let api: Started;
  let front: tls.Server;
  let frontPort: number;
  const saved = { ...process.env };

  beforeAll(async () => {
    pki = await createPki();
    sts = await startFakeSts([WEB, OTHER_ROLE]);
    api = await startServer({
      callerIdentity: createCallerVerifier({
        apiName: 'items',
        stsRegion: REGION,
        stsHost: regionalStsHost(REGION),
        stsEndpoint: `http://127.0.0.1:${sts.port}`,
        callers: CALLERS,
      }),
    });
    front = tls.createServer({ key: pki.leaf.key, cert: pki.leaf.cert }, (socket) => {
      const upstream = net.connect(api.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const close = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
      socket.on('close', close);
      upstream.on('close', close);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontPort = (front.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    process.env = saved;
    resetApiClient();
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await api.api.close();
    await sts.close();
  });
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  test("the listed consumer's resolver gets the item; the API logs the consumer", async () => {
    useApi(frontPort, pki.ca.cert, credentialsEnv(WEB));
    await expect(handler(event('item-0001'))).resolves.toMatchObject({ id: 'item-0001' });
    const line = await waitForLine(api.logs, (l) => l.msg === 'request' && l.path === '/v1/items/item-0001');
    expect(line).toMatchObject({ status: 200, consumer: 'web' });
  });

  test("another role of the consumer's account can sign a token, and the API refuses it (403)", async () => {
    useApi(frontPort, pki.ca.cert, credentialsEnv(OTHER_ROLE));
    const err = await handler(event('item-0002')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResolverError);
    const line = await waitForLine(api.logs, (l) => l.msg === 'request' && l.path === '/v1/items/item-0002');
    expect(line).toMatchObject({ status: 403 });
    expect(line.consumer).toBeUndefined();
  });

  test('the deploy-time health check proves the identity path: the listed role passes, another role fails with a 403 that names the fix', async () => {
    const fast = { attemptTimeoutMs: 2_000, deadlineMs: 5_000, sleep: async () => undefined };
    useApi(frontPort, pki.ca.cert, credentialsEnv(WEB));
    await expect(runHealthCheck(fast)).resolves.toMatchObject({ ok: true });
    useApi(frontPort, pki.ca.cert, credentialsEnv(OTHER_ROLE));
    await expect(runHealthCheck(fast)).rejects.toThrow(/identity: \/v1\/caller answered 403 .*not among the API's callers \(CALLERS\)/);
  });

  test('a direct request to the TLS front without a token gets 401', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', port: frontPort, path: '/v1/items/item-0001', servername: API_HOST, ca: pki.ca.cert, headers: { host: API_HOST } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });
});
