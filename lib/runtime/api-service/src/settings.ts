/**
 * Operational constants of the api-service.
 *
 * This module is imported by the CDK infrastructure code as well as by the service itself,
 * so it MUST stay free of side effects: constants only, plus re-exports of contract.ts (itself
 * import-free), which defines what the service and its callers share.
 *
 *   import { CONTAINER_PORT, DRAIN_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, HEALTH_CHECK_PATH }
 *     from '../runtime/api-service/src/settings';
 *
 * Timing relationships the infrastructure must respect (all enforced by tests here or in the
 * infra tests):
 *
 *   consumer idle reuse (30 s) < KEEP_ALIVE_TIMEOUT_MS (65 s) < NLB TCP idle timeout (350 s)
 *   DRAIN_TIMEOUT_MS (20 s)    < ECS container stopTimeout (infra uses 30 s)
 *
 * Shutdown sequence on ECS: when a task is stopped, ECS first deregisters it from the NLB target
 * group and waits for the target group's deregistration delay, and only then sends SIGTERM.
 * The deregistration delay therefore does NOT count against stopTimeout. With the NLB default
 * (connection termination on deregistration disabled) flows that were established before
 * deregistration keep reaching the task, which is why the service drains its own keep-alive
 * connections on SIGTERM (see DRAIN_TIMEOUT_MS). Keep connection termination disabled: enabling it
 * makes the NLB reset those flows at the end of the deregistration delay, i.e. before SIGTERM,
 * which would cut in-flight requests instead of letting the drain finish them.
 */

/** TCP port the container listens on (NLB target group port and container port mapping). */
export const CONTAINER_PORT = 8080;

/** The health check path (NLB target group, HTTP, 200 = healthy) and the client's reuse window. */
export { CLIENT_IDLE_REUSE_WINDOW_MS, HEALTH_CHECK_PATH } from './contract';

/**
 * `server.keepAliveTimeout`: how long the server keeps an idle keep-alive connection open.
 *
 * It MUST be longer than the client's idle-connection reuse window (CLIENT_IDLE_REUSE_WINDOW_MS,
 * 30 s): the server must never close a connection that the client is about to reuse, otherwise a
 * request written onto a socket the server is closing at the same moment fails with ECONNRESET.
 * The client therefore always gives up on an idle connection first. The NLB's own TCP idle
 * timeout is 350 s, so it never interferes (it is longer than this value).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * `server.headersTimeout`: maximum time to receive the complete request headers (slow-loris guard).
 *
 * On Node >= 18 this timer only runs while a request is being received; it does not apply to an
 * idle keep-alive connection, so it does NOT need to exceed KEEP_ALIVE_TIMEOUT_MS (that was a
 * workaround for Node <= 12). Node requires headersTimeout <= requestTimeout. See the
 * "idle keep-alive connection outlives headersTimeout" test.
 */
export const HEADERS_TIMEOUT_MS = 10_000;

/** `server.requestTimeout`: maximum time to receive the entire request (headers + body). */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Maximum accepted request body, in bytes. The API has no write routes; larger bodies get 413. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Hard deadline for the graceful drain after SIGTERM/SIGINT. When it expires, the remaining
 * connections are destroyed and the process exits with status 1.
 *
 * The ECS container `stopTimeout` MUST be greater than this value (the infrastructure uses 30 s),
 * so the process always exits on its own before ECS sends SIGKILL.
 */
export const DRAIN_TIMEOUT_MS = 20_000;

/**
 * After SIGTERM, how long keep-alive connections that are idle stay open before the drain closes
 * them. Until then, a request that arrives on one (the NLB keeps forwarding flows opened before
 * deregistration) is answered with `Connection: close` instead of being reset: closing idle
 * connections at once reset requests that were already on the wire but not yet parsed.
 * Must be well under DRAIN_TIMEOUT_MS.
 */
export const DRAIN_IDLE_GRACE_MS = 3_000;

/** Longest accepted request target (path + query); longer ones get 414. Ids and cursors are far shorter. */
export const MAX_URL_BYTES = 4 * 1024;

/**
 * How often Node sweeps connections for expired headersTimeout/requestTimeout. Node's default
 * (30 s) would let a 10 s headersTimeout fire only after up to 40 s; the sweep is cheap.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
