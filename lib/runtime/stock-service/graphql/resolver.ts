/**
 * AppSync direct Lambda resolver for `Query.stockLevel`, on the resolver runtime's client (same
 * pool, retries, TLS checks and error mapping as the catalogue's resolver).
 */
import { ITEM_ID_PATTERN } from '../../api-service/src/contract';
import { getJson } from '../../graphql-resolver/src/api-client';
import { graphqlPrefixOf, prefixedFieldName } from '../../graphql-resolver/src/graphql-prefix';
import { BadRequest, UPSTREAM_BAD_RESPONSE_MESSAGE, UnsupportedField, UpstreamBadResponse } from '../../graphql-resolver/src/errors';
import { pickRequestId, ResolverEvent, resolverFailure } from '../../graphql-resolver/src/handler';
import { log } from '../../graphql-resolver/src/log';
import { STOCK_PATH } from '../src/routes';
import type { StockLevel } from '../src/stock';

const MAX_INT = 2_147_483_647; // GraphQL Int is 32-bit

/** Validates a stock level from the API and returns only the schema's fields. */
export function toStockLevel(value: unknown, path: string): StockLevel {
  const v = value as Record<string, unknown> | null;
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_INT;
  if (typeof v !== 'object' || v === null || typeof v.itemId !== 'string' || !count(v.available) || !count(v.reserved) || typeof v.updatedAt !== 'string') {
    throw new UpstreamBadResponse(UPSTREAM_BAD_RESPONSE_MESSAGE, { reason: 'stock level has an unexpected shape', path });
  }
  return { itemId: v.itemId, available: v.available as number, reserved: v.reserved as number, updatedAt: v.updatedAt };
}

export const handler = async (event: ResolverEvent): Promise<StockLevel> => {
  const started = Date.now();
  const requestId = pickRequestId(event);
  const parentTypeName = event?.info?.parentTypeName;
  const fieldName = event?.info?.fieldName;
  const field = `${parentTypeName}.${fieldName}`;
  try {
    if (parentTypeName !== 'Query' || fieldName !== prefixedFieldName('stockLevel', graphqlPrefixOf())) throw new UnsupportedField('This field is not supported by this resolver.', { parentTypeName, fieldName });
    const itemId = (event.arguments as { itemId?: unknown } | undefined)?.itemId;
    if (typeof itemId !== 'string' || !ITEM_ID_PATTERN.test(itemId)) {
      throw new BadRequest('itemId must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-".', { argument: 'itemId' });
    }
    const path = `${STOCK_PATH}/${encodeURIComponent(itemId)}`;
    const result = toStockLevel(await getJson(path, { requestId }), path);
    log('info', 'resolved', { requestId, field, durationMs: Date.now() - started });
    return result;
  } catch (err) {
    throw resolverFailure(err, { requestId, field, started });
  }
};
