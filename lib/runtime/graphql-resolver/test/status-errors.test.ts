import { jsonOrStatusError } from '../src/status-errors';
import type { ApiResponse } from '../src/transport';

const response = (statusCode: number, body: unknown): ApiResponse => ({
  statusCode,
  headers: {},
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const errorOf = (res: ApiResponse): Error => {
  try {
    jsonOrStatusError(res, '/v1/items/x', 'r-1');
  } catch (err) {
    return err as Error;
  }
  throw new Error(`status ${res.statusCode} did not throw`);
};

describe('jsonOrStatusError', () => {
  test('2xx: the parsed body', () => {
    expect(jsonOrStatusError(response(200, { id: 'x' }), '/v1/items/x', undefined)).toEqual({ id: 'x' });
  });

  test.each([
    [400, 'BadRequest', 'id is invalid'],
    [404, 'NotFound', 'item x not found'],
  ])('%i -> %s carrying the API message for the caller', (status, name, message) => {
    const err = errorOf(response(status, { error: { code: 'C', message, requestId: 'r-1' } }));
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
  });

  test('an API message is made single-line and bounded before a caller sees it', () => {
    const err = errorOf(response(400, { error: { message: `line\r\nbreak ${'x'.repeat(300)}` } }));
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.message.length).toBeLessThanOrEqual(200);
  });

  test.each([500, 502, 503, 429])('%i -> UpstreamUnavailable, without the upstream message', (status) => {
    const err = errorOf(response(status, { error: { message: 'db host 10.1.2.3 down' } }));
    expect(err.name).toBe('UpstreamUnavailable');
    expect(err.message).not.toContain('10.1.2.3');
  });

  test.each([
    [302, ''],
    [418, { error: { message: 'teapot' } }],
    [200, 'not json'],
  ])('%i %j -> UpstreamBadResponse', (status, body) => {
    expect(errorOf(response(status, body)).name).toBe('UpstreamBadResponse');
  });
});
