import { request, startServer, Started } from '../../api-service/test/helpers';
import { createStockRouter, STOCK_PATH } from '../src/routes';
import { createDefaultStock } from '../src/stock';

/** The stock routes on the catalogue's server: its limits, logs and drain, its own data. */
describe('stock-service routes', () => {
  let started: Started;
  beforeEach(async () => {
    started = await startServer({ router: (props) => createStockRouter(props) });
  });
  afterEach(() => started.api.close());

  test('GET /v1/stock/{itemId}: 200 with the level of that item, logged with the request id', async () => {
    const expected = createDefaultStock().get('item-0007');
    const res = await request(started.port, `${STOCK_PATH}/item-0007`, { headers: { 'x-request-id': 'stock-test-1' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(expected);
    expect(started.logs.some((l) => l.msg === 'request' && l.requestId === 'stock-test-1' && l.status === 200)).toBe(true);
  });

  test.each([
    [`${STOCK_PATH}/item-9999`, 404, 'NOT_FOUND'],
    [`${STOCK_PATH}/bad%20id`, 400, 'BAD_REQUEST'],
    [`${STOCK_PATH}/item-0001?x=1`, 400, 'BAD_REQUEST'],
    ['/v1/items/item-0001', 404, 'NOT_FOUND'],
  ])('%s: %i %s', async (path, status, code) => {
    const res = await request(started.port, path);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
  });

  test('another method is 405 with Allow', async () => {
    const res = await request(started.port, `${STOCK_PATH}/item-0001`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  test('/healthz answers 200, then 503 while draining', async () => {
    expect((await request(started.port, '/healthz')).status).toBe(200);
    const drained = started.api.drain(2_000);
    expect((await request(started.port, '/healthz').catch(() => ({ status: 503 }))).status).toBe(503);
    await drained;
  });
});
