/**
 * The module-level keep-alive `https.Agent` and the rules for reusing its sockets.
 *
 * - One agent at module scope, so the TLS connection survives across Lambda invocations of the
 *   same execution environment: every new TLS connection costs NLB capacity (new flows, TLS
 *   handshakes) and ~1 RTT + handshake of latency.
 * - Idle sockets older than CLIENT_IDLE_REUSE_WINDOW_MS (30 s) are never reused. The server's
 *   keep-alive timeout is longer (65 s), so the server never closes a socket the client is about
 *   to reuse (which would otherwise surface as a random ECONNRESET). The check uses wall-clock
 *   timestamps just before each request, because timers do not run while a Lambda execution
 *   environment is frozen between invocations.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { CLIENT_IDLE_REUSE_WINDOW_MS } from '../../api-service/src/contract';
import type { ApiClientConfig } from './client-config';

/** Sockets per origin. A Lambda environment runs one invocation at a time, so 1 is normally used. */
export const MAX_SOCKETS = 10;

export interface AgentStats {
  /** TLS connections this module opened since the agent was (re)created. */
  readonly connectionsOpened: number;
  /** Sockets currently serving a request. */
  readonly activeSockets: number;
  /** Idle keep-alive sockets in the pool. */
  readonly freeSockets: number;
  /** Stale idle sockets destroyed by the CLIENT_IDLE_REUSE_WINDOW_MS rule. */
  readonly staleSocketsEvicted: number;
  /** Requests retried once because a reused keep-alive socket turned out to be dead. */
  readonly staleSocketRetries: number;
}

type CountingAgent = https.Agent & { readonly createdFor: ApiClientConfig };

let agent: CountingAgent | undefined;
let connectionsOpened = 0;
let staleSocketsEvicted = 0;
let staleSocketRetries = 0;
/** When each pooled socket became idle (wall clock, so it is correct across Lambda freezes). */
let idleSince = new WeakMap<object, number>();

function createAgent(cfg: ApiClientConfig): CountingAgent {
  const options: https.AgentOptions = {
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    maxFreeSockets: MAX_SOCKETS,
    // Most recently used socket first: the others age out instead of all staying warm.
    scheduling: 'lifo',
    // While the process is not frozen, idle sockets are also closed by a timer after the window.
    timeout: CLIENT_IDLE_REUSE_WINDOW_MS,
    minVersion: 'TLSv1.2',
    // Certificate verification always uses the base URL's host name, even when API_CONNECT_HOST
    // points the TCP connection somewhere else. It is an agent option, not a request option: on
    // Node.js 24 a per-request function in the options makes every request open a new socket.
    checkServerIdentity: (_connectHost: string, cert: tls.PeerCertificate) =>
      tls.checkServerIdentity(cfg.hostname, cert),
  };
  if (cfg.extraCaPem !== undefined) {
    // A prebuilt secure context: `ca` itself would be concatenated into the pool key on every request.
    options.secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, cfg.extraCaPem] });
  }
  class Counting extends https.Agent {
    readonly createdFor = cfg;
    override createConnection(
      opts: https.RequestOptions,
      callback?: (err: Error | null, stream: Duplex) => void,
    ): Duplex | null | undefined {
      connectionsOpened += 1;
      return super.createConnection(opts, callback);
    }
  }
  const created = new Counting(options);
  created.on('free', (socket: object) => idleSince.set(socket, Date.now()));
  return created;
}

/** The agent for this configuration, created on first use (and again if the configuration changed). */
export function getAgent(cfg: ApiClientConfig): https.Agent {
  if (agent === undefined || agent.createdFor !== cfg) {
    agent?.destroy();
    agent = createAgent(cfg);
  }
  return agent;
}

/** Destroys pooled sockets that have been idle for CLIENT_IDLE_REUSE_WINDOW_MS or longer. */
export function evictStaleSockets(target: https.Agent, now: number): void {
  for (const sockets of Object.values(target.freeSockets)) {
    for (const socket of sockets ?? []) {
      const since = idleSince.get(socket);
      if (!socket.destroyed && since !== undefined && now - since >= CLIENT_IDLE_REUSE_WINDOW_MS) {
        staleSocketsEvicted += 1;
        // Destroyed sockets are skipped by the agent when it picks a free socket.
        socket.destroy();
      }
    }
  }
}

/**
 * Prepares the one retry after a reused socket turned out dead: counts it and destroys every idle
 * pooled socket. Its siblings usually share the cause (a task that drained, an NLB flow that timed
 * out), and the agent would otherwise hand the retry another of them.
 */
export function prepareRetryOnFreshSocket(target: https.Agent): void {
  staleSocketRetries += 1;
  for (const sockets of Object.values(target.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

/** Counters for tests and diagnostics. */
export function getAgentStats(): AgentStats {
  const count = (lists: NodeJS.ReadOnlyDict<unknown[]> | undefined): number =>
    Object.values(lists ?? {}).reduce((n, l) => n + (l?.length ?? 0), 0);
  return {
    connectionsOpened,
    activeSockets: count(agent?.sockets),
    freeSockets: count(agent?.freeSockets),
    staleSocketsEvicted,
    staleSocketRetries,
  };
}

/** Destroys the agent and all its sockets; the next request creates a fresh one. Counters reset. */
export function destroyAgent(): void {
  agent?.destroy();
  agent = undefined;
  connectionsOpened = 0;
  staleSocketsEvicted = 0;
  staleSocketRetries = 0;
  idleSince = new WeakMap();
}
