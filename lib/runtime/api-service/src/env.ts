/**
 * Runtime configuration from environment variables (pure: no side effects, easy to test).
 *
 *   PORT                 listening port, 0..65535 (default CONTAINER_PORT = 8080; 0 = ephemeral)
 *   HOST                 listening address (default: all interfaces)
 *   DRAIN_TIMEOUT_MS     graceful-drain deadline after SIGTERM/SIGINT (default DRAIN_TIMEOUT_MS)
 *
 * Caller identity (./caller-identity-source), on when CALLERS is set:
 *   CALLER_IDENTITY_SOURCE  `sts-token` (default) or `lattice`
 *   CALLERS              JSON [{"consumer":"web","account":"222222222222","role":"web-resolver"}, ...]
 *   API_NAME             this API's name (sts-token: the audience callers sign their tokens for)
 * sts-token only (./caller-identity):
 *   STS_REGION           the region of the regional STS host tokens must be signed for
 *   STS_ENDPOINT         where tokens are verified (default https://<regional STS host>, which the
 *                        VPC's STS interface endpoint answers with private DNS on)
 * lattice (./lattice-identity): the caller is the identity header VPC Lattice adds; no STS, so
 * STS_REGION and STS_ENDPOINT are not read.
 */
import type { CallerIdentityConfig } from './caller-identity';
import type { CallerIdentitySourceKind, CallerMapping } from './caller-identity-source';
import type { LatticeIdentityConfig } from './lattice-identity';
import { CONTAINER_PORT, DRAIN_TIMEOUT_MS } from './settings';

/** Caller identity's settings, by source. */
export type CallerIdentitySettings =
  | ({ readonly source: 'sts-token' } & CallerIdentityConfig)
  | ({ readonly source: 'lattice' } & LatticeIdentityConfig);

export interface RuntimeConfig {
  readonly port: number;
  readonly host: string | undefined;
  readonly drainTimeoutMs: number;
  /** Undefined when CALLERS is unset (sts-token): every route open, as before. */
  readonly callerIdentity?: CallerIdentitySettings;
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv): RuntimeConfig {
  return {
    port: integer(env, 'PORT', CONTAINER_PORT, 0, 65_535),
    host: env.HOST === undefined || env.HOST === '' ? undefined : env.HOST,
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_MS', DRAIN_TIMEOUT_MS, 1, 600_000),
    callerIdentity: callerIdentity(env),
  };
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const SOURCES: readonly CallerIdentitySourceKind[] = ['sts-token', 'lattice'];

function callerIdentity(env: NodeJS.ProcessEnv): CallerIdentitySettings | undefined {
  const rawSource = env.CALLER_IDENTITY_SOURCE?.trim() || 'sts-token';
  if (!(SOURCES as readonly string[]).includes(rawSource)) {
    throw new Error(`environment variable CALLER_IDENTITY_SOURCE must be ${SOURCES.map((k) => `"${k}"`).join(' or ')} (or unset for "sts-token"), got "${rawSource}"`);
  }
  const source = rawSource as CallerIdentitySourceKind;
  const raw = env.CALLERS;
  if (raw === undefined || raw.trim() === '') {
    // Behind Lattice every route but /healthz needs a listed caller: no list would be a 403 for all.
    if (source === 'lattice') throw new Error('environment variable CALLERS must be set when CALLER_IDENTITY_SOURCE is "lattice": the consumers allowed to call this API');
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('environment variable CALLERS must be JSON: [{"consumer":"...","account":"123456789012","role":"..."}]');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error('environment variable CALLERS must be a non-empty JSON array of {consumer, account, role}');
  }
  const callers: CallerMapping[] = parsed.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const { consumer, account, role } = e;
    if (typeof consumer !== 'string' || !NAME.test(consumer)) {
      throw new Error(`environment variable CALLERS[${i}].consumer must be 1-64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(consumer)}`);
    }
    if (typeof account !== 'string' || !/^[0-9]{12}$/.test(account)) {
      throw new Error(`environment variable CALLERS[${i}].account must be a 12-digit account id, got ${JSON.stringify(account)}`);
    }
    if (typeof role !== 'string' || !ROLE_NAME.test(role)) {
      throw new Error(`environment variable CALLERS[${i}].role must be an IAM role name (no path), got ${JSON.stringify(role)}`);
    }
    return { consumer, account, role };
  });
  const apiName = env.API_NAME?.trim() ?? '';
  if (!NAME.test(apiName)) {
    throw new Error(`environment variable API_NAME must be set to this API's name (1-64 characters of A-Z a-z 0-9 . _ -) when CALLERS is set, got "${apiName}"`);
  }
  if (source === 'lattice') return { source, apiName, callers };
  const stsRegion = env.STS_REGION?.trim() ?? '';
  if (!/^[a-z]{2}(-[a-z]+)+-[0-9]$/.test(stsRegion)) {
    throw new Error(`environment variable STS_REGION must be an AWS region (e.g. eu-west-1) when CALLERS is set, got "${stsRegion}"`);
  }
  const stsHost = stsRegion.startsWith('cn-') ? `sts.${stsRegion}.amazonaws.com.cn` : `sts.${stsRegion}.amazonaws.com`;
  const stsEndpoint = env.STS_ENDPOINT?.trim() || `https://${stsHost}`;
  let endpoint: URL;
  try {
    endpoint = new URL(stsEndpoint);
  } catch {
    throw new Error(`environment variable STS_ENDPOINT must be a URL, got "${stsEndpoint}"`);
  }
  const loopback = endpoint.hostname === '127.0.0.1' || endpoint.hostname === 'localhost' || endpoint.hostname === '[::1]';
  if (endpoint.protocol !== 'https:' && !(endpoint.protocol === 'http:' && loopback)) {
    throw new Error(`environment variable STS_ENDPOINT must use https (plain http only on loopback, for local runs), got "${stsEndpoint}"`);
  }
  if (endpoint.pathname !== '/' || endpoint.search !== '' || endpoint.username !== '') {
    throw new Error(`environment variable STS_ENDPOINT must be an origin (scheme, host, port) only, got "${stsEndpoint}"`);
  }
  return { source, apiName, stsRegion, stsHost, stsEndpoint: endpoint.origin, callers };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new Error(`environment variable ${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}
