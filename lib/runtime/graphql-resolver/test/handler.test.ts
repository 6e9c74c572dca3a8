import { buildSchema, graphql, GraphQLResolveInfo } from 'graphql';
import { apiRuntimeOf, mergedSchema } from '../../../config/api-runtime';
import { destroyAgent, getAgentStats, resetApiClient } from '../src/api-client';
import { ResolverError } from '../src/errors';
import { BAD_REQUEST_MESSAGE, NOT_FOUND_MESSAGE } from '../src/status-errors';
import { GRAPHQL_PREFIX_ENV } from '../src/graphql-prefix';
import { handler, pickRequestId, ResolverEvent } from '../src/handler';
import { resolveRequestId } from '../../api-service/src/request-id';
import { API_HOST, FIXTURE_ITEMS, FakeApi, TestPki, closedPort, createPki, startFakeApi, useApi } from './fake-api';

function event(fieldName: string, args: Record<string, unknown>, requestId?: string): ResolverEvent {
  return {
    arguments: args,
    identity: null,
    source: null,
    request: { headers: requestId ? { 'x-amzn-requestid': requestId } : {}, domainName: null },
    info: { selectionSetList: [], selectionSetGraphQL: '', parentTypeName: 'Query', fieldName, variables: {} },
    prev: null,
    stash: {},
  } as unknown as ResolverEvent;
}

async function expectResolverError(promise: Promise<unknown>): Promise<ResolverError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ResolverError);
    return err as ResolverError;
  }
  throw new Error('expected the handler to throw');
}

/** The GraphQL-visible parts of an error must not reveal where the API lives. */
function expectNoLeak(err: ResolverError, port: number): void {
  const visible = `${err.name} ${err.message} ${JSON.stringify(err)} ${err.stack ?? ''}`;
  expect(visible).not.toContain('127.0.0.1');
  expect(visible).not.toContain(String(port));
  expect(visible).not.toContain(API_HOST);
  expect(visible).not.toContain('10.1.2.3'); // from the fake 500 body
  expect(visible).not.toMatch(/ECONN|ETIMEDOUT|socket hang up/);
}

let pki: TestPki;
let api: FakeApi;
let logs: string[];

beforeAll(async () => {
  pki = await createPki();
  api = await startFakeApi(pki.leaf);
});

afterAll(async () => {
  resetApiClient();
  await api?.close();
});

beforeEach(() => {
  useApi(api.port, pki.ca.cert);
  api.mode = 'normal';
  api.misbehaveCount = 0;
  logs = [];
  for (const method of ['log', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logs.push(String(args[0]));
    });
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  destroyAgent();
});

describe('successful resolution', () => {
  test('item returns the item and sends SNI, Host and x-request-id for the base URL host', async () => {
    await expect(handler(event('item', { id: 'item-0007' }, 'req-abc-123'))).resolves.toEqual(FIXTURE_ITEMS[6]);
    const last = api.requests[api.requests.length - 1];
    expect(last.url).toBe('/v1/items/item-0007');
    expect(last.headers.host).toBe(API_HOST);
    expect(last.headers['x-request-id']).toBe('req-abc-123');
    // The same id in the resolver's own log line: one id finds the request on both sides.
    expect(logs.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'resolved', requestId: 'req-abc-123', field: 'Query.item' }),
    );
    expect(last.servername).toBe(API_HOST);
  });

  test.each(['0f2e-abc', '.abc', '_x', ':1', 'a'.repeat(129), 'a b'])(
    'the request id sent for AppSync id %j is the one the api-service logs',
    (appsyncId) => {
      const sent = pickRequestId({ request: { headers: { 'x-amzn-requestid': appsyncId }, domainName: null } });
      expect(resolveRequestId(sent)).toBe(sent); // the api-service keeps it instead of replacing it
    },
  );

  test('a fresh uuid is used when AppSync gives no request id', async () => {
    await handler(event('item', { id: 'item-0001' }));
    expect(api.requests[api.requests.length - 1].headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('items without arguments omits the query string and returns the first page', async () => {
    const page = await handler(event('items', {}));
    expect(api.requests[api.requests.length - 1].url).toBe('/v1/items');
    expect(page).toEqual({ items: FIXTURE_ITEMS.slice(0, 20), nextCursor: 'c20' });
  });

  test('items with limit and cursor passes both and follows pagination', async () => {
    const page = await handler(event('items', { limit: 10, cursor: 'c40' }));
    expect(api.requests[api.requests.length - 1].url).toBe('/v1/items?limit=10&cursor=c40');
    expect(page).toEqual({ items: FIXTURE_ITEMS.slice(40), nextCursor: null });
  });

  test('null arguments are treated as absent', async () => {
    await handler(event('items', { limit: null, cursor: null }));
    expect(api.requests[api.requests.length - 1].url).toBe('/v1/items');
  });
});

describe('argument validation (no upstream call)', () => {
  test.each([
    ['item', { id: 'has space' }],
    ['item', { id: 'x'.repeat(65) }],
    ['item', {}],
    ['items', { limit: 0 }],
    ['items', { limit: 101 }],
    ['items', { limit: 2.5 }],
    ['items', { cursor: '' }],
  ])('%s %j -> BadRequest', async (field, args) => {
    const before = api.requests.length;
    const err = await expectResolverError(handler(event(field, args)));
    expect(err.name).toBe('BadRequest');
    expect(api.requests.length).toBe(before);
  });

  test('unknown field -> UnsupportedField', async () => {
    const err = await expectResolverError(handler(event('deleteEverything', {})));
    expect(err.name).toBe('UnsupportedField');
  });
});

describe('upstream error mapping', () => {
  test('API 400 -> BadRequest with the resolver\'s message; the API\'s only in the log', async () => {
    const err = await expectResolverError(handler(event('items', { cursor: 'not-a-cursor' })));
    expect(err.name).toBe('BadRequest');
    expect(err.message).toBe(BAD_REQUEST_MESSAGE);
    expectNoLeak(err, api.port);
    expect(logs.join('\n')).toContain('cursor is invalid');
  });

  test('API 404 -> NotFound with the resolver\'s message; the API\'s only in the log', async () => {
    const err = await expectResolverError(handler(event('item', { id: 'item-9999' })));
    expect(err.name).toBe('NotFound');
    expect(err.message).toBe(NOT_FOUND_MESSAGE);
    expect(logs.join('\n')).toContain('item item-9999 not found');
  });

  test('API 500 -> UpstreamUnavailable without the upstream body', async () => {
    api.mode = 'status500';
    api.misbehaveCount = 1;
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.name).toBe('UpstreamUnavailable');
    expectNoLeak(err, api.port);
    // ... but the details are logged for operators.
    expect(logs.join('\n')).toContain('database at 10.1.2.3 exploded');
  });

  test('slow API -> UpstreamTimeout', async () => {
    useApi(api.port, pki.ca.cert, { API_TIMEOUT_MS: '300' });
    api.mode = 'slow';
    api.slowMs = 2_000;
    api.misbehaveCount = 1;
    const started = Date.now();
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.name).toBe('UpstreamTimeout');
    expect(Date.now() - started).toBeLessThan(1_500);
    expectNoLeak(err, api.port);
  });

  test('invalid JSON -> UpstreamBadResponse', async () => {
    api.mode = 'badJson';
    api.misbehaveCount = 1;
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.name).toBe('UpstreamBadResponse');
    expect(err.message).not.toContain('oops');
  });

  test.each([['item', { id: 'item-0001' }], ['items', {}]])('wrong shape for %s -> UpstreamBadResponse', async (field, args) => {
    api.mode = 'wrongShape';
    api.misbehaveCount = 1;
    const err = await expectResolverError(handler(event(field, args)));
    expect(err.name).toBe('UpstreamBadResponse');
  });

  test('socket reset -> UpstreamUnavailable', async () => {
    api.mode = 'reset';
    api.misbehaveCount = -1;
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.name).toBe('UpstreamUnavailable');
    expectNoLeak(err, api.port);
  });

  test('connection refused -> UpstreamUnavailable, connect address only in the logs', async () => {
    const port = await closedPort();
    useApi(port, pki.ca.cert);
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.name).toBe('UpstreamUnavailable');
    expectNoLeak(err, port);
    const logged = logs.join('\n');
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).toContain('127.0.0.1');
  });

  test('missing configuration -> InternalError with a generic message', async () => {
    delete process.env.API_BASE_URL;
    resetApiClient();
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.name).toBe('InternalError');
    expect(err.message).not.toContain('API_BASE_URL');
    expect(logs.join('\n')).toContain('API_BASE_URL is not set');
  });
});

describe('TLS verification', () => {
  test.each([
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID', "is not valid for the service's host name"],
    ['untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'is not issued by a trusted certificate authority'],
    ['expired', 'CERT_HAS_EXPIRED', 'has expired'],
    ['selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'is self-signed'],
  ] as const)('a %s certificate is rejected (%s) as a certificate problem, not an outage', async (which, code, problem) => {
    const bad = await startFakeApi(pki[which]);
    try {
      useApi(bad.port, pki.ca.cert);
      const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
      expect(err.name).toBe('UpstreamCertificateRejected');
      expect(err.message).toContain(`certificate ${problem}`);
      expect(err.message).not.toMatch(/retry/i);
      expect(err.details.code).toBe(code);
      expect(err.details.phase).toBe('tls');
      expect(bad.requests).toHaveLength(0); // no request was ever sent
      expectNoLeak(err, bad.port);
    } finally {
      destroyAgent();
      await bad.close();
    }
  });

  test('the server certificate is not trusted without the extra CA', async () => {
    useApi(api.port, pki.ca.cert, { API_CA_PEM: undefined });
    const err = await expectResolverError(handler(event('item', { id: 'item-0001' })));
    expect(err.details.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});

describe('connection reuse', () => {
  test('1,000 sequential invocations use a single TLS connection', async () => {
    destroyAgent();
    const before = api.tlsConnections;
    for (let i = 0; i < 1_000; i++) {
      const id = FIXTURE_ITEMS[i % FIXTURE_ITEMS.length].id;
      const result = await handler(event(i % 10 === 0 ? 'items' : 'item', i % 10 === 0 ? { limit: 5 } : { id }));
      expect(result).toBeDefined();
    }
    const opened = api.tlsConnections - before;
    expect(opened).toBe(1);
    expect(getAgentStats().connectionsOpened).toBe(1);
    expect(getAgentStats().freeSockets).toBe(1);
  });

  test('an idle socket older than IDLE_REUSE_WINDOW_MS is not reused; a younger one is', async () => {
    const realNow = Date.now.bind(Date);
    let skew = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    const before = api.tlsConnections;
    await handler(event('item', { id: 'item-0001' }));
    skew = 29_000; // still inside the window
    await handler(event('item', { id: 'item-0002' }));
    expect(api.tlsConnections - before).toBe(1);
    skew += 30_001; // idle for more than 30 s since the last response
    await handler(event('item', { id: 'item-0003' }));
    expect(api.tlsConnections - before).toBe(2);
    expect(getAgentStats().staleSocketsEvicted).toBe(1);
  });

  test('a reused socket closed by the server is retried once on a fresh connection', async () => {
    await handler(event('item', { id: 'item-0001' }));
    api.mode = 'reset';
    api.misbehaveCount = 1; // only the first attempt (on the reused socket) is reset
    await expect(handler(event('item', { id: 'item-0002' }))).resolves.toEqual(FIXTURE_ITEMS[1]);
    expect(getAgentStats().staleSocketRetries).toBe(1);
  });

  test('with three dead pooled sockets, the retry goes out on a new connection', async () => {
    // Three concurrent slow requests leave three sockets in the pool.
    api.mode = 'slow';
    api.slowMs = 200;
    api.misbehaveCount = 3;
    await Promise.all(['item-0001', 'item-0002', 'item-0003'].map((id) => handler(event('item', { id }))));
    expect(getAgentStats().freeSockets).toBe(3);
    const opened = api.tlsConnections;
    api.poisonOpenConnections();
    await expect(handler(event('item', { id: 'item-0004' }))).resolves.toEqual(FIXTURE_ITEMS[3]);
    expect(getAgentStats().staleSocketRetries).toBe(1);
    expect(api.tlsConnections - opened).toBe(1);
  });
});

describe('under its API\'s graphqlPrefix (two APIs of this runtime in one consumer schema)', () => {
  afterEach(() => {
    delete process.env[GRAPHQL_PREFIX_ENV];
  });

  test('the prefixed fields resolve, and the fragment\'s own names no longer do', async () => {
    process.env[GRAPHQL_PREFIX_ENV] = 'archive';
    await expect(handler(event('archiveItem', { id: 'item-0003' }))).resolves.toEqual(FIXTURE_ITEMS[2]);
    await expect(handler(event('archiveItems', { limit: 2 }))).resolves.toMatchObject({ items: FIXTURE_ITEMS.slice(0, 2) });
    expect((await expectResolverError(handler(event('item', { id: 'item-0003' })))).name).toBe('UnsupportedField');
  });

  test('graphql-js executes the merged schema: each field by its own API\'s function, the prefixed one told its prefix', async () => {
    // Two functions of one handler: the catalogue's (no prefix) and the archive's (GRAPHQL_PREFIX=archive), as the constructs set them.
    const runtimes = [apiRuntimeOf({}), apiRuntimeOf({ graphqlPrefix: 'archive' })];
    const schema = buildSchema(mergedSchema(runtimes));
    const lambda = (prefix: string | undefined) => (args: Record<string, unknown>, _context: unknown, info: GraphQLResolveInfo) => {
      // The handler reads its prefix before its first await, as each Lambda function reads its own environment.
      if (prefix) process.env[GRAPHQL_PREFIX_ENV] = prefix;
      else delete process.env[GRAPHQL_PREFIX_ENV];
      return handler(event(info.fieldName, args));
    };
    const rootValue = Object.fromEntries(runtimes.flatMap((r) => r.graphql.queryFields.map((f) => [f, lambda(r.graphql.prefix)])));
    const result = await graphql({ schema, rootValue, source: '{ item(id: "item-0001") { id name priceCents } archiveItem(id: "item-0002") { id name } archiveItems(limit: 1) { items { id } nextCursor } }' });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      item: { id: FIXTURE_ITEMS[0].id, name: FIXTURE_ITEMS[0].name, priceCents: FIXTURE_ITEMS[0].priceCents },
      archiveItem: { id: FIXTURE_ITEMS[1].id, name: FIXTURE_ITEMS[1].name },
      archiveItems: { items: [{ id: FIXTURE_ITEMS[0].id }], nextCursor: expect.any(String) },
    });
  });
});
