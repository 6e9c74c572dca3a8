import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  IDLE_REUSE_WINDOW_MS,
  REQUEST_TIMEOUT_MS,
  apiRequest,
  getConfig,
  loadConfig,
  resetApiClient,
} from '../src/api-client';
import { InternalError } from '../src/errors';
import { API_HOST, FakeApi, TestPki, createPki, startFakeApi, useApi } from './fake-api';

describe('constants', () => {
  test('reuse window is shorter than the server keep-alive (65 s); timeout well inside AppSync 30 s', () => {
    expect(IDLE_REUSE_WINDOW_MS).toBe(30_000);
    expect(IDLE_REUSE_WINDOW_MS).toBeLessThan(65_000);
    expect(REQUEST_TIMEOUT_MS).toBe(5_000);
  });
});

describe('loadConfig', () => {
  test('defaults', () => {
    const cfg = loadConfig({ API_BASE_URL: 'https://api.dev.example.com/' });
    expect(cfg).toMatchObject({
      baseUrl: 'https://api.dev.example.com',
      hostname: 'api.dev.example.com',
      hostHeader: 'api.dev.example.com',
      port: 443,
      basePath: '',
      connectHost: 'api.dev.example.com',
      connectPort: 443,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    expect(cfg.extraCaPem).toBeUndefined();
  });

  test('connect override, port, base path and timeout', () => {
    const cfg = loadConfig({
      API_BASE_URL: 'https://api.dev.example.com:8443/prefix/',
      API_CONNECT_HOST: '10.0.0.5',
      API_CONNECT_PORT: '9443',
      API_TIMEOUT_MS: '1500',
    });
    expect(cfg).toMatchObject({
      hostname: 'api.dev.example.com',
      hostHeader: 'api.dev.example.com:8443',
      port: 8443,
      basePath: '/prefix',
      connectHost: '10.0.0.5',
      connectPort: 9443,
      timeoutMs: 1500,
    });
  });

  test.each([
    [{}, /API_BASE_URL is not set/],
    [{ API_BASE_URL: 'http://api.dev.example.com' }, /must use https/],
    [{ API_BASE_URL: 'not a url' }, /not a valid URL/],
    [{ API_BASE_URL: 'https://u:p@api.dev.example.com' }, /credentials/],
    [{ API_BASE_URL: 'https://api.dev.example.com', API_CONNECT_PORT: '70000' }, /API_CONNECT_PORT/],
    [{ API_BASE_URL: 'https://api.dev.example.com', API_TIMEOUT_MS: '0' }, /API_TIMEOUT_MS/],
    [{ API_BASE_URL: 'https://api.dev.example.com', API_TIMEOUT_MS: '60000' }, /API_TIMEOUT_MS/],
    [{ API_BASE_URL: 'https://api.dev.example.com', API_CA_PEM: 'garbage' }, /PEM/],
    [{ API_BASE_URL: 'https://api.dev.example.com', API_CA_FILE: '/nonexistent/ca.pem' }, /API_CA_FILE/],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('reads env once, lazily, until reset', () => {
    process.env.API_BASE_URL = 'https://one.example.com';
    resetApiClient();
    expect(getConfig().hostname).toBe('one.example.com');
    process.env.API_BASE_URL = 'https://two.example.com';
    expect(getConfig().hostname).toBe('one.example.com');
    resetApiClient();
    expect(getConfig().hostname).toBe('two.example.com');
    resetApiClient();
  });
});

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
