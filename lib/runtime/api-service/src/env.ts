/**
 * Runtime configuration from environment variables (pure: no side effects, easy to test).
 *
 *   PORT                 listening port, 0..65535 (default CONTAINER_PORT = 8080; 0 = ephemeral)
 *   HOST                 listening address (default: all interfaces)
 *   DRAIN_TIMEOUT_MS     graceful-drain deadline after SIGTERM/SIGINT (default DRAIN_TIMEOUT_MS)
 */
import { CONTAINER_PORT, DRAIN_TIMEOUT_MS } from './settings';

export interface RuntimeConfig {
  readonly port: number;
  readonly host: string | undefined;
  readonly drainTimeoutMs: number;
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv): RuntimeConfig {
  return {
    port: integer(env, 'PORT', CONTAINER_PORT, 0, 65_535),
    host: env.HOST === undefined || env.HOST === '' ? undefined : env.HOST,
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_MS', DRAIN_TIMEOUT_MS, 1, 600_000),
  };
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
