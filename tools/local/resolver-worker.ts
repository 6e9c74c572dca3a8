/**
 * The worker-thread side of one API's resolver in the local stack (the host side is
 * ./resolver-host.ts). The worker runs that API's real Lambda handler with that API's resolver
 * environment, as one Lambda function of that API would: the resolver client's configuration,
 * keep-alive agent and token cache are module-level state read from process.env, and a worker
 * has its own modules and its own process.env, so two APIs' resolvers cannot share either.
 *
 * Messages: the host sends `invoke` and `stop`; the worker answers `ready` / `fatal` once at start
 * (the configuration is read at once, so a bad one fails the start, not the first query), one
 * `result` or `error` per invocation, `console` for the handler's log lines (printed by the host on
 * its own console, as in-process), and `stopped`.
 */
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { getAgentStats, getConfig, resetApiClient } from '../../lib/runtime/graphql-resolver/src/api-client';

export type HostMessage = { readonly type: 'invoke'; readonly id: number; readonly event: unknown } | { readonly type: 'stop' };

/** What crosses the Lambda boundary when a handler throws (name, message), plus the details the hop log prints. */
export interface CrossedError {
  readonly name: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  readonly cause?: string;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly connectionsOpened: number }
  | { readonly type: 'fatal'; readonly error: CrossedError }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown; readonly connectionsOpened: number }
  | { readonly type: 'error'; readonly id: number; readonly error: CrossedError; readonly connectionsOpened: number }
  | { readonly type: 'console'; readonly level: 'log' | 'warn' | 'error'; readonly line: string }
  | { readonly type: 'stopped'; readonly connectionsOpened: number };

function crossed(err: unknown): CrossedError {
  if (!(err instanceof Error)) return { name: 'Lambda:Unhandled', message: String(err) };
  const { details, cause } = err as { details?: unknown; cause?: { message?: unknown } };
  return {
    name: err.name,
    message: err.message,
    // A JSON round trip, as anything crossing the Lambda boundary.
    details: details === undefined ? undefined : (JSON.parse(JSON.stringify(details)) as Record<string, unknown>),
    cause: typeof cause?.message === 'string' ? cause.message : undefined,
  };
}

/** Serves `handler` to the host thread until it sends `stop`. */
export function serveResolver(handler: (event: never) => Promise<unknown>): void {
  const port = parentPort;
  if (!port) throw new Error('serveResolver runs in a worker thread started by tools/local/resolver-host.ts');
  const post = (message: WorkerMessage): void => port.postMessage(message);
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    console[level] = (...args: unknown[]) => post({ type: 'console', level: level === 'info' ? 'log' : level, line: format(...args) });
  }
  try {
    getConfig();
  } catch (err) {
    post({ type: 'fatal', error: crossed(err) });
    port.close();
    return;
  }
  post({ type: 'ready', connectionsOpened: getAgentStats().connectionsOpened });
  port.on('message', (message: HostMessage) => {
    if (message.type === 'stop') {
      const { connectionsOpened } = getAgentStats();
      resetApiClient(); // the pooled TLS connections to the front
      post({ type: 'stopped', connectionsOpened });
      port.close();
      return;
    }
    handler(message.event as never).then(
      (result) => post({ type: 'result', id: message.id, result: JSON.parse(JSON.stringify(result ?? null)) as unknown, connectionsOpened: getAgentStats().connectionsOpened }),
      (err: unknown) => post({ type: 'error', id: message.id, error: crossed(err), connectionsOpened: getAgentStats().connectionsOpened }),
    );
  });
}
