/**
 * The HTTP contract between the api-service and its callers (the GraphQL resolver imports this
 * file across folders; esbuild bundles it into the Lambda). A value both sides must agree on is
 * defined here once, so the resolver can never accept what the service rejects, or the reverse.
 *
 * It lives inside the api-service folder because that folder is the container image's Docker
 * build context: a module outside it would be missing from the image build.
 *
 * Constants only: no imports, no side effects (the infrastructure code imports it too).
 */

/** Path of the cheap, dependency-free health check (NLB target group and the deploy-time check). */
export const HEALTH_CHECK_PATH = '/healthz';

/** The collection of items: `GET /v1/items` lists, `GET /v1/items/{id}` reads one. */
export const ITEMS_PATH = '/v1/items';

/** An item id: 1..64 characters of A-Z, a-z, 0-9, "_" or "-". */
export const ITEM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Page size bounds of `GET /v1/items?limit=`. */
export const MIN_PAGE_LIMIT = 1;
export const MAX_PAGE_LIMIT = 100;
/** Page size when `limit` is absent. */
export const DEFAULT_PAGE_LIMIT = 20;

/**
 * How long the caller reuses an idle keep-alive connection. The service's keep-alive timeout
 * (KEEP_ALIVE_TIMEOUT_MS in settings.ts) must be longer, so the server never closes a connection
 * the client is about to reuse, which would surface as a random ECONNRESET.
 */
export const CLIENT_IDLE_REUSE_WINDOW_MS = 30_000;
