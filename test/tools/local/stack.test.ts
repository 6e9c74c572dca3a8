/**
 * `npm start`'s local stack, end to end on 127.0.0.1 (free ports, temporary state directory), for
 * every API the example's Dev storefront calls: GraphQL (graphql-http, the consumer's merged schema)
 * -> each API's real Lambda handler (its own worker) -> its TLS front -> its service process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { apiRuntimeOf, mergedSchema } from '../../../lib/config/api-runtime';
import { exampleConfig } from '../../../lib/config/environments';
import { BAD_REQUEST_MESSAGE, NOT_FOUND_MESSAGE } from '../../../lib/runtime/graphql-resolver/src/status-errors';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_GRAPHQL_BODY_BYTES, QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../../lib/runtime/graphql-resolver/graphql-limits';
import { banner, parseArgs } from '../../../tools/local/main';
import { LocalApi, LocalStack, PortUnavailableError, startLocalStack } from '../../../tools/local/stack';

interface GqlError {
  message: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
  errorType?: string;
}
interface GqlResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: { data?: any; errors?: GqlError[] };
}

async function gql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  accept = 'application/json',
): Promise<GqlResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResponse['body'] };
}

/** Resolves when `port` can be bound on 127.0.0.1 again (then releases it). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function captureConsole(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spies = (['log', 'warn', 'error'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ITEM_FIELDS = 'id name description priceCents tags';

/** The example's Dev and the APIs its first consumer calls: what `npm start` runs by default. */
const DEV = exampleConfig.environments[0];
const STOREFRONT = DEV.consumers[0];
const CALLED = DEV.apis.filter((a) => STOREFRONT.calls.includes(a.name));

/**
 * The hop lines of request `rid` once there are `count`: each service's line crosses a pipe from its
 * own process, so it may arrive a moment after the GraphQL response.
 */
async function hopLines(logs: readonly string[], rid: string, count: number): Promise<string[]> {
  const mine = (): string[] => logs.filter((l) => l.includes(`rid=${rid}`));
  await waitFor(() => mine().length >= count);
  return mine();
}

/** Lets the service log lines of the requests before arrive (see hopLines), so counts start from rest. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

/** Is `pid` a live process? */
function alive(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** The certificate an API's front presents for `servername`, and whether it verifies for `name` against the local CA. */
function frontCertificate(stack: LocalStack, api: LocalApi, servername: string): Promise<{ subjectaltname?: string; verifies: (name: string) => boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: stack.host, port: api.frontPort, servername, ca: readFileSync(stack.caFile), checkServerIdentity: () => undefined }, () => {
      const cert = socket.getPeerCertificate();
      const chainOk = socket.authorized;
      // end(), not destroy(): in TLS 1.3 the server finishes its side of the handshake after the
      // client's, and a reset now would count as a failed handshake at the front.
      socket.end();
      resolve({ subjectaltname: cert.subjectaltname, verifies: (name) => chainOk && tls.checkServerIdentity(name, cert) === undefined });
    });
    socket.on('error', reject);
  });
}

describe('local stack: GraphQL -> Lambda handler -> TLS front -> api-service', () => {
  let stack: LocalStack;
  let stateDir: string;
  const logs: string[] = [];
  let handlerLogs: ReturnType<typeof captureConsole>;

  beforeAll(async () => {
    handlerLogs = captureConsole(); // the handler's own JSON failure lines
    stateDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
    stack = await startLocalStack({ stateDir, log: (line) => logs.push(line) });
  });

  afterAll(async () => {
    await stack?.stop();
    handlerLogs.restore();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('runs every API the first environment\'s first consumer calls, each with its own front, service and resolver environment, on loopback ports', () => {
    expect(CALLED.length).toBeGreaterThanOrEqual(2); // the example's Dev storefront calls two
    expect(stack.consumer).toBe(STOREFRONT.name);
    expect(stack.apis.map((a) => [a.name, a.domain, a.runtime])).toEqual(CALLED.map((a) => [a.name, a.domain, apiRuntimeOf(a).folder]));
    expect(stack.schema).toBe(mergedSchema(CALLED.map(apiRuntimeOf)));
    expect(stack.graphqlUrl).toBe(`http://127.0.0.1:${stack.graphqlPort}/graphql`);
    const ports = [stack.graphqlPort, ...stack.apis.flatMap((a) => [a.frontPort, a.apiPort])];
    expect(new Set(ports).size).toBe(ports.length);
    for (const api of stack.apis) {
      expect(api.resolverEnv).toMatchObject({
        API_BASE_URL: `https://${api.domain}`, API_CONNECT_HOST: '127.0.0.1', API_CONNECT_PORT: String(api.frontPort), API_CA_FILE: join(stateDir, 'ca.pem'), API_AUDIENCE: api.name,
      });
      expect(alive(api.pid)).toBe(true);
    }
    // This process's environment is the first API's resolver's, for in-process callers (the bench).
    expect(process.env.API_CONNECT_PORT).toBe(String(stack.apis[0].frontPort));
    expect(stack.curlCommand).toContain(stack.graphqlUrl);
  });

  test('one query of every API\'s field: each resolved by its own API, each request reaching that API\'s service only (hop log and counts)', async () => {
    const samples = stack.apis.map((a) => a.sample!);
    const query = `{ ${samples.map((s, i) => `a${i}: ${s.query.slice(1, -1).trim()}`).join(' ')} }`;
    await settle();
    const before = stack.apis.map((a) => a.stats().apiRequests);
    logs.length = 0;
    const res = await gql(stack.graphqlUrl, query);
    expect(res.body.errors).toBeUndefined();
    const rid = (res.headers.get('x-amzn-requestid') ?? '').slice(0, 8);
    const mine = await hopLines(logs, rid, 1 + 3 * stack.apis.length);
    expect(stack.apis.map((a, i) => a.stats().apiRequests - before[i])).toEqual(stack.apis.map(() => 1));
    // Each field is what its own service answers.
    for (const [i, api] of stack.apis.entries()) {
      const direct = (await (await fetch(`${api.apiUrl}${api.sample!.path}`, { headers: api.callerHeaders() })).json()) as Record<string, unknown>;
      const answered = res.body.data[`a${i}`] as Record<string, unknown>;
      expect(Object.keys(answered).length).toBeGreaterThan(1);
      for (const [k, v] of Object.entries(answered)) expect(direct[k]).toEqual(v);
    }
    for (const api of stack.apis) {
      const own = mine.filter((l) => l.split(' ')[0].endsWith(`@${api.name}`));
      expect(own.map((l) => l.split(' ')[0])).toEqual(['resolver', 'tls-front', 'api-service'].map((h) => `${h}@${api.name}`));
      // Its field only, its path only, its own front's connection to its own service.
      expect(own[0]).toContain(`Query.${api.fields.find((f) => api.sample!.query.includes(`${f}(`))}(`);
      expect(own[1]).toContain(`GET ${api.sample!.path} -> tcp 127.0.0.1:${api.apiPort} `);
      expect(own[2]).toMatch(new RegExp(`^api-service@${api.name} +GET ${api.sample!.path} 200 .*consumer ${STOREFRONT.name}`));
    }
  });

  test('the banner prints a curl per API, its front\'s refused direct request, and names each API', () => {
    const text = banner(stack);
    for (const api of stack.apis) {
      expect(text).toContain(api.sample!.curl);
      expect(text).toContain(api.curlFrontCommand);
      expect(api.curlFrontCommand).toContain(`--resolve ${api.domain}:${api.frontPort}:127.0.0.1 https://${api.domain}:${api.frontPort}${api.sample!.path}`);
      expect(text).toMatch(new RegExp(`^  ${api.name} +${api.domain.replace(/\./g, '\\.')} \\(lib/runtime/${api.runtime};`, 'm'));
    }
    // The README's quick start is the first API's curl.
    expect(stack.curlCommand).toBe(stack.apis[0].sample!.curl);
  });

  test('an item, identical to what the api-service returns', async () => {
    const direct = (await (await fetch(`${stack.apiUrl}/v1/items/item-0001`, { headers: stack.callerHeaders() })).json()) as Record<string, unknown>;
    const res = await gql(stack.graphqlUrl, `{ item(id: "item-0001") { ${ITEM_FIELDS} } }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.item).toEqual(direct);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('one concise log line per hop for one request, correlated by request id', async () => {
    logs.length = 0;
    const res = await gql(stack.graphqlUrl, '{ item(id: "item-0002") { id } }');
    const rid = (res.headers.get('x-amzn-requestid') ?? '').slice(0, 8);
    const mine = await hopLines(logs, rid, 4);
    // Written in path order (inner hops are held back until the GraphQL request completes).
    expect(mine.map((l) => l.split(' ')[0])).toEqual(['graphql', 'resolver@catalogue', 'tls-front@catalogue', 'api-service@catalogue']);
    expect(mine[0]).toMatch(/POST \/graphql 200 item /);
    expect(mine[1]).toContain('Query.item(id: "item-0002") -> ok');
    expect(mine[2]).toContain('GET /v1/items/item-0002 -> tcp 127.0.0.1:');
    expect(mine[3]).toMatch(/GET \/v1\/items\/item-0002 200/);
  });

  test('a page of items, then the next page through nextCursor', async () => {
    const query = `query Page($cursor: String) { items(limit: 5, cursor: $cursor) { items { id } nextCursor } }`;
    const first = await gql(stack.graphqlUrl, query);
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data.items;
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual(['item-0001', 'item-0002', 'item-0003', 'item-0004', 'item-0005']);
    expect(typeof page1.nextCursor).toBe('string');

    const second = await gql(stack.graphqlUrl, query, { cursor: page1.nextCursor });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data.items.items.map((i: { id: string }) => i.id)).toEqual([
      'item-0006',
      'item-0007',
      'item-0008',
      'item-0009',
      'item-0010',
    ]);
    const direct = (await (await fetch(`${stack.apiUrl}/v1/items?limit=5&cursor=${page1.nextCursor}`, { headers: stack.callerHeaders() })).json()) as {
      nextCursor: string;
    };
    expect(second.body.data.items.nextCursor).toBe(direct.nextCursor);
  });

  test('a missing item: data.item is null and the error has errorType NotFound (AppSync shape)', async () => {
    const res = await gql(stack.graphqlUrl, '{ item(id: "item-9999") { id name } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ item: null });
    expect(res.body.errors).toEqual([
      {
        // The resolver's words: the API's own message goes to the resolver's log only.
        message: NOT_FOUND_MESSAGE,
        locations: [{ line: 1, column: 3 }],
        path: ['item'],
        extensions: { errorType: 'NotFound' },
        errorType: 'NotFound',
        data: null,
        errorInfo: null,
      },
    ]);
  });

  test.each([
    ['limit: 0', '{ items(limit: 0) { nextCursor } }', 'limit must be an integer between 1 and 100.'],
    ['limit: 1000', '{ items(limit: 1000) { nextCursor } }', 'limit must be an integer between 1 and 100.'],
    ['a malformed cursor (rejected by the api-service)', '{ items(cursor: "nope!") { nextCursor } }', BAD_REQUEST_MESSAGE],
  ])('bad argument %s -> BadRequest, data null (items is non-null)', async (_name, query, message) => {
    const res = await gql(stack.graphqlUrl, query);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]).toMatchObject({ message, path: ['items'], errorType: 'BadRequest', extensions: { errorType: 'BadRequest' } });
  });

  test('a bad item id -> BadRequest without calling the API', async () => {
    await settle();
    const before = stack.stats().apiRequests;
    const res = await gql(stack.graphqlUrl, '{ item(id: "not valid!") { id } }');
    expect(res.body.data).toEqual({ item: null });
    expect(res.body.errors?.[0].errorType).toBe('BadRequest');
    expect(stack.stats().apiRequests).toBe(before);
  });

  test('a validation error (unknown field) never reaches the resolver: 400 from graphql-http', async () => {
    const before = stack.stats().resolverInvocations;
    const strict = await gql(
      stack.graphqlUrl,
      '{ item(id: "item-0001") { id nope } }',
      undefined,
      'application/graphql-response+json',
    );
    expect(strict.status).toBe(400);
    expect(strict.body.data).toBeUndefined();
    expect(strict.body.errors).toHaveLength(1); // each validation rule runs once
    expect(strict.body.errors?.[0].message).toContain('Cannot query field "nope" on type "Item".');
    // With `accept: application/json` (curl's and fetch's default is */*), graphql-http keeps the
    // legacy behaviour of the GraphQL-over-HTTP spec: 200 with the same errors and no data.
    const legacy = await gql(stack.graphqlUrl, '{ item(id: "item-0001") { id nope } }');
    expect(legacy.status).toBe(200);
    expect(legacy.body.data).toBeUndefined();
    expect(legacy.body.errors?.[0].message).toContain('Cannot query field "nope" on type "Item".');
    expect(stack.stats().resolverInvocations).toBe(before);
  });

  test('50 sequential queries reuse the resolver connection: at most 2 TLS handshakes in total', async () => {
    for (let i = 1; i <= 50; i += 1) {
      const id = `item-${String(i).padStart(4, '0')}`;
      const res = await gql(stack.graphqlUrl, `{ item(id: "${id}") { id } }`);
      expect(res.body.data.item.id).toBe(id);
    }
    const stats = stack.apis[0].stats();
    expect(stats.tlsHandshakes).toBeGreaterThanOrEqual(1);
    expect(stats.tlsHandshakes).toBeLessThanOrEqual(2);
    expect(stats.resolverConnectionsOpened).toBe(stats.tlsHandshakes);
    expect(stats.tlsHandshakeFailures).toBe(0);
  });

  // After the handshake count: each request straight to a front is a handshake of its own.
  test('each API\'s front presents a certificate for its own name only, from the local CA', async () => {
    for (const api of stack.apis) {
      const cert = await frontCertificate(stack, api, api.domain);
      expect(cert.subjectaltname).toBe(`DNS:${api.domain}`);
      expect(cert.verifies(api.domain)).toBe(true);
      for (const other of stack.apis.filter((a) => a !== api)) expect(cert.verifies(other.domain)).toBe(false);
    }
  });

  test('caller identity is on: the resolver\'s requests carry its role\'s token (the API logs its consumer); a request with no token gets 401, straight or through the TLS front', async () => {
    const res = await gql(stack.graphqlUrl, '{ item(id: "item-0002") { id } }');
    expect(res.body.data.item).toEqual({ id: 'item-0002' });
    await hopLines(logs, (res.headers.get('x-amzn-requestid') ?? '').slice(0, 8), 4);
    expect(logs.some((l) => l.includes('api-service') && l.includes('/v1/items/item-0002 200') && l.includes(`consumer ${stack.consumer}`))).toBe(true);
    expect((await fetch(`${stack.apiUrl}/v1/items/item-0001`)).status).toBe(401);
    const viaFront = await new Promise<number>((resolve, reject) => {
      const req = https.request({ host: stack.host, port: stack.tlsFrontPort, path: '/v1/items/item-0001', servername: stack.apiName, ca: readFileSync(stack.caFile), headers: { host: stack.apiName } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(viaFront).toBe(401);
    expect(stack.curlTlsFrontCommand).toContain(`https://${stack.apiName}:${stack.tlsFrontPort}/`);
  });

  test('the API\'s request limits apply locally: 11 aliased resolvers or depth 5 never reach the resolver, as AppSync refuses them before any Lambda runs', async () => {
    // After the connection-reuse test: ten resolvers at once open up to ten connections.
    const before = stack.stats().resolverInvocations;
    const aliases = Array.from({ length: RESOLVER_COUNT_LIMIT + 1 }, (_, i) => `a${i}: item(id: "item-0001") { id }`).join(' ');
    const many = await gql(stack.graphqlUrl, `{ ${aliases} }`);
    expect(many.body.data).toBeUndefined();
    expect(many.body.errors?.[0].message).toBe(`Query invokes ${RESOLVER_COUNT_LIMIT + 1} resolvers; the limit is ${RESOLVER_COUNT_LIMIT}.`);
    // Fragments do not hide resolvers or depth.
    const viaFragment = await gql(stack.graphqlUrl, `{ ...F } fragment F on Query { ${aliases} }`);
    expect(viaFragment.body.errors?.[0].message).toContain('resolvers; the limit is');
    const deep = await gql(stack.graphqlUrl, '{ __schema { types { fields { type { name } } } } }');
    expect(deep.body.errors?.[0].message).toBe(`Query depth 5 exceeds the limit of ${QUERY_DEPTH_LIMIT}.`);
    expect(stack.stats().resolverInvocations).toBe(before);
    // At the limit, and at the schema's own deepest query, it works.
    const atLimit = Array.from({ length: RESOLVER_COUNT_LIMIT }, (_, i) => `a${i}: item(id: "item-0001") { id }`).join(' ');
    expect((await gql(stack.graphqlUrl, `{ ${atLimit} }`)).body.errors).toBeUndefined();
    expect((await gql(stack.graphqlUrl, '{ items(limit: 1) { items { tags } } }')).body.errors).toBeUndefined();
  });

  test('a request body over the local cap gets 413 without being parsed', async () => {
    const res = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ item(id: "item-0001") { id } } # ${'x'.repeat(MAX_GRAPHQL_BODY_BYTES)}` }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as GqlResponse['body']).errors?.[0].message).toContain(`exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes`);
  });

  test('stop() closes everything, ends every API\'s service process and releases every port (run last)', async () => {
    const ports = [stack.graphqlPort, ...stack.apis.flatMap((a) => [a.frontPort, a.apiPort])];
    await stack.stop();
    await stack.stop(); // idempotent
    for (const port of ports) expect(await canListen(port)).toBe(true);
    for (const api of stack.apis) expect(alive(api.pid)).toBe(false);
    expect(process.env.API_CONNECT_PORT).toBeUndefined();
    await expect(fetch(stack.graphqlUrl)).rejects.toThrow();
  });
});

describe('local stack, --connectivity lattice: GraphQL -> resolver (SigV4) -> Lattice stand-in -> api-service (CALLER_IDENTITY_SOURCE=lattice)', () => {
  let stack: LocalStack;
  let stateDir: string;
  const logs: string[] = [];
  let handlerLogs: ReturnType<typeof captureConsole>;

  beforeAll(async () => {
    handlerLogs = captureConsole();
    stateDir = mkdtempSync(join(tmpdir(), 'local-stack-lattice-'));
    stack = await startLocalStack({ stateDir, connectivity: 'lattice', log: (line) => logs.push(line) });
  });
  afterAll(async () => {
    await stack?.stop();
    handlerLogs.restore();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** One HTTPS request to the stand-in, verification on, with `headers`. */
  const viaFront = (path: string, headers: Record<string, string> = {}): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: stack.host, port: stack.tlsFrontPort, path, servername: stack.apiName, ca: readFileSync(stack.caFile), headers: { host: stack.apiName, ...headers } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  test('the quick-start query answers, the same item the api-service returns; each hop logs it, Lattice\'s line naming the signer', async () => {
    // The banner's curl, as the README's quick start sends it.
    const query = JSON.parse(/-d '(.*)'$/.exec(stack.curlCommand)![1]) as { query: string };
    expect(query.query).toBe('{ item(id: "item-0001") { id name priceCents } }');
    logs.length = 0;
    const res = await gql(stack.graphqlUrl, query.query);
    expect(res.body.errors).toBeUndefined();
    const direct = (await (await fetch(`${stack.apiUrl}/v1/items/item-0001`, { headers: stack.callerHeaders() })).json()) as Record<string, unknown>;
    expect(res.body.data.item).toEqual({ id: direct.id, name: direct.name, priceCents: direct.priceCents });
    const rid = (res.headers.get('x-amzn-requestid') ?? '').slice(0, 8);
    const mine = await hopLines(logs, rid, 4);
    expect(mine.map((l) => l.split(' ')[0])).toEqual(['graphql', 'resolver@catalogue', 'lattice@catalogue', 'api-service@catalogue']);
    expect(mine[2]).toMatch(/GET \/v1\/items\/item-0001 -> local-resolver \(SigV4 ok\)/);
    expect(mine[3]).toMatch(new RegExp(`GET /v1/items/item-0001 200 .*consumer ${stack.consumer}`));
  });

  test('every API answers through its own Lattice stand-in, on its own name, SigV4-verified there', async () => {
    expect(stack.apis.length).toBe(CALLED.length);
    for (const api of stack.apis) {
      logs.length = 0;
      const res = await gql(stack.graphqlUrl, api.sample!.query);
      expect(res.body.errors).toBeUndefined();
      const rid = (res.headers.get('x-amzn-requestid') ?? '').slice(0, 8);
      const mine = await hopLines(logs, rid, 4);
      expect(mine.map((l) => l.split(' ')[0])).toEqual(['graphql', ...['resolver', 'lattice', 'api-service'].map((h) => `${h}@${api.name}`)]);
      expect(mine[2]).toContain(`GET ${api.sample!.path} -> local-resolver (SigV4 ok) -> http 127.0.0.1:${api.apiPort} 200`);
      expect(api.resolverEnv.API_SIGNING).toBe('lattice');
      expect(api.resolverEnv.API_AUDIENCE).toBeUndefined();
      expect((await frontCertificate(stack, api, api.domain)).subjectaltname).toBe(`DNS:${api.domain}`);
    }
  });

  test('an unsigned request to the stand-in is refused with 403 (the banner\'s curl), and never reaches the API', async () => {
    await settle();
    const before = stack.stats().apiRequests;
    expect(await viaFront('/v1/items/item-0001')).toBe(403);
    // Even one claiming to be the local caller in Lattice's own header.
    expect(await viaFront('/v1/items/item-0001', stack.callerHeaders())).toBe(403);
    expect(stack.stats().apiRequests).toBe(before);
    expect(stack.curlTlsFrontCommand).toContain(`https://${stack.apiName}:${stack.tlsFrontPort}/`);
  });

  test('the api-service reads Lattice\'s identity only: straight to it with no header, 401', async () => {
    expect((await fetch(`${stack.apiUrl}/v1/items/item-0001`)).status).toBe(401);
  });

  test('the resolver sends no caller token in this mode, and signs for vpc-lattice-svcs', () => {
    expect(process.env.API_SIGNING).toBe('lattice');
    expect(process.env.API_AUDIENCE).toBeUndefined();
  });

  test('stop() closes everything and releases every port', async () => {
    const ports = [stack.graphqlPort, ...stack.apis.flatMap((a) => [a.frontPort, a.apiPort])];
    await stack.stop();
    for (const port of ports) expect(await canListen(port)).toBe(true);
    expect(process.env.API_SIGNING).toBeUndefined();
  });
});

describe('local stack: host name verification is on', () => {
  test('one API\'s certificate for another name fails that API\'s field only, with UpstreamCertificateRejected (TLS altname cause in the logs)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'local-stack-wrong-'));
    const logs: string[] = [];
    const consoleLines = captureConsole();
    // The second API's: every API's resolver verifies its own name, not only the first's.
    const [good, bad] = CALLED;
    const stack = await startLocalStack({ stateDir, certificateNames: { [bad.name]: 'wrong.example.com' }, log: (l) => logs.push(l) });
    try {
      const [goodApi, badApi] = stack.apis;
      const res = await gql(stack.graphqlUrl, `{ good: ${goodApi.sample!.query.slice(1, -1).trim()} bad: ${badApi.sample!.query.slice(1, -1).trim()} }`);
      expect(res.body.data.good).not.toBeNull();
      expect(res.body.data.bad).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors?.[0]).toMatchObject({
        message: expect.stringContaining("certificate is not valid for the service's host name"),
        errorType: 'UpstreamCertificateRejected',
        path: ['bad'],
      });
      const resolverLine = logs.find((l) => l.startsWith(`resolver@${bad.name} `));
      expect(resolverLine).toContain('UpstreamCertificateRejected');
      expect(resolverLine).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(resolverLine).toContain(`Host: ${bad.domain}. is not in the cert's altnames: DNS:wrong.example.com`);
      expect(logs.find((l) => l.startsWith(`resolver@${good.name} `))).toContain('-> ok');
      // The real handler's own structured log line carries the Node error code too.
      expect(consoleLines.lines.join('\n')).toMatch(/"msg":"resolver failed".*"code":"ERR_TLS_CERT_ALTNAME_INVALID"/);
      // The front sees the aborted handshake a moment after the client has given up.
      await waitFor(() => badApi.stats().tlsHandshakeFailures >= 1);
      expect(logs.join('\n')).toMatch(new RegExp(`^tls-front@${bad.name} +TLS handshake failed`, 'm'));
      // The good service's request count crosses a pipe from its own process (see hopLines): wait for it.
      await waitFor(() => goodApi.stats().apiRequests >= 1);
      expect(badApi.stats()).toMatchObject({ tlsHandshakes: 0, apiRequests: 0 });
      expect(goodApi.stats()).toMatchObject({ tlsHandshakes: 1, tlsHandshakeFailures: 0, apiRequests: 1 });
    } finally {
      await stack.stop();
      consoleLines.restore();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('local stack: a consumer that calls fewer APIs', () => {
  test('runs only the APIs it calls, and its schema has no field of the others (as its AppSync API)', async () => {
    // A consumer of the example that does not call every API of its environment (Prod's reporting).
    const env = exampleConfig.environments.find((e) => e.consumers.some((c) => e.apis.some((a) => !c.calls.includes(a.name))))!;
    const consumer = env.consumers.find((c) => env.apis.some((a) => !c.calls.includes(a.name)))!;
    const denied = env.apis.filter((a) => !consumer.calls.includes(a.name));
    const stateDir = mkdtempSync(join(tmpdir(), 'local-stack-fewer-'));
    const stack = await startLocalStack({ stateDir, environment: env.name, consumer: consumer.name, log: () => undefined });
    try {
      expect(stack.apis.map((a) => a.name)).toEqual(env.apis.filter((a) => consumer.calls.includes(a.name)).map((a) => a.name));
      for (const api of denied) {
        for (const field of apiRuntimeOf(api).graphql.queryFields) {
          const res = await gql(stack.graphqlUrl, `{ ${field} { __typename } }`);
          expect(res.body.errors?.[0].message).toContain(`Cannot query field "${field}" on type "Query".`);
        }
      }
      expect(stack.stats().resolverInvocations).toBe(0);
    } finally {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('local stack: start-up errors', () => {
  test('a port that is taken is reported clearly, and nothing is left running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const stateDir = mkdtempSync(join(tmpdir(), 'local-stack-port-'));
    try {
      const attempt = startLocalStack({ stateDir, graphqlPort: taken, log: () => undefined });
      await expect(attempt).rejects.toThrow(PortUnavailableError);
      await expect(attempt).rejects.toThrow(`port ${taken} (graphql) on 127.0.0.1 is already in use`);
      // The failed start cleaned up: another stack can start in this process.
      const again = await startLocalStack({ stateDir, log: () => undefined });
      await again.stop();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  test('only one stack per process (its environment carries the first API\'s resolver configuration)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'local-stack-one-'));
    const first = await startLocalStack({ stateDir, log: () => undefined });
    try {
      await expect(startLocalStack({ stateDir, log: () => undefined })).rejects.toThrow(/already running/);
    } finally {
      await first.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  test('an environment or consumer not in the configuration is named, with the ones there are', async () => {
    await expect(startLocalStack({ environment: 'qa', log: () => undefined })).rejects.toThrow(`environment "qa" is not in the configuration; it has ${exampleConfig.environments.map((e) => e.name).join(', ')}`);
    await expect(startLocalStack({ consumer: 'nobody', log: () => undefined })).rejects.toThrow(`consumer "nobody" is not in environment ${DEV.name}; it has ${DEV.consumers.map((c) => c.name).join(', ')}`);
    await expect(startLocalStack({ certificateNames: { nope: 'x.example.com' }, log: () => undefined })).rejects.toThrow('certificateNames names API "nope"');
  });

  test('npm start options: defaults 4000/8443/8080, env and flags override', () => {
    expect(parseArgs([], {})).toMatchObject({ graphqlPort: 4000, tlsFrontPort: 8443, apiPort: 8080, environment: undefined, consumer: undefined, certificateNames: undefined });
    expect(parseArgs(['--environment', 'prod', '--consumer=reporting'], {})).toMatchObject({ environment: 'prod', consumer: 'reporting' });
    expect(parseArgs([], { LOCAL_ENVIRONMENT: 'prod', LOCAL_CONSUMER: 'reporting' })).toMatchObject({ environment: 'prod', consumer: 'reporting' });
    // API=NAME, or a bare NAME for the first API the consumer calls.
    expect(parseArgs(['--cert-name', `${CALLED[1].name}=wrong.example.com`], {}).certificateNames).toEqual({ [CALLED[1].name]: 'wrong.example.com' });
    expect(parseArgs(['--cert-name', 'wrong.example.com'], {}).certificateNames).toEqual({ [CALLED[0].name]: 'wrong.example.com' });
    expect(parseArgs(['--graphql-port', '4001', '--tls-port=0'], { LOCAL_GRAPHQL_PORT: '5000', LOCAL_API_PORT: '9090' })).toMatchObject(
      { graphqlPort: 4001, tlsFrontPort: 0, apiPort: 9090 },
    );
    expect(() => parseArgs(['--api-port', '70000'], {})).toThrow(/port number/);
    expect(() => parseArgs(['--bogus'], {})).toThrow(/unknown option/);
  });

  test('npm start -- --connectivity: transit-gateway by default (the path as before), lattice or privatelink by flag or LOCAL_CONNECTIVITY', () => {
    expect(parseArgs([], {}).connectivity).toBe('transit-gateway');
    expect(parseArgs(['--connectivity', 'lattice'], {}).connectivity).toBe('lattice');
    expect(parseArgs([], { LOCAL_CONNECTIVITY: 'lattice' }).connectivity).toBe('lattice');
    expect(parseArgs(['--connectivity=privatelink'], { LOCAL_CONNECTIVITY: 'lattice' }).connectivity).toBe('privatelink');
    expect(() => parseArgs(['--connectivity', 'vpn'], {})).toThrow('--connectivity must be transit-gateway, privatelink, lattice, got "vpn"');
  });

  test('npm start -- --config FILE: the stack runs that file\'s configuration', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'local-config-')), 'qa.json');
    const example = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'config', 'example.json'), 'utf8'));
    example.environments[0].apis[0].domain = 'api.qa.example.com';
    writeFileSync(file, JSON.stringify(example));
    expect(parseArgs(['--config', file], {}).config?.environments[0].apis[0].domain).toBe('api.qa.example.com');
    expect(parseArgs([], {}).config).toBeUndefined();
  });
});
