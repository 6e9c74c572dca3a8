/**
 * AppSync direct Lambda resolver for `Query.item` and `Query.items`.
 *
 * Imports are deliberately tiny (node built-ins + local modules only) to keep cold starts short.
 * Thrown errors become GraphQL errors: `errorType` = error.name, `message` = error.message.
 */
import type { AppSyncResolverEvent } from 'aws-lambda';
// The api-service's own rule, so the id sent is always the id it logs (bundled by esbuild).
import { resolveRequestId } from '../../api-service/src/request-id';
// The api-service's contract (id rule, page bounds, paths), so the resolver rejects exactly what
// the service would reject, without a round trip.
import { ITEMS_PATH, ITEM_ID_PATTERN, MAX_PAGE_LIMIT, MIN_PAGE_LIMIT } from '../../api-service/src/contract';
import { getJson } from './api-client';
import {
  BadRequest,
  ResolverError,
  UPSTREAM_BAD_RESPONSE_MESSAGE,
  UnsupportedField,
  UpstreamBadResponse,
  describeError,
  toResolverError,
} from './errors';
import { graphqlPrefixOf, prefixedFieldName } from './graphql-prefix';
import { log } from './log';

export interface Item {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  tags: string[];
}

export interface ItemPage {
  items: Item[];
  nextCursor: string | null;
}

export interface ResolverArguments {
  id?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

export type ResolverEvent = AppSyncResolverEvent<ResolverArguments>;

/** Longer cursors are rejected here; shorter malformed ones by the API (cursors are opaque). */
export const MAX_CURSOR_LENGTH = 1024;

/**
 * The AppSync request id if the api-service would accept it as is, else a fresh UUID. Either way
 * the api-service logs exactly this id, so one id finds the request in both accounts' logs.
 */
export function pickRequestId(event: Partial<ResolverEvent> | undefined): string {
  return resolveRequestId(event?.request?.headers?.['x-amzn-requestid']);
}

function badResponse(reason: string, path: string): UpstreamBadResponse {
  return new UpstreamBadResponse(UPSTREAM_BAD_RESPONSE_MESSAGE, { reason, path });
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Validates one item from the API and returns only the schema's fields. */
export function toItem(value: unknown, path: string): Item {
  const v = value as Record<string, unknown> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.id !== 'string' ||
    typeof v.name !== 'string' ||
    typeof v.description !== 'string' ||
    typeof v.priceCents !== 'number' ||
    !Number.isSafeInteger(v.priceCents) ||
    Math.abs(v.priceCents) > 2_147_483_647 || // GraphQL Int is 32-bit
    !isStringArray(v.tags)
  ) {
    throw badResponse('item has an unexpected shape', path);
  }
  return { id: v.id, name: v.name, description: v.description, priceCents: v.priceCents, tags: [...v.tags] };
}

/** Validates a page from the API. */
export function toItemPage(value: unknown, path: string): ItemPage {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || !Array.isArray(v.items)) {
    throw badResponse('page has an unexpected shape', path);
  }
  const nextCursor = v.nextCursor ?? null;
  if (nextCursor !== null && typeof nextCursor !== 'string') {
    throw badResponse('nextCursor has an unexpected type', path);
  }
  return { items: v.items.map((item) => toItem(item, path)), nextCursor };
}

async function resolveItem(args: ResolverArguments, requestId: string): Promise<Item> {
  const id = args.id;
  if (typeof id !== 'string' || !ITEM_ID_PATTERN.test(id)) {
    throw new BadRequest('id must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-".', { argument: 'id' });
  }
  const path = `${ITEMS_PATH}/${encodeURIComponent(id)}`;
  return toItem(await getJson(path, { requestId }), path);
}

async function resolveItems(args: ResolverArguments, requestId: string): Promise<ItemPage> {
  const query = new URLSearchParams();
  const { limit, cursor } = args;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < MIN_PAGE_LIMIT || limit > MAX_PAGE_LIMIT) {
      throw new BadRequest(`limit must be an integer between ${MIN_PAGE_LIMIT} and ${MAX_PAGE_LIMIT}.`, { argument: 'limit' });
    }
    query.set('limit', String(limit));
  }
  if (cursor !== undefined && cursor !== null) {
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
      throw new BadRequest(`cursor must be a non-empty string of at most ${MAX_CURSOR_LENGTH} characters.`, {
        argument: 'cursor',
      });
    }
    query.set('cursor', cursor);
  }
  const qs = query.toString();
  const path = qs ? `${ITEMS_PATH}?${qs}` : ITEMS_PATH;
  return toItemPage(await getJson(path, { requestId }), path);
}

export const handler = async (event: ResolverEvent): Promise<Item | ItemPage> => {
  const started = Date.now();
  const requestId = pickRequestId(event);
  const parentTypeName = event?.info?.parentTypeName;
  const fieldName = event?.info?.fieldName;
  const args: ResolverArguments = event?.arguments ?? {};
  try {
    let result: Item | ItemPage;
    // Under its API's graphqlPrefix the schema calls these fields archiveItem and archiveItems.
    const prefix = graphqlPrefixOf();
    if (parentTypeName === 'Query' && fieldName === prefixedFieldName('item', prefix)) result = await resolveItem(args, requestId);
    else if (parentTypeName === 'Query' && fieldName === prefixedFieldName('items', prefix)) result = await resolveItems(args, requestId);
    else throw new UnsupportedField('This field is not supported by this resolver.', { parentTypeName, fieldName });
    // One line per invocation, with the id the api-service logs too: one id finds the request in
    // both accounts' logs.
    log('info', 'resolved', { requestId, field: `${parentTypeName}.${fieldName}`, durationMs: Date.now() - started });
    return result;
  } catch (err) {
    throw resolverFailure(err, { requestId, field: `${parentTypeName}.${fieldName}`, started });
  }
};

/**
 * The error a resolver throws for `err`, logged once with the request id and the field (every
 * API's resolver ends this way, so their logs read alike).
 */
export function resolverFailure(err: unknown, at: { readonly requestId: string; readonly field: string; readonly started: number }): ResolverError {
  const error = toResolverError(err);
  log(error.clientFault ? 'warn' : 'error', 'resolver failed', {
    requestId: at.requestId,
    field: at.field,
    errorType: error.name,
    message: error.message,
    details: error.details,
    cause: error.cause === undefined ? undefined : describeError(error.cause),
    durationMs: Date.now() - at.started,
  });
  return error;
}
