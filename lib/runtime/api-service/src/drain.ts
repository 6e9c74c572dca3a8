/**
 * Shutting the server down: the graceful drain after SIGTERM and the immediate close.
 *
 * Drain: health check -> 503, stop accepting connections, keep answering requests on open
 * connections with `Connection: close`, close the keep-alive connections still idle after a grace,
 * let in-flight requests finish; after the deadline, destroy what remains.
 */
import type * as http from 'node:http';
import * as net from 'node:net';
import type { Logger } from './logger';

/** 'drained': every connection finished on its own; 'forced': the deadline destroyed some. */
export type DrainResult = 'drained' | 'forced';

export interface Drainer {
  /** True from the moment drain() or close() is called. */
  readonly draining: boolean;
  /** Graceful drain with a hard deadline. Idempotent: a second call returns the first's promise. */
  drain(deadlineMs: number): Promise<DrainResult>;
  /** Immediate close: stop accepting and destroy every connection (tests, fatal errors). */
  close(): Promise<void>;
}

/** The shutdown of `server`; `idleGraceMs` is how long idle keep-alive connections stay open. */
export function createDrainer(server: http.Server, logger: Logger, idleGraceMs: number): Drainer {
  let draining = false;
  let closing: Promise<DrainResult> | undefined;
  let forced = false;

  const startClosing = (): Promise<DrainResult> => {
    draining = true;
    closing ??= new Promise<DrainResult>((resolve) => {
      // Stop accepting, and nothing else: http.Server#close() also closes every keep-alive
      // connection it considers idle, including one whose next request has arrived but is not
      // parsed yet, and that request is reset. net.Server#close only closes the listener; its
      // callback runs once every connection has ended. (It errors only if the server was never
      // listening, which is fine.)
      net.Server.prototype.close.call(server, () => {
        clearTimeout(idleGrace);
        server.close(); // http.Server's own cleanup (its connection-checking timer); nothing is open
        resolve(forced ? 'forced' : 'drained');
      });
      // Busy connections close after their current response (Connection: close). Idle ones get a
      // grace in which a request that arrives is still answered; then Node closes the idle ones.
      const idleGrace = setTimeout(() => server.closeIdleConnections(), idleGraceMs);
    });
    return closing;
  };

  const destroyAll = (): void => {
    forced = true;
    server.closeAllConnections();
  };

  return {
    get draining() {
      return draining;
    },
    drain(deadlineMs: number): Promise<DrainResult> {
      const wasClosing = closing !== undefined;
      const result = startClosing();
      if (!wasClosing) {
        logger.info('draining', { deadlineMs });
        const timer = setTimeout(destroyAll, deadlineMs);
        void result.then(() => clearTimeout(timer));
      }
      return result;
    },
    async close(): Promise<void> {
      const result = startClosing();
      destroyAll();
      await result;
    },
  };
}
