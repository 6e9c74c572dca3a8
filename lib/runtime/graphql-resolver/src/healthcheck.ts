/**
 * Deploy-time health check, invoked by the health-check gate (healthcheck-gate.ts) inside the consumer VPC.
 *
 * Calls `${API_BASE_URL}/healthz` (and, with API_AUDIENCE or API_SIGNING=lattice set, the identity route) through the same client as the resolver (same DNS, routes,
 * security groups, TLS verification) and retries for about a minute, because a fresh deployment
 * may still be registering NLB targets or propagating DNS. On failure it THROWS (which fails the
 * deployment) with a message naming the layer that failed: config, DNS, network, TLS or HTTP.
 */
import { randomUUID } from 'node:crypto';
import { CALLER_PATH, HEALTH_CHECK_PATH } from '../../api-service/src/contract';
import { ApiClientConfigError, ApiResponse, apiRequest, getAgentStats, getConfig } from './api-client';
import type { ApiSigning } from './client-config';
import { CallerNotAuthorized, ResolverError, UNTRUSTED_CERTIFICATE_CODES, describeError } from './errors';
import { SigningConfigError } from './lambda-credentials';
import { log } from './log';

/** Per-attempt timeout: short, a healthy service answers in milliseconds. */
export const HEALTH_ATTEMPT_TIMEOUT_MS = 5_000;
/** Total budget for all attempts (the trigger Lambda's timeout must be larger, e.g. 2 minutes). */
export const HEALTH_DEADLINE_MS = 60_000;

export type HealthLayer = 'config' | 'DNS' | 'network' | 'TLS' | 'HTTP' | 'identity';

export interface HealthFailure {
  readonly layer: HealthLayer;
  /** Error code or HTTP status, e.g. ENOTFOUND, ERR_TLS_CERT_ALTNAME_INVALID, 503. */
  readonly code: string;
  /** Human-readable diagnosis including what to check. */
  readonly message: string;
  /** Whether retrying can help (DNS propagation, targets registering) or not (wrong certificate). */
  readonly retryable: boolean;
}

export interface HealthTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

export interface HealthCheckOptions {
  readonly attemptTimeoutMs?: number;
  readonly deadlineMs?: number;
  /** Delay before attempt n+1 (n starts at 1). Default: 1 s, 2 s, 4 s, 8 s, 8 s, ... */
  readonly backoffMs?: (attempt: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface HealthCheckSummary {
  readonly ok: true;
  readonly url: string;
  readonly statusCode: number;
  readonly body: unknown;
  readonly attempts: number;
  readonly durationMs: number;
}

export const defaultBackoffMs = (attempt: number): number => Math.min(1_000 * 2 ** (attempt - 1), 8_000);

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'EREFUSED']);
const REFUSED_RESET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TLS_HINT = 'check the ACM certificate on the NLB listener';

function isResponse(value: unknown): value is Pick<ApiResponse, 'statusCode' | 'body'> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as ApiResponse).statusCode === 'number'
  );
}

function errorInfo(err: unknown): { code: string; phase?: string; timedOut: boolean; message: string } {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; cause?: unknown; details?: unknown; name?: unknown };
  const details = (err instanceof ResolverError ? err.details : undefined) ?? {};
  const cause = (e.cause ?? {}) as { code?: unknown };
  const code = details.code ?? cause.code ?? e.code;
  const timedOut = e.name === 'UpstreamTimeout' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT';
  return {
    code: typeof code === 'string' ? code : timedOut ? 'ETIMEDOUT' : 'UNKNOWN',
    phase: typeof details.phase === 'string' ? details.phase : undefined,
    timedOut,
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

function bodyStatus(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { status?: unknown } | null;
    return typeof parsed?.status === 'string' ? parsed.status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Explains a failed health-check attempt. `failure` is either a thrown error (from the API client
 * or a raw Node error with `code`) or a received response that was not `200 {"status":"ok"}`.
 */
export function classifyHealthCheckFailure(failure: unknown, target: HealthTarget, signing: ApiSigning = 'caller-token'): HealthFailure {
  const { host, port, path } = target;
  const hostPort = `${host}:${port}`;

  if (isResponse(failure)) {
    const status = failure.statusCode;
    // The API answers /healthz to anyone; behind Lattice a 401/403 there is Lattice refusing the
    // signed request before it reaches the API.
    if (signing === 'lattice' && (status === 401 || status === 403)) return classifyIdentityFailure(status, target, signing);
    const reported = bodyStatus(failure.body);
    const suffix = reported ? ` (status "${reported}")` : '';
    if (status === 503) {
      return {
        layer: 'HTTP',
        code: '503',
        message: `HTTP: ${path} answered 503${suffix} — the service has no healthy targets or is draining; check the target group health and the service logs`,
        retryable: true,
      };
    }
    if (status >= 500) {
      return {
        layer: 'HTTP',
        code: String(status),
        message: `HTTP: ${path} answered ${status} — the service is failing; check the service logs`,
        retryable: true,
      };
    }
    if (status >= 200 && status < 300) {
      return {
        layer: 'HTTP',
        code: String(status),
        message: `HTTP: ${path} answered ${status} but not {"status":"ok"} — a different service may be answering at ${host}`,
        retryable: true,
      };
    }
    return {
      layer: 'HTTP',
      code: String(status),
      message: `HTTP: ${path} answered ${status} — check API_BASE_URL (host/path) and that the right service is behind ${host}`,
      retryable: false,
    };
  }

  if (failure instanceof ApiClientConfigError || failure instanceof SigningConfigError) {
    return { layer: 'config', code: 'CONFIG', message: `config: ${failure.message}`, retryable: false };
  }
  if (failure instanceof CallerNotAuthorized) {
    const status = Number(failure.details.statusCode);
    return classifyIdentityFailure(status === 401 || status === 403 ? status : 403, target, signing);
  }

  const { code, phase, timedOut } = errorInfo(failure);

  if (timedOut) {
    switch (phase) {
      case 'dns':
        return {
          layer: 'DNS',
          code,
          message: `DNS: lookup of ${host} timed out — check the VPC's DNS resolution (Route 53 Resolver) and the subdomain delegation`,
          retryable: true,
        };
      case 'tls':
        return {
          layer: 'TLS',
          code,
          message: `TLS: handshake with ${hostPort} timed out after the TCP connection was established — check that the NLB listener is TLS on port ${port} and that it has healthy targets`,
          retryable: true,
        };
      case 'response':
        return {
          layer: 'HTTP',
          code,
          message: `HTTP: ${path} did not answer in time (connection and TLS were fine) — the service is hanging or overloaded; check the service logs`,
          retryable: true,
        };
      default:
        return {
          layer: 'network',
          code,
          message: `network: connection to ${hostPort} timed out — check the Transit Gateway routes and the NLB/Lambda security groups`,
          retryable: true,
        };
    }
  }

  if (DNS_CODES.has(code) || (phase === 'dns' && !REFUSED_RESET_CODES.has(code))) {
    const what = code === 'EAI_AGAIN' ? 'could not be resolved right now' : 'did not resolve';
    return {
      layer: 'DNS',
      code,
      message: `DNS: ${host} ${what} (${code}) — check the subdomain delegation and the alias record`,
      retryable: true,
    };
  }

  if (REFUSED_RESET_CODES.has(code)) {
    const during = phase === 'tls' ? ' during the TLS handshake' : phase === 'response' ? ' while waiting for the response' : '';
    return {
      layer: 'network',
      code,
      message: `network: connection refused/reset by ${hostPort}${during} (${code}) — check the NLB listener port, its security group and that targets are registered`,
      retryable: true,
    };
  }

  if (UNREACHABLE_CODES.has(code)) {
    return {
      layer: 'network',
      code,
      message: `network: ${hostPort} is unreachable (${code}) — check the Transit Gateway attachments/routes and the VPC route tables`,
      retryable: true,
    };
  }

  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      layer: 'TLS',
      code,
      message: `TLS: the certificate presented by ${hostPort} is not valid for ${host} (${code}) — ${TLS_HINT} (domain name / SANs)`,
      retryable: false,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return {
      layer: 'TLS',
      code,
      message: `TLS: the certificate presented by ${hostPort} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'} (${code}) — ${TLS_HINT} (renewal / validity)`,
      retryable: false,
    };
  }
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return {
      layer: 'TLS',
      code,
      message: `TLS: the certificate presented by ${hostPort} is not trusted (${code}) — ${TLS_HINT} (it must chain to a trusted CA; set API_CA_PEM for a private CA)`,
      retryable: false,
    };
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO' || code.startsWith('CERT_')) {
    return {
      layer: 'TLS',
      code,
      message: `TLS: handshake with ${hostPort} failed (${code}) — check that the NLB listener on port ${port} is a TLS listener and ${TLS_HINT}`,
      retryable: false,
    };
  }

  return {
    layer: 'network',
    code,
    message: `network: request to ${hostPort}${path} failed (${code})${phase ? ` during ${phase}` : ''} — check the Transit Gateway routes, security groups and the NLB`,
    retryable: true,
  };
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A refused identity: 401 and 403 are configuration (no retry); 503 is the API's way to STS. With
 * the caller token the API refused; behind Lattice, a 403 on any path may be Lattice's auth policy
 * (its refusal is not the API's JSON), a 401 or 403 on the identity route the API's CALLERS.
 */
export function classifyIdentityFailure(status: number, target: HealthTarget, signing: ApiSigning = 'caller-token'): HealthFailure {
  const at = `identity: ${target.path} answered ${status}`;
  if (signing === 'lattice') {
    if (status === 401) return { layer: 'identity', code: '401', message: `${at} — the API saw no Lattice caller identity: it must run with CALLER_IDENTITY_SOURCE=lattice behind a Lattice service with auth type AWS_IAM, reached through that service only`, retryable: false };
    if (status === 403) return { layer: 'identity', code: '403', message: `${at} — this function's role was refused: by the Lattice service's auth policy (a non-JSON AccessDeniedException: check consumers[].calls and the policy) or by the API's CALLERS; check that both sides were deployed from one configuration`, retryable: false };
    return { layer: 'identity', code: String(status), message: `${at} — check the service logs`, retryable: status >= 500 };
  }
  if (status === 401) return { layer: 'identity', code: '401', message: `${at} — the API refused this function's token; API_AUDIENCE must be the API's name (its API_NAME)`, retryable: false };
  if (status === 403) return { layer: 'identity', code: '403', message: `${at} — this function's role is not among the API's callers (CALLERS): check consumers[].calls and that both sides were deployed from one configuration`, retryable: false };
  if (status === 503) return { layer: 'identity', code: '503', message: `${at} — the API could not verify the token with STS; check the STS interface endpoint in the API's VPC`, retryable: true };
  return { layer: 'identity', code: String(status), message: `${at} — check the service logs`, retryable: status >= 500 };
}

function consumerOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { consumer?: unknown };
    return typeof parsed.consumer === 'string' ? parsed.consumer : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the health check with retries; resolves with a summary or throws a diagnostic Error. */
export async function runHealthCheck(options: HealthCheckOptions = {}): Promise<HealthCheckSummary> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? HEALTH_ATTEMPT_TIMEOUT_MS;
  const deadlineMs = options.deadlineMs ?? HEALTH_DEADLINE_MS;
  const started = now();

  let target: HealthTarget = { host: '(unset)', port: 443, path: HEALTH_CHECK_PATH };
  let url = HEALTH_CHECK_PATH;
  let cfgError: unknown;
  let identityChecked = false;
  let signing: ApiSigning = 'caller-token';
  try {
    const cfg = getConfig();
    signing = cfg.signing;
    identityChecked = cfg.audience !== undefined || cfg.signing === 'lattice';
    target = { host: cfg.hostname, port: cfg.port, path: HEALTH_CHECK_PATH };
    url = `${cfg.baseUrl}${HEALTH_CHECK_PATH}`;
  } catch (err) {
    cfgError = err;
  }
  if (cfgError !== undefined) {
    const failure = classifyHealthCheckFailure(cfgError, target);
    log('error', 'health check failed', { failure });
    throw new Error(failure.message);
  }

  let attempt = 0;
  for (;;) {
    attempt += 1;
    const remaining = deadlineMs - (now() - started);
    let failure: HealthFailure;
    let raw: unknown;
    try {
      const res = await apiRequest(HEALTH_CHECK_PATH, {
        requestId: `healthcheck-${randomUUID()}`,
        timeoutMs: Math.max(1, Math.min(attemptTimeoutMs, remaining)),
      });
      // With caller identity on, the check proves that path too: this function's token verified by
      // the API through its STS endpoint, or its signature by Lattice, mapped to this consumer.
      const identity = res.statusCode === 200 && bodyStatus(res.body) === 'ok' && identityChecked
        ? await apiRequest(CALLER_PATH, { requestId: `healthcheck-${randomUUID()}`, timeoutMs: Math.max(1, Math.min(attemptTimeoutMs, deadlineMs - (now() - started))) })
        : undefined;
      if (identity && identity.statusCode !== 200) {
        raw = { statusCode: identity.statusCode, body: identity.body.slice(0, 200) };
        failure = classifyIdentityFailure(identity.statusCode, { ...target, path: CALLER_PATH }, signing);
      } else if (res.statusCode === 200 && bodyStatus(res.body) === 'ok') {
        const summary: HealthCheckSummary = {
          ok: true,
          url,
          statusCode: res.statusCode,
          body: JSON.parse(res.body) as unknown,
          attempts: attempt,
          durationMs: now() - started,
        };
        log('info', 'health check passed', { ...summary, consumer: identity ? consumerOf(identity.body) : undefined, connectionsOpened: getAgentStats().connectionsOpened });
        return summary;
      } else {
        raw = { statusCode: res.statusCode, body: res.body.slice(0, 200) };
        failure = classifyHealthCheckFailure(res, target, signing);
      }
    } catch (err) {
      raw = describeError(err);
      failure = classifyHealthCheckFailure(err, target, signing);
    }

    const elapsed = now() - started;
    const delay = backoffMs(attempt);
    // Stop when the next attempt could not have its full timeout: an attempt cut short by the
    // deadline would fail as a timeout and hide the real diagnosis (a 503, a TLS error...).
    const giveUp = !failure.retryable || elapsed + delay + attemptTimeoutMs > deadlineMs;
    log(giveUp ? 'error' : 'warn', 'health check attempt failed', { attempt, elapsedMs: elapsed, failure, raw });
    if (giveUp) {
      const seconds = Math.round(elapsed / 100) / 10;
      throw new Error(
        `Health check of ${url} failed after ${attempt} attempt${attempt === 1 ? '' : 's'} (${seconds} s). ${failure.message}`,
      );
    }
    await sleep(delay);
  }
}

/** Lambda entry point, invoked by the health-check gate (the event carries nothing we need). */
export const handler = async (): Promise<HealthCheckSummary> => runHealthCheck();
