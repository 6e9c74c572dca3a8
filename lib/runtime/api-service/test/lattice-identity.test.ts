/**
 * The api-service with CALLER_IDENTITY_SOURCE=lattice, on real sockets: the caller is read from
 * the identity header VPC Lattice adds (here written by the test, as Lattice would), through the
 * same code path as the STS token: 401, 403, the consumer in the log line and so in the metric.
 */
import { CallerIdentitySource } from '../src/caller-identity-source';
import { CALLER_PATH, CALLER_TOKEN_HEADER } from '../src/contract';
import { loadRuntimeConfig } from '../src/env';
import { LATTICE_IDENTITY_HEADER, createLatticeIdentitySource, parseLatticeIdentity } from '../src/lattice-identity';
import { createIdentitySource } from '../src/service-process';
import { CALLERS, MOBILE, OTHER_ROLE, Principal, WEB } from './fake-sts';
import { Started, request, startServer, waitForLine } from './helpers';

/** The header as Lattice writes it for a role session (AWS, "HTTP targets in VPC Lattice"). */
const identityOf = (p: Principal, session = 'resolver-session'): string =>
  `Principal=arn:aws:sts::${p.account}:assumed-role/${p.role}/${session}; PrincipalOrgID=o-example; PrincipalOrgPaths=o-example/r-ab12/ou-ab12-11111111; SessionName=${session}; Type=AWS_IAM`;
const withIdentity = (value: string): { headers: Record<string, string> } => ({ headers: { [LATTICE_IDENTITY_HEADER]: value } });

/**
 * What the per-consumer metric counts: the API's monitoring derives it from the request lines with
 * the filter `{ $.msg = "request" && $.consumer = * }` and the dimension `Consumer = $.consumer`.
 */
const consumerDimension = (line: Record<string, unknown>): string | undefined =>
  line.msg === 'request' && typeof line.consumer === 'string' ? line.consumer : undefined;

describe('api-service caller identity from VPC Lattice', () => {
  let s: Started;
  let source: CallerIdentitySource;

  beforeAll(async () => {
    const settings = loadRuntimeConfig({ CALLER_IDENTITY_SOURCE: 'lattice', CALLERS: JSON.stringify(CALLERS), API_NAME: 'items' }).callerIdentity;
    source = createIdentitySource(settings!);
    s = await startServer({ callerIdentity: source });
  });
  afterAll(async () => {
    await s.api.close();
  });

  const lineOf = (path: string) => waitForLine(s.logs, (l) => l.msg === 'request' && l.path === path);

  test('/healthz stays open without an identity (Lattice\'s own health checks carry none)', async () => {
    expect((await request(s.port, '/healthz')).status).toBe(200);
  });

  test('no identity header -> 401 UNAUTHENTICATED, counted for no consumer', async () => {
    const res = await request(s.port, '/v1/items/item-0003');
    expect([res.status, res.json.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(consumerDimension(await lineOf('/v1/items/item-0003'))).toBeUndefined();
  });

  test.each([
    ['an anonymous caller (no principal)', 'Principal=; PrincipalOrgID=; SessionName=; Type=ANONYMOUS'],
    ['a principal of another authentication type', `Principal=arn:aws:sts::${WEB.account}:assumed-role/${WEB.role}/s; Type=SOMETHING_ELSE`],
    ['an empty header', ''],
  ])('%s -> 401', async (_name, value) => {
    const res = await request(s.port, '/v1/items/item-0001', withIdentity(value));
    expect([res.status, res.json.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  test('two identity headers -> 401 (Lattice sends one)', async () => {
    const res = await request(s.port, '/v1/items/item-0001', { headers: [LATTICE_IDENTITY_HEADER, identityOf(WEB), LATTICE_IDENTITY_HEADER, identityOf(MOBILE)] as unknown as Record<string, string> });
    expect(res.status).toBe(401);
  });

  test.each([
    ['another role of a listed account', identityOf(OTHER_ROLE)],
    ['a listed role name in an unlisted account', identityOf({ ...WEB, account: '999999999999' })],
    ['an IAM user of a listed account', `Principal=arn:aws:iam::${WEB.account}:user/${WEB.role}; SessionName=; Type=AWS_IAM`],
  ])('%s -> 403 FORBIDDEN, counted for no consumer', async (_name, value) => {
    const path = `/v1/items/item-00${10 + Math.floor(Math.random() * 80)}`;
    const res = await request(s.port, path, withIdentity(value));
    expect([res.status, res.json.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(consumerDimension(await lineOf(path))).toBeUndefined();
  });

  test('a listed role -> 200; its consumer is in the request log line and so in the per-consumer metric', async () => {
    const res = await request(s.port, '/v1/items/item-0002', withIdentity(identityOf(WEB)));
    expect([res.status, res.json.id]).toEqual([200, 'item-0002']);
    const line = await lineOf('/v1/items/item-0002');
    expect(line).toMatchObject({ status: 200, consumer: CALLERS.find((c) => c.role === WEB.role)!.consumer });
    expect(consumerDimension(line)).toBe('web');
  });

  test('keys in another order, extra keys, escaped semicolons: still the listed role', async () => {
    const value = `Type=AWS_IAM;NewKey=a\\;b;SessionName=xy;Principal=arn:aws:sts::${MOBILE.account}:assumed-role/${MOBILE.role}/xy`;
    const res = await request(s.port, CALLER_PATH, withIdentity(value));
    expect([res.status, res.json]).toEqual([200, { consumer: 'mobile' }]);
  });

  test('a caller token is not an identity in this mode (no STS behind it): 401', async () => {
    const res = await request(s.port, '/v1/items/item-0001', { headers: { [CALLER_TOKEN_HEADER]: 'aGVsbG8' } });
    expect(res.status).toBe(401);
  });

  test('the same header again is answered from the last one parsed, and a new one is parsed', async () => {
    const other = createLatticeIdentitySource({ apiName: 'items', callers: CALLERS });
    const req = (value: string) => ({ headersDistinct: { [LATTICE_IDENTITY_HEADER]: [value] } }) as never;
    expect(other.identify(req(identityOf(WEB)))).toMatchObject({ consumer: 'web' });
    expect(other.identify(req(identityOf(WEB)))).toMatchObject({ consumer: 'web' });
    expect(() => other.identify(req(identityOf(OTHER_ROLE)))).toThrow('not allowed');
    expect(other.identify(req(identityOf(MOBILE)))).toMatchObject({ consumer: 'mobile' });
  });
});

describe('parseLatticeIdentity', () => {
  test('a key=value; map in any order, values trimmed, backslash-escaped semicolons kept, empty values kept', () => {
    expect(Object.fromEntries(parseLatticeIdentity('Principal=arn:x; PrincipalOrgID=; Tag=a\\;b;Type=AWS_IAM;'))).toEqual({
      Principal: 'arn:x',
      PrincipalOrgID: '',
      Tag: 'a;b',
      Type: 'AWS_IAM',
    });
  });
});

describe('CALLER_IDENTITY_SOURCE', () => {
  const callers = JSON.stringify(CALLERS);

  test('lattice needs CALLERS and API_NAME, and no STS setting', () => {
    expect(loadRuntimeConfig({ CALLER_IDENTITY_SOURCE: 'lattice', CALLERS: callers, API_NAME: 'items' }).callerIdentity).toEqual({
      source: 'lattice',
      apiName: 'items',
      callers: CALLERS,
    });
  });

  test('unset is sts-token, as before', () => {
    expect(loadRuntimeConfig({ CALLERS: callers, API_NAME: 'items', STS_REGION: 'eu-west-1' }).callerIdentity?.source).toBe('sts-token');
  });

  test.each([
    [{ CALLER_IDENTITY_SOURCE: 'iam', CALLERS: callers, API_NAME: 'items' }, 'CALLER_IDENTITY_SOURCE must be "sts-token" or "lattice" (or unset for "sts-token"), got "iam"'],
    [{ CALLER_IDENTITY_SOURCE: 'lattice', API_NAME: 'items' }, 'CALLERS must be set when CALLER_IDENTITY_SOURCE is "lattice"'],
    [{ CALLER_IDENTITY_SOURCE: 'lattice', CALLERS: callers }, 'API_NAME must be set'],
    [{ CALLER_IDENTITY_SOURCE: 'sts-token', CALLERS: callers, API_NAME: 'items' }, 'STS_REGION must be an AWS region'],
  ])('fails naming the variable: %j', (env, message) => {
    expect(() => loadRuntimeConfig(env)).toThrow(message);
  });
});
