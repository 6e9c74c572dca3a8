/**
 * The HTTP server, assembled: bare `node:http` (no framework, no runtime dependencies) with the
 * service's timeouts, every request through the same id, log line and limits, then the routes;
 * its shutdown is drain.ts's.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallerIdentitySource } from './caller-identity-source';
import { Catalogue, createDefaultCatalogue } from './catalogue';
import { CALLER_PATH, HEALTH_CHECK_PATH } from './contract';
import { DrainResult, createDrainer } from './drain';
import { Logger, createLogger } from './logger';
import { answerClientError, checkUrlLength, rejectRequest, withBodyLimit } from './request-limits';
import { resolveRequestId } from './request-id';
import { Context, HttpError, createSend, sendError, truncate } from './respond';
import { ExtraRoute, RouterFactoryProps, createRouter } from './routes';
import {
  CONNECTIONS_CHECKING_INTERVAL_MS,
  DRAIN_IDLE_GRACE_MS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_BODY_BYTES,
  REQUEST_TIMEOUT_MS,
} from './settings';

export type { DrainResult } from './drain';

export interface ApiServerOptions {
  /** @default createDefaultCatalogue() */
  readonly catalogue?: Catalogue;
  /** @default createLogger() (JSON lines on stdout) */
  readonly logger?: Logger;
  /**
   * The API's routes: another service built on this server (lib/runtime/stock-service) passes its
   * own router; `catalogue` is then unused.
   * @default the catalogue's router (./routes)
   */
  readonly router?: (props: RouterFactoryProps) => (ctx: Context) => void;
  /**
   * Routes beyond the API's own, for code that embeds the server (tests add a slow route to hold
   * requests in flight during a drain). The product passes none.
   * @default - none
   */
  readonly extraRoutes?: readonly ExtraRoute[];
  /**
   * Caller identity (a caller token verified with STS, or Lattice's identity header): every route
   * but the health check requires a caller the source maps to a consumer, and the consumer's name
   * is in its request log line.
   * @default - none (every route open: the consumer VPCs are the trust boundary)
   */
  readonly callerIdentity?: CallerIdentitySource;
  /** Overrides, for tests. @default the constants of ./settings */
  readonly maxBodyBytes?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly connectionsCheckingIntervalMs?: number;
  readonly drainIdleGraceMs?: number;
}

export interface ApiServer {
  readonly server: http.Server;
  /** True from the moment drain() or close() is called. */
  readonly draining: boolean;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful drain: healthz -> 503, stop accepting connections, keep answering requests on open
   * connections with `Connection: close`, close the keep-alive connections still idle after a
   * grace (DRAIN_IDLE_GRACE_MS), let in-flight requests finish. After `deadlineMs` the remaining
   * connections are destroyed. Idempotent.
   */
  drain(deadlineMs: number): Promise<DrainResult>;
  /** Immediate close: stop accepting and destroy every connection (tests, fatal errors). */
  close(): Promise<void>;
}

const MAX_LOGGED_PATH_LENGTH = 256;

export function createApiServer(options: ApiServerOptions = {}): ApiServer {
  const logger = options.logger ?? createLogger();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  const server = http.createServer({
    headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? CONNECTIONS_CHECKING_INTERVAL_MS,
    // Routing never looks at Host, and a load-balancer health check must not fail because a
    // prober omitted it (Node would answer a bare 400 before our handler runs).
    requireHostHeader: false,
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
  server.maxRequestsPerSocket = 0; // unlimited: connection reuse is the point of keep-alive
  server.timeout = 0; // no socket inactivity timeout; the timeouts above cover every phase

  const drainer = createDrainer(server, logger, options.drainIdleGraceMs ?? DRAIN_IDLE_GRACE_MS);
  const isDraining = (): boolean => drainer.draining;
  const send = createSend(isDraining);
  const routerProps: RouterFactoryProps = { send, isDraining, extraRoutes: options.extraRoutes ?? [] };
  const route = options.router ? options.router(routerProps) : createRouter({ ...routerProps, catalogue: options.catalogue ?? createDefaultCatalogue() });

  const identity = options.callerIdentity;

  const dispatch = (ctx: Context): void => {
    try {
      route(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        sendError(send, ctx, err);
        return;
      }
      // Details go to the log only; the client gets a generic message and the request id.
      logger.error('unhandled error', {
        requestId: ctx.requestId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      if (!ctx.res.headersSent) sendError(send, ctx, new HttpError(500, 'INTERNAL', 'internal error'));
      else ctx.res.destroy();
    }
  };

  /** Every request, including those Node answers for us (`rejected`), gets the same id, headers and log line. */
  const handle = (req: http.IncomingMessage, res: http.ServerResponse, rejected?: HttpError): void => {
    const started = process.hrtime.bigint();
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let consumer: string | undefined;
    const ctx: Context = {
      req,
      res,
      requestId,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
    };
    res.once('close', () => {
      logger.request({
        requestId,
        method: req.method ?? '-',
        path: truncate(ctx.path, MAX_LOGGED_PATH_LENGTH), // query omitted: it may carry cursors
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
        aborted: res.writableFinished ? undefined : true,
        consumer,
      });
    });
    if (rejected) {
      rejectRequest(send, ctx, rejected);
      return;
    }
    const tooLong = checkUrlLength(url);
    if (tooLong) {
      sendError(send, ctx, tooLong);
      return;
    }
    if (identity === undefined || ctx.path === HEALTH_CHECK_PATH) {
      withBodyLimit(send, maxBodyBytes, ctx, () => dispatch(ctx));
      return;
    }
    // The load balancer's health check stays open; everything else needs a caller.
    const fail = (err: unknown): void => {
      if (err instanceof HttpError) {
        sendError(send, ctx, err);
        return;
      }
      logger.error('caller verification failed', { requestId, error: err instanceof Error ? err.message : String(err) });
      sendError(send, ctx, new HttpError(500, 'INTERNAL', 'internal error'));
    };
    // A verified request: the caller route answers who it is; every other path goes to the router.
    const serve = (): void => {
      if (ctx.path === CALLER_PATH && (req.method === 'GET' || req.method === 'HEAD')) send(ctx, 200, { consumer });
      else withBodyLimit(send, maxBodyBytes, ctx, () => dispatch(ctx));
    };
    let caller: ReturnType<CallerIdentitySource['identify']>;
    try {
      caller = identity.identify(req);
    } catch (err) {
      fail(err);
      return;
    }
    if (!(caller instanceof Promise)) {
      consumer = caller.consumer; // cached: no promise, no extra turn of the event loop
      serve();
      return;
    }
    caller.then(
      (verified) => {
        consumer = verified.consumer;
        if (!res.destroyed) serve();
      },
      (err: unknown) => {
        if (!res.destroyed) fail(err);
      },
    );
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handle(req, res));
  // An Expect other than 100-continue: Node would answer a bare 417 without our JSON body.
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) =>
    handle(req, res, new HttpError(417, 'EXPECTATION_FAILED', 'only "Expect: 100-continue" is supported')),
  );
  server.on('clientError', answerClientError(logger));

  return {
    server,
    get draining() {
      return drainer.draining;
    },
    listen(port: number, host?: string): Promise<AddressInfo> {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    drain: (deadlineMs) => drainer.drain(deadlineMs),
    close: () => drainer.close(),
  };
}
