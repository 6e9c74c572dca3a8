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

/**
 * With caller identity on: answers the verified caller's consumer name (`{"consumer": ...}`), so a
 * deploy-time check can prove the whole identity path (token, STS endpoint, mapping) works.
 */
export const CALLER_PATH = '/v1/caller';

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

/**
 * Caller identity: the request header that carries the caller's token (a presigned STS
 * GetCallerIdentity request, base64url), and the signed header that binds it to one API. The
 * audience header is not sent to the API: the API adds it, with its own name, when it forwards the
 * token to STS, so a token signed for another API fails STS's signature check.
 */
export const CALLER_TOKEN_HEADER = 'x-internal-api-caller';
export const CALLER_AUDIENCE_HEADER = 'x-internal-api-audience';

/**
 * How long a caller token is valid, from its X-Amz-Date. STS accepts a presigned GetCallerIdentity
 * for 15 minutes after it was signed whatever X-Amz-Expires says (aws/aws-sdk-go#2167; the
 * Kubernetes aws-iam-authenticator sends X-Amz-Expires=60 and its server allows 15 minutes,
 * kubernetes-sigs/aws-iam-authenticator#160), so the API enforces this bound itself and never
 * trusts a longer one.
 */
export const CALLER_TOKEN_LIFETIME_SECONDS = 900;
