import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetApiClient } from '../src/api-client';
import { InternalError } from '../src/errors';
import { apiRequest } from '../src/transport';
import { API_HOST, FakeApi, TestPki, createPki, startFakeApi, useApi } from './fake-api';

describe('against the fake API', () => {
  let pki: TestPki;
  let api: FakeApi;
  let dir: string;

  beforeAll(async () => {
    pki = await createPki();
    api = await startFakeApi(pki.leaf);
    dir = mkdtempSync(join(tmpdir(), 'resolver-ca-'));
  });

  afterAll(async () => {
    resetApiClient();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('API_CA_FILE is honoured', async () => {
    const file = join(dir, 'ca.pem');
    writeFileSync(file, pki.ca.cert);
    useApi(api.port, pki.ca.cert, { API_CA_PEM: undefined, API_CA_FILE: file });
    const res = await apiRequest('/healthz');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(api.requests[api.requests.length - 1].headers.host).toBe(API_HOST);
  });

  test('a path node:http rejects synchronously becomes a typed InternalError, not a bare TypeError', async () => {
    useApi(api.port, pki.ca.cert);
    const err: unknown = await apiRequest('/v1/items/a b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect(JSON.stringify((err as InternalError).details.reason)).toContain('ERR_UNESCAPED_CHARACTERS');
    expect((await apiRequest('/healthz')).statusCode).toBe(200); // the client is still usable
  });

  test('apiRequest returns non-2xx responses as-is', async () => {
    useApi(api.port, pki.ca.cert);
    const res = await apiRequest('/v1/items/bad%20id', { requestId: 'r-1' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'BAD_REQUEST', message: 'id is invalid', requestId: 'r-1' } });
  });
});
