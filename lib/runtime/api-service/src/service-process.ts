/**
 * The service's process: reads the environment, starts the server and
 * turns SIGTERM/SIGINT into a graceful drain:
 *
 *   exit 0  every connection finished within DRAIN_TIMEOUT_MS
 *   exit 1  the deadline expired and remaining connections were destroyed, or a fatal error
 *
 * ECS sends SIGTERM, waits stopTimeout (infra: 30 s, which must exceed DRAIN_TIMEOUT_MS), then
 * SIGKILL; exiting on our own first means no request is cut by the kill.
 */
import { ApiServerOptions, createApiServer } from './app';
import { createCallerVerifier } from './caller-identity';
import type { CallerIdentitySource } from './caller-identity-source';
import { CallerIdentitySettings, RuntimeConfig, loadRuntimeConfig } from './env';
import { createLatticeIdentitySource } from './lattice-identity';
import { createLogger } from './logger';
import { ExtraRoute } from './routes';

export interface ApiServiceProcessOptions {
  /**
   * Routes beyond the API's own: only a test entry point passes any (a slow route that keeps
   * requests in flight while the process drains).
   * @default - none
   */
  readonly extraRoutes?: readonly ExtraRoute[];
  /**
   * The service's routes (see ApiServerOptions.router).
   * @default the catalogue's
   */
  readonly router?: ApiServerOptions['router'];
}

/** The source CALLER_IDENTITY_SOURCE names, with its settings. */
export function createIdentitySource(settings: CallerIdentitySettings): CallerIdentitySource {
  return settings.source === 'lattice' ? createLatticeIdentitySource(settings) : createCallerVerifier(settings);
}

/** Runs the service in this process until a signal drains it; exits the process when done. */
export function runApiService(options: ApiServiceProcessOptions = {}): void {
  const logger = createLogger();
  const fatal = (msg: string, err: unknown): void => {
    logger.error(msg, {
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    process.exit(1);
  };
  // A programming error leaves the process in an unknown state: log it and let ECS replace us.
  process.on('uncaughtException', (err) => fatal('uncaught exception', err));
  process.on('unhandledRejection', (err) => fatal('unhandled rejection', err));

  let config: RuntimeConfig;
  try {
    config = loadRuntimeConfig(process.env);
  } catch (err) {
    fatal('invalid configuration', err);
    return;
  }
  const { port, host, drainTimeoutMs, callerIdentity } = config;

  const identity = callerIdentity === undefined ? undefined : createIdentitySource(callerIdentity);
  if (callerIdentity !== undefined) {
    logger.info('caller identity on', {
      source: callerIdentity.source,
      apiName: callerIdentity.apiName,
      stsEndpoint: callerIdentity.source === 'sts-token' ? callerIdentity.stsEndpoint : undefined,
      callers: callerIdentity.callers.length,
    });
  }
  const api = createApiServer({ logger, extraRoutes: options.extraRoutes, router: options.router, callerIdentity: identity });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (api.draining) {
      logger.info('signal ignored, already draining', { signal });
      return;
    }
    const started = Date.now();
    logger.info('signal received', { signal });
    api.drain(drainTimeoutMs).then(
      (result) => {
        const durationMs = Date.now() - started;
        if (result === 'drained') {
          logger.info('drained, exiting', { durationMs });
          process.exit(0);
        } else {
          logger.error('drain deadline expired, connections destroyed', { durationMs });
          process.exit(1);
        }
      },
      (err: unknown) => fatal('drain failed', err),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  api.listen(port, host).then(
    (address) => logger.info('listening', { address: address.address, port: address.port, pid: process.pid }),
    (err: unknown) => fatal('listen failed', err),
  );
}

