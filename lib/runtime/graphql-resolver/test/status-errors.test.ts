import { CALLER_NOT_AUTHORIZED_MESSAGE } from '../src/errors';
import { BAD_REQUEST_MESSAGE, jsonOrStatusError, NOT_FOUND_MESSAGE } from '../src/status-errors';
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
    [400, 'BadRequest', BAD_REQUEST_MESSAGE],
    [404, 'NotFound', NOT_FOUND_MESSAGE],
  ])('%i -> %s with the resolver\'s own message; the API\'s (which may name a path or host:port) only in the details', (status, name, message) => {
    const apiMessage = 'no route /internal/v1/items/x on 10.10.1.7:8080';
    const err = errorOf(response(status, { error: { code: 'C', message: apiMessage, requestId: 'r-1' } }));
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
    expect(JSON.stringify(err)).not.toContain('10.10.1.7');
    expect((err as Error & { details: Record<string, unknown> }).details).toMatchObject({ apiMessage, apiErrorCode: 'C', statusCode: status });
  });

  test.each([
    [401, { error: { code: 'UNAUTHENTICATED', message: 'caller token rejected by STS (SignatureDoesNotMatch)', requestId: 'r-1' } }],
    [403, { error: { code: 'FORBIDDEN', message: 'this caller is not allowed to call this API', requestId: 'r-1' } }],
    // VPC Lattice's own refusal (its auth policy) is not the API's JSON.
    [403, 'AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/web-resolver/s is not authorized to perform: vpc-lattice-svcs:Invoke'],
  ])('%i -> CallerNotAuthorized with the resolver\'s own message; the refusal\'s words only in the details', (status, body) => {
    const err = errorOf(response(status, body));
    expect(err.name).toBe('CallerNotAuthorized');
    expect(err.message).toBe(CALLER_NOT_AUTHORIZED_MESSAGE);
    expect(JSON.stringify(err) + err.message).not.toMatch(/STS|arn:aws|not allowed/);
    const details = (err as Error & { details: Record<string, unknown> }).details;
    expect(details.statusCode).toBe(status);
    expect(JSON.stringify(details)).toMatch(typeof body === 'string' ? /AccessDeniedException/ : /"apiErrorCode":"(UNAUTHENTICATED|FORBIDDEN)"/);
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
