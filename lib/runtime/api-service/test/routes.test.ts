import { randomUUID } from 'node:crypto';
import { Catalogue, createDefaultCatalogue } from '../src/catalogue';
import { encodeCursor } from '../src/cursor';
import { JSON_CONTENT_TYPE } from '../src/respond';
import { RawClient, Response, Started, request, startServer, waitFor } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function expectError(res: Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  expect(Object.keys(res.json)).toEqual(['error']);
  expect(Object.keys(res.json.error).sort()).toEqual(['code', 'message', 'requestId']);
  expect(res.json.error.code).toBe(code);
  expect(typeof res.json.error.message).toBe('string');
  expect(res.json.error.message.length).toBeGreaterThan(0);
  expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
}

describe('api-service routes', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.api.close();
  });

  test('GET /healthz -> 200 {"status":"ok"}', async () => {
    const res = await request(s.port, '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(res.json).toEqual({ status: 'ok' });
  });

  test('GET /healthz without a Host header still answers 200 (probers may omit it)', async () => {
    const client = await RawClient.connect(s.port);
    try {
      await client.write('GET /healthz HTTP/1.1\r\n\r\n');
      const res = await client.readResponse();
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'ok' });
    } finally {
      client.destroy();
    }
  });

  test('HEAD is answered like GET without a body', async () => {
    const res = await request(s.port, '/v1/items/item-0001', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
  });

  test('GET /v1/items/{id} -> 200 item', async () => {
    const res = await request(s.port, '/v1/items/item-0001');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(Object.keys(res.json)).toEqual(['id', 'name', 'description', 'priceCents', 'tags']);
    expect(res.json.id).toBe('item-0001');
    expect(typeof res.json.name).toBe('string');
    expect(typeof res.json.description).toBe('string');
    expect(Number.isInteger(res.json.priceCents)).toBe(true);
    expect(Array.isArray(res.json.tags)).toBe(true);
    expect((await request(s.port, '/v1/items/item-0250')).json.id).toBe('item-0250');
  });

  test('percent-encoded ids are decoded', async () => {
    const res = await request(s.port, '/v1/items/item%2D0042');
    expect(res.status).toBe(200);
    expect(res.json.id).toBe('item-0042');
  });

  test.each([
    ['/v1/items/bad%20id', 'space'],
    ['/v1/items/item.0001', 'dot'],
    [`/v1/items/${'a'.repeat(65)}`, '65 chars'],
    ['/v1/items/%E0%A4%A', 'malformed percent-encoding'],
  ])('GET %s (%s) -> 400 BAD_REQUEST', async (path) => {
    expectError(await request(s.port, path), 400, 'BAD_REQUEST');
  });

  test('valid but unknown id -> 404 NOT_FOUND', async () => {
    for (const id of ['item-0000', 'item-0251', 'x']) {
      const res = await request(s.port, `/v1/items/${id}`);
      expectError(res, 404, 'NOT_FOUND');
    }
  });

  test('query parameters on an item -> 400', async () => {
    const res = await request(s.port, '/v1/items/item-0001?expand=1');
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.json.error.message).toContain('expand');
  });

  test('GET /v1/items -> default page of 20 and an opaque nextCursor', async () => {
    const res = await request(s.port, '/v1/items');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['items', 'nextCursor']);
    expect(res.json.items).toHaveLength(20);
    expect(res.json.items[0].id).toBe('item-0001');
    expect(typeof res.json.nextCursor).toBe('string');
  });

  test.each(['1', '100'])('limit=%s is accepted', async (limit) => {
    const res = await request(s.port, `/v1/items?limit=${limit}`);
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(Number(limit));
  });

  test.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit=1.5'],
    ['limit=-1'],
    ['limit='],
    ['limit=01'],
    ['limit=%201'],
    ['limit=5&limit=6'],
  ])('?%s -> 400 naming "limit"', async (query) => {
    const res = await request(s.port, `/v1/items?${query}`);
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.json.error.message).toContain('"limit"');
  });

  test.each([
    ['cursor=%%%', 'not base64url'],
    ['cursor=', 'empty'],
    [`cursor=${Buffer.from('v2:item-0001').toString('base64url')}`, 'wrong version'],
    [`cursor=${Buffer.from('v1:bad id').toString('base64url')}`, 'bad id inside'],
    [`cursor=${encodeCursor('item-0001')}A`, 'trailing garbage'],
    [`cursor=${encodeCursor('item-0001')}&cursor=${encodeCursor('item-0002')}`, 'repeated'],
  ])('?%s (%s) -> 400 naming "cursor"', async (query) => {
    const res = await request(s.port, `/v1/items?${query}`);
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.json.error.message).toContain('"cursor"');
  });

  test('unknown query parameter -> 400 naming it', async () => {
    const res = await request(s.port, '/v1/items?limit=5&pageSize=10');
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.json.error.message).toContain('pageSize');
  });

  test.each([10, 7, 50, 100])('pagination with limit=%i walks all 250 items exactly once, in order', async (limit) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? `limit=${limit}` : `limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
      const res = await request(s.port, `/v1/items?${query}`);
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeGreaterThan(0);
      expect(res.json.items.length).toBeLessThanOrEqual(limit);
      ids.push(...res.json.items.map((i: { id: string }) => i.id));
      cursor = res.json.nextCursor;
      pages++;
      expect(pages).toBeLessThanOrEqual(250);
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(250 / limit));
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => `item-${String(i + 1).padStart(4, '0')}`));
  });

  test.each(['/', '/v1', '/v1/items/', '/v1/items/item-0001/extra', '/v2/items', '/healthz/', '/HEALTHZ'])(
    'unknown route %s -> 404 NOT_FOUND',
    async (path) => {
      expectError(await request(s.port, path), 404, 'NOT_FOUND');
    },
  );

  test('unknown route with another method is still 404', async () => {
    expectError(await request(s.port, '/nope', { method: 'POST' }), 404, 'NOT_FOUND');
  });

  test.each([
    ['POST', '/v1/items'],
    ['DELETE', '/healthz'],
    ['PUT', '/v1/items/item-0001'],
    ['PATCH', '/v1/items/item-0001'],
    ['OPTIONS', '/v1/items'],
  ])('%s %s -> 405 METHOD_NOT_ALLOWED with Allow', async (method, path) => {
    const res = await request(s.port, path, { method });
    expectError(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  test('a small body on a known route is read and ignored (405 for POST)', async () => {
    const res = await request(s.port, '/v1/items', { method: 'POST', body: '{"name":"x"}' });
    expectError(res, 405, 'METHOD_NOT_ALLOWED');
  });

  test('the product has no test route: /__test/slow is 404 unless a test injects it', async () => {
    expectError(await request(s.port, '/__test/slow?ms=1'), 404, 'NOT_FOUND');
  });

  describe('request id', () => {
    test('a safe incoming x-request-id is echoed in the header, error body and log', async () => {
      const id = `lambda-${randomUUID()}`;
      const res = await request(s.port, '/v1/items/item-9999', { headers: { 'x-request-id': id } });
      expect(res.headers['x-request-id']).toBe(id);
      expect(res.json.error.requestId).toBe(id);
      await waitFor(() => s.logs.some((l) => l.requestId === id), 2_000, 'log line');
    });

    test.each([
      ['absent', undefined],
      ['unsafe characters', 'abc def<script>'],
      ['too long', 'a'.repeat(129)],
      ['empty', ''],
    ])('%s x-request-id -> a generated UUID', async (_label, incoming) => {
      const headers = incoming === undefined ? {} : { 'x-request-id': incoming };
      const res = await request(s.port, '/healthz', { headers });
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    test('generated ids differ per request', async () => {
      const a = await request(s.port, '/healthz');
      const b = await request(s.port, '/healthz');
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });
  });

  test('one JSON log line per request with time, level, requestId, method, path, status, durationMs', async () => {
    const id = `log-shape-${Date.now()}`;
    await request(s.port, '/v1/items?limit=3&cursor=abc', { headers: { 'x-request-id': id } });
    await waitFor(() => s.logs.some((l) => l.requestId === id), 2_000, 'log line');
    const lines = s.logs.filter((l) => l.requestId === id);
    expect(lines).toHaveLength(1);
    const line = lines[0] as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(['time', 'level', 'msg', 'requestId', 'method', 'path', 'status', 'durationMs']);
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
    expect(line).toMatchObject({ level: 'info', msg: 'request', requestId: id, method: 'GET', path: '/v1/items', status: 400 });
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
    expect(line.durationMs as number).toBeLessThan(5_000);
  });
});

describe('unexpected errors', () => {
  test('-> 500 INTERNAL without leaking details; logged at level error', async () => {
    const real = createDefaultCatalogue();
    const broken: Catalogue = {
      size: real.size,
      page: (afterId, limit) => real.page(afterId, limit),
      get: () => {
        throw new Error('secret-detail at /srv/app/catalogue.ts:42');
      },
    };
    const s = await startServer({ catalogue: broken });
    try {
      const res = await request(s.port, '/v1/items/item-0001', { headers: { 'x-request-id': 'boom-1' } });
      expectError(res, 500, 'INTERNAL');
      expect(res.text).not.toContain('secret-detail');
      expect(res.text).not.toContain('catalogue.ts');
      // The server keeps serving.
      expect((await request(s.port, '/v1/items?limit=1')).status).toBe(200);
      await waitFor(() => s.logs.some((l) => l.msg === 'request' && l.requestId === 'boom-1'), 2_000, 'log line');
      expect(s.logs.find((l) => l.msg === 'request' && l.requestId === 'boom-1')).toMatchObject({
        level: 'error',
        status: 500,
      });
      expect(s.logs.find((l) => l.msg === 'unhandled error')).toMatchObject({
        level: 'error',
        requestId: 'boom-1',
        error: 'secret-detail at /srv/app/catalogue.ts:42',
      });
    } finally {
      await s.api.close();
    }
  });
});
