/**
 * Limits on one GraphQL request, shared by the AppSync API (lib/constructs/graphql-consumer.ts) and
 * the local stand-in (tools/local/graphql-server.ts), so both refuse the same queries. Constants
 * only, no imports: the CDK app and the local server both load this file.
 *
 * Why: without limits, one request with 500 aliases of `item` made 500 API calls. AppSync allows up to 10,000
 * resolvers per request by default and no depth limit. Every `Query` field is a Lambda resolver,
 * and each invocation makes at most one API call (two with the retry on a dead socket).
 */

/**
 * Resolver invocations per request (AppSync `resolverCountLimit`). Only `Query.item` and
 * `Query.items` have resolvers, so this is the number of top-level fields (aliases included) and
 * the most API calls one GraphQL request can cause.
 */
export const RESOLVER_COUNT_LIMIT = 10;

/**
 * Nesting depth of fields (AppSync `queryDepthLimit`). The deepest query the schema allows is 3
 * (`items { items { tags } }`); one level of slack for however a counter treats the root.
 */
export const QUERY_DEPTH_LIMIT = 4;

/** Local stand-in only: largest request body accepted (larger bodies get 413 before parsing). */
export const MAX_GRAPHQL_BODY_BYTES = 64 * 1024;
