import { resetApiClient } from '../src/api-client';
import { CALLER_NOT_AUTHORIZED_MESSAGE, CallerNotAuthorized, UpstreamTimeout, UpstreamUnavailable } from '../src/errors';
import { SigningConfigError } from '../src/lambda-credentials';
import { HealthCheckOptions, classifyHealthCheckFailure, defaultBackoffMs, runHealthCheck } from '../src/healthcheck';
import { API_HOST, FakeApi, TestPki, closedPort, createPki, startBlackhole, startFakeApi, useApi } from './fake-api';

const target = { host: 'api.dev.example.com', port: 443, path: '/healthz' };

function nodeError(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('classifyHealthCheckFailure', () => {
  test.each([
    [nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.dev.example.com'), 'DNS', /^DNS: api\.dev\.example\.com did not resolve \(ENOTFOUND\) — check the subdomain delegation and the alias record$/],
    [nodeError('EAI_AGAIN'), 'DNS', /^DNS: .*EAI_AGAIN/],
    [new UpstreamUnavailable('x', { code: 'ENOTFOUND', phase: 'dns' }), 'DNS', /^DNS: api\.dev\.example\.com did not resolve/],
    [new UpstreamTimeout('x', { code: 'ETIMEDOUT', phase: 'connect' }), 'network', /^network: connection to api\.dev\.example\.com:443 timed out — check the Transit Gateway routes and the NLB\/Lambda security groups$/],
    [nodeError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443'), 'network', /^network: connection to api\.dev\.example\.com:443 timed out/],
    [new UpstreamTimeout('x', { code: 'ETIMEDOUT', phase: 'dns' }), 'DNS', /^DNS: lookup of api\.dev\.example\.com timed out/],
    [new UpstreamTimeout('x', { code: 'ETIMEDOUT', phase: 'tls' }), 'TLS', /^TLS: handshake .* timed out/],
    [new UpstreamTimeout('x', { code: 'ETIMEDOUT', phase: 'response' }), 'HTTP', /^HTTP: \/healthz did not answer in time/],
    [new UpstreamUnavailable('x', { code: 'ECONNREFUSED', phase: 'connect' }), 'network', /^network: connection refused\/reset by api\.dev\.example\.com:443 \(ECONNREFUSED\)/],
    [nodeError('ECONNRESET', 'socket hang up'), 'network', /connection refused\/reset .*ECONNRESET/],
    [nodeError('EHOSTUNREACH'), 'network', /unreachable \(EHOSTUNREACH\) — check the Transit Gateway/],
    [nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS', /^TLS: the certificate .* is not valid for api\.dev\.example\.com \(ERR_TLS_CERT_ALTNAME_INVALID\) — check the ACM certificate on the NLB listener/],
    [nodeError('CERT_HAS_EXPIRED'), 'TLS', /^TLS: .*expired \(CERT_HAS_EXPIRED\) — check the ACM certificate on the NLB listener/],
    [nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'TLS', /^TLS: .*not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) — check the ACM certificate/],
    [nodeError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS', /not trusted/],
    [nodeError('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS', /^TLS: handshake .* failed \(ERR_SSL_WRONG_VERSION_NUMBER\)/],
    [{ statusCode: 503, body: '{"status":"draining"}' }, 'HTTP', /^HTTP: \/healthz answered 503 \(status "draining"\) — the service has no healthy targets/],
    [{ statusCode: 502, body: '' }, 'HTTP', /^HTTP: \/healthz answered 502/],
    [{ statusCode: 404, body: '' }, 'HTTP', /^HTTP: \/healthz answered 404 — check API_BASE_URL/],
    [{ statusCode: 200, body: '{"status":"meh"}' }, 'HTTP', /answered 200 but not/],
  ])('%#: %s -> %s', (failure, layer, message) => {
    const result = classifyHealthCheckFailure(failure, target);
    expect(result.layer).toBe(layer);
    expect(result.message).toMatch(message);
  });

  test('a refused identity (CallerNotAuthorized) is an identity failure that names the fix, never retried; missing credentials a config failure', () => {
    const refused = (status: number) => new CallerNotAuthorized(CALLER_NOT_AUTHORIZED_MESSAGE, { statusCode: status });
    expect(classifyHealthCheckFailure(refused(401), target)).toMatchObject({ layer: 'identity', code: '401', retryable: false, message: expect.stringContaining('API_AUDIENCE') });
    expect(classifyHealthCheckFailure(refused(403), target, 'lattice')).toMatchObject({ layer: 'identity', code: '403', retryable: false, message: expect.stringContaining("Lattice service's auth policy") });
    expect(classifyHealthCheckFailure(new SigningConfigError('AWS_REGION not set'), target)).toMatchObject({ layer: 'config', retryable: false });
  });

  test('behind Lattice, /healthz answering 401 or 403 is Lattice refusing the signature or the role (identity), not a wrong URL', () => {
    expect(classifyHealthCheckFailure({ statusCode: 403, body: 'AccessDeniedException' }, target, 'lattice')).toMatchObject({ layer: 'identity', code: '403', retryable: false });
    expect(classifyHealthCheckFailure({ statusCode: 403, body: '' }, target)).toMatchObject({ layer: 'HTTP' });
  });

  test('retryable only where waiting can help', () => {
    expect(classifyHealthCheckFailure(nodeError('ENOTFOUND'), target).retryable).toBe(true);
    expect(classifyHealthCheckFailure({ statusCode: 503, body: '' }, target).retryable).toBe(true);
    expect(classifyHealthCheckFailure(nodeError('ECONNREFUSED'), target).retryable).toBe(true);
    expect(classifyHealthCheckFailure(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), target).retryable).toBe(false);
    expect(classifyHealthCheckFailure({ statusCode: 404, body: '' }, target).retryable).toBe(false);
  });

  test('default backoff stays within the ~60 s budget', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map(defaultBackoffMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  });
});

describe('runHealthCheck against real sockets', () => {
  let pki: TestPki;
  let api: FakeApi;
  const fast: HealthCheckOptions = { attemptTimeoutMs: 300, deadlineMs: 1_000, backoffMs: () => 20 };

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
    for (const method of ['log', 'warn', 'error'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    resetApiClient();
  });

  test('success returns a summary', async () => {
    const summary = await runHealthCheck(fast);
    expect(summary).toMatchObject({
      ok: true,
      url: `https://${API_HOST}/healthz`,
      statusCode: 200,
      body: { status: 'ok' },
      attempts: 1,
    });
  });

  test('503 while targets register, then healthy: retried until it passes', async () => {
    api.mode = 'draining';
    api.misbehaveCount = 2;
    const summary = await runHealthCheck(fast);
    expect(summary.attempts).toBe(3);
  });

  test('503 for the whole budget: throws an HTTP diagnosis', async () => {
    api.mode = 'draining';
    api.misbehaveCount = -1;
    await expect(runHealthCheck(fast)).rejects.toThrow(
      /attempts .*HTTP: \/healthz answered 503 \(status "draining"\) — the service has no healthy targets/,
    );
  });

  test('slow service: HTTP-level timeout', async () => {
    api.mode = 'slow';
    api.slowMs = 2_000;
    api.misbehaveCount = -1;
    await expect(runHealthCheck({ ...fast, attemptTimeoutMs: 150, deadlineMs: 300 })).rejects.toThrow(
      /HTTP: \/healthz did not answer in time/,
    );
  });

  test('connection refused', async () => {
    useApi(await closedPort(), pki.ca.cert);
    await expect(runHealthCheck({ ...fast, deadlineMs: 100 })).rejects.toThrow(
      /network: connection refused\/reset by api\.test\.internal:443 \(ECONNREFUSED\)/,
    );
  });

  test('handshake never completes: TLS-phase timeout', async () => {
    const hole = await startBlackhole();
    try {
      useApi(hole.port, pki.ca.cert);
      await expect(runHealthCheck({ ...fast, attemptTimeoutMs: 150, deadlineMs: 200 })).rejects.toThrow(
        /TLS: handshake with api\.test\.internal:443 timed out/,
      );
    } finally {
      resetApiClient();
      await hole.close();
    }
  });

  test('wrong certificate: TLS diagnosis without retrying', async () => {
    const bad = await startFakeApi(pki.wrongHost);
    try {
      useApi(bad.port, pki.ca.cert);
      await expect(runHealthCheck(fast)).rejects.toThrow(
        /after 1 attempt .*TLS: the certificate presented by api\.test\.internal:443 is not valid for api\.test\.internal \(ERR_TLS_CERT_ALTNAME_INVALID\) — check the ACM certificate on the NLB listener/,
      );
    } finally {
      resetApiClient();
      await bad.close();
    }
  });

  test('untrusted CA: TLS diagnosis', async () => {
    const bad = await startFakeApi(pki.untrusted);
    try {
      useApi(bad.port, pki.ca.cert);
      await expect(runHealthCheck(fast)).rejects.toThrow(/TLS: .*not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    } finally {
      resetApiClient();
      await bad.close();
    }
  });

  test('missing configuration: config diagnosis', async () => {
    delete process.env.API_BASE_URL;
    resetApiClient();
    await expect(runHealthCheck(fast)).rejects.toThrow(/^config: Invalid API client configuration: API_BASE_URL is not set/);
  });

  test('backoff and sleep are injectable', async () => {
    api.mode = 'draining';
    api.misbehaveCount = -1;
    let clock = 0;
    const sleeps: number[] = [];
    await expect(
      runHealthCheck({
        attemptTimeoutMs: 300,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }),
    ).rejects.toThrow(/HTTP: \/healthz answered 503/);
    // Default schedule in the default 60 s budget: attempts at 0, 1, 3, 7, 15, 23, 31, 39, 47, 55 s; then give up.
    expect(sleeps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(sleeps).toHaveLength(9);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(55_000);
  });
});
