import { CLIENT_IDLE_REUSE_WINDOW_MS } from '../../api-service/src/contract';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../api-service/src/settings';
import { resetApiClient } from '../src/api-client';
import { ApiClientConfigError, MAX_TIMEOUT_MS, REQUEST_TIMEOUT_MS, getConfig, loadConfig } from '../src/client-config';

describe('constants', () => {
  test('reuse window is shorter than the server keep-alive; timeout well inside AppSync 30 s', () => {
    expect(CLIENT_IDLE_REUSE_WINDOW_MS).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS).toBe(5_000);
    expect(MAX_TIMEOUT_MS).toBeLessThan(30_000);
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
    expect(() => loadConfig(env)).toThrow(ApiClientConfigError);
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
