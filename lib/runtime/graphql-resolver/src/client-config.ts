/**
 * The item API client's configuration, read from the Lambda environment once and then cached:
 *
 *   API_BASE_URL      https://host[:port][/prefix]; its host is what the certificate must name
 *   API_CONNECT_HOST  address to connect to instead of the base URL's host (tests, PrivateLink)
 *   API_CONNECT_PORT  port to connect to instead of the base URL's port
 *   API_TIMEOUT_MS    per-request deadline (default REQUEST_TIMEOUT_MS, at most MAX_TIMEOUT_MS)
 *   API_CA_PEM / API_CA_FILE  extra trusted CA certificate(s), PEM
 *   API_AUDIENCE      the API's name: when set, every request carries a caller token for it
 *                     (./caller-token), signed with the function's AWS_* credentials
 *   API_SIGNING       `lattice`: every request is SigV4-signed for VPC Lattice (./lattice-signing)
 *                     with the function's AWS_* credentials, and no caller token is sent (Lattice
 *                     proves the caller to the API; API_AUDIENCE is then not used). Unset: as above.
 */
import { readFileSync } from 'node:fs';

/** Default hard deadline for one request (connect + TLS + response): well inside AppSync's 30 s. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** Upper bound accepted for API_TIMEOUT_MS (AppSync gives up after 30 s anyway). */
export const MAX_TIMEOUT_MS = 29_000;

export interface ApiClientConfig {
  /** The base URL as configured (https). */
  readonly baseUrl: string;
  /** Host name the certificate is verified against and sent as SNI / Host. */
  readonly hostname: string;
  /** Port of the base URL. */
  readonly port: number;
  /** Value of the Host header (host[:port]). */
  readonly hostHeader: string;
  /** Path prefix of the base URL without a trailing slash ('' for none). */
  readonly basePath: string;
  /** Address actually connected to (API_CONNECT_HOST, else the base URL's host). */
  readonly connectHost: string;
  /** Port actually connected to (API_CONNECT_PORT, else the base URL's port). */
  readonly connectPort: number;
  /** Extra trusted CA certificate(s), PEM, if any. */
  readonly extraCaPem?: string;
  readonly timeoutMs: number;
  /** The API's name the caller token is bound to; undefined = no token sent. */
  readonly audience?: string;
  /** How requests prove the caller: a caller token (when `audience` is set), or Lattice's SigV4. */
  readonly signing: ApiSigning;
}

/** `caller-token`: today's token when API_AUDIENCE is set (or nothing); `lattice`: SigV4 for VPC Lattice. */
export type ApiSigning = 'caller-token' | 'lattice';

/**
 * Missing or invalid client configuration in the Lambda environment: a deployment mistake, never
 * the caller's. (Not the CDK app's ConfigError, which reports a bad configuration file at synth.)
 */
export class ApiClientConfigError extends Error {
  static {
    this.prototype.name = 'ApiClientConfigError';
  }
}

function invalidConfig(message: string): ApiClientConfigError {
  return new ApiClientConfigError(`Invalid API client configuration: ${message}`);
}

function parsePositiveInt(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw invalidConfig(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw invalidConfig(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Builds the configuration from an environment object (exported for tests). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiClientConfig {
  const rawBase = env.API_BASE_URL?.trim();
  if (!rawBase) throw invalidConfig('API_BASE_URL is not set');
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw invalidConfig(`API_BASE_URL is not a valid URL: "${rawBase}"`);
  }
  if (url.protocol !== 'https:') throw invalidConfig(`API_BASE_URL must use https, got "${url.protocol}"`);
  if (url.username || url.password) throw invalidConfig('API_BASE_URL must not contain credentials');
  if (url.search || url.hash) throw invalidConfig('API_BASE_URL must not contain a query string or fragment');

  // URL.hostname keeps the brackets of IPv6 literals; node:https wants them without.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : 443;

  const connectHost = env.API_CONNECT_HOST?.trim() || hostname;
  const connectPort = env.API_CONNECT_PORT?.trim()
    ? parsePositiveInt('API_CONNECT_PORT', env.API_CONNECT_PORT, 1, 65_535)
    : port;
  const timeoutMs = env.API_TIMEOUT_MS?.trim()
    ? parsePositiveInt('API_TIMEOUT_MS', env.API_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)
    : REQUEST_TIMEOUT_MS;

  let extraCaPem: string | undefined;
  if (env.API_CA_PEM?.trim()) {
    extraCaPem = env.API_CA_PEM;
  } else if (env.API_CA_FILE?.trim()) {
    try {
      extraCaPem = readFileSync(env.API_CA_FILE.trim(), 'utf8');
    } catch (err) {
      throw invalidConfig(`API_CA_FILE could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (extraCaPem !== undefined && !extraCaPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalidConfig('API_CA_PEM / API_CA_FILE does not contain a PEM certificate');
  }

  const rawSigning = env.API_SIGNING?.trim() ?? '';
  if (rawSigning !== '' && rawSigning !== 'lattice') {
    throw invalidConfig(`API_SIGNING must be "lattice" or unset, got "${rawSigning}"`);
  }
  const signing: ApiSigning = rawSigning === 'lattice' ? 'lattice' : 'caller-token';
  // Behind Lattice the identity is Lattice's: a token would only be one more secret on the wire.
  const audience = signing === 'lattice' ? undefined : env.API_AUDIENCE?.trim() || undefined;
  if (audience !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(audience)) {
    throw invalidConfig(`API_AUDIENCE must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-", got "${audience}"`);
  }

  return {
    baseUrl: url.origin + url.pathname.replace(/\/+$/, ''),
    hostname,
    port,
    hostHeader: url.host,
    basePath: url.pathname.replace(/\/+$/, ''),
    connectHost,
    connectPort,
    extraCaPem,
    timeoutMs,
    audience,
    signing,
  };
}

let config: ApiClientConfig | undefined;

/** The configuration, read from process.env on first use and then cached. */
export function getConfig(): ApiClientConfig {
  config ??= loadConfig(process.env);
  return config;
}

/** Forgets the cached configuration, so that the next getConfig() reads process.env again. */
export function forgetConfig(): void {
  config = undefined;
}
