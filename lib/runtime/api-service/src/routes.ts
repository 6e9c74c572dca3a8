/**
 * The API's routes (GET; HEAD is answered like GET without a body; any other method on a known
 * path is 405):
 *
 *   GET /healthz            200 {"status":"ok"} | 503 {"status":"draining"} once draining
 *   GET /v1/items/{id}      200 item | 400 BAD_REQUEST | 404 NOT_FOUND
 *   GET /v1/items           200 {"items":[...],"nextCursor":string|null} | 400 BAD_REQUEST
 */
import { URLSearchParams } from 'node:url';
import type { Catalogue } from './catalogue';
import { DEFAULT_PAGE_LIMIT, HEALTH_CHECK_PATH, ITEMS_PATH, ITEM_ID_PATTERN, MAX_PAGE_LIMIT, MIN_PAGE_LIMIT } from './contract';
import { decodeCursor, encodeCursor } from './cursor';
import { Context, HttpError, Send, badRequest, truncate } from './respond';

export const ALLOWED_METHODS = 'GET, HEAD';
const ITEM_PATH_PREFIX = `${ITEMS_PATH}/`;
/** Paths echoed in error messages are cut here: a 15 KB path must not come back as 15 KB. */
const MAX_ECHOED_PATH_LENGTH = 64;

/** A route the embedding code adds (tests); it answers through `send` or throws an HttpError. */
export interface ExtraRoute {
  readonly path: string;
  handle(ctx: Context, send: Send): void;
}

/** What any router of a service on this server gets (see ApiServerOptions.router). */
export interface RouterFactoryProps {
  readonly send: Send;
  readonly isDraining: () => boolean;
  /** Matched exactly, after the API's own routes, GET/HEAD only. */
  readonly extraRoutes: readonly ExtraRoute[];
}

export interface RouterProps {
  readonly catalogue: Catalogue;
  readonly send: Send;
  readonly isDraining: () => boolean;
  /** Matched exactly, after the API's own routes, GET/HEAD only. */
  readonly extraRoutes: readonly ExtraRoute[];
}

/** After a service's own routes: an extra route (tests) answers `ctx`, or the path is a 404. */
export function answerExtraRoute(ctx: Context, extraRoutes: ReadonlyMap<string, ExtraRoute>, send: Send): void {
  const extra = extraRoutes.get(ctx.path);
  if (extra === undefined) throw new HttpError(404, 'NOT_FOUND', 'no such route');
  requireGet(ctx);
  extra.handle(ctx, send);
}

/** An item id from its path segment: percent-decoded and of the contract's pattern, else 400. */
export function parseItemId(rawId: string): string {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    throw badRequest('item id is not valid percent-encoding');
  }
  if (!ITEM_ID_PATTERN.test(id)) throw badRequest(`item id must match ${ITEM_ID_PATTERN.source}`);
  return id;
}

/** Throws 405 unless the request is a GET or a HEAD. */
export function requireGet(ctx: Context): void {
  const method = ctx.req.method;
  if (method !== 'GET' && method !== 'HEAD') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `method ${method ?? ''} is not allowed on ${truncate(ctx.path, MAX_ECHOED_PATH_LENGTH)}`, {
      allow: ALLOWED_METHODS,
    });
  }
}

/** Parses the query string: only `allowed` names, each at most once. */
export function parseQuery(ctx: Context, allowed: readonly string[]): Map<string, string> {
  const params = new URLSearchParams(ctx.query);
  const values = new Map<string, string>();
  for (const [name, value] of params) {
    if (!allowed.includes(name)) throw badRequest(`unknown query parameter "${truncate(name, 64)}"`);
    if (values.has(name)) throw badRequest(`query parameter "${name}" must not be repeated`);
    values.set(name, value);
  }
  return values;
}

/** The router: answers `ctx` or throws an HttpError (404 for an unknown path). */
export function createRouter(props: RouterProps): (ctx: Context) => void {
  const { catalogue, send, isDraining } = props;
  const extraRoutes = new Map(props.extraRoutes.map((r) => [r.path, r]));

  /** Items are immutable (frozen): each is serialized once, on its first request. */
  const itemJson = new WeakMap<object, string>();
  const serializedItem = (item: object): string | undefined => {
    if (!Object.isFrozen(item)) return undefined; // a custom catalogue may hand out mutable items
    let json = itemJson.get(item);
    if (json === undefined) itemJson.set(item, (json = JSON.stringify(item)));
    return json;
  };

  const healthz = (ctx: Context): void => {
    if (isDraining()) send(ctx, 503, { status: 'draining' });
    else send(ctx, 200, { status: 'ok' });
  };

  const getItem = (ctx: Context, rawId: string): void => {
    parseQuery(ctx, []);
    const id = parseItemId(rawId);
    const item = catalogue.get(id);
    if (!item) throw new HttpError(404, 'NOT_FOUND', `item ${id} not found`);
    send(ctx, 200, item, undefined, serializedItem(item));
  };

  const listItems = (ctx: Context): void => {
    const query = parseQuery(ctx, ['limit', 'cursor']);
    let limit = DEFAULT_PAGE_LIMIT;
    const rawLimit = query.get('limit');
    if (rawLimit !== undefined) {
      limit = /^[1-9][0-9]{0,8}$/.test(rawLimit) ? Number(rawLimit) : NaN;
      if (!(limit >= MIN_PAGE_LIMIT && limit <= MAX_PAGE_LIMIT)) {
        throw badRequest(`query parameter "limit" must be an integer between ${MIN_PAGE_LIMIT} and ${MAX_PAGE_LIMIT}`);
      }
    }
    let afterId: string | undefined;
    const rawCursor = query.get('cursor');
    if (rawCursor !== undefined) {
      afterId = decodeCursor(rawCursor);
      if (afterId === undefined) throw badRequest('query parameter "cursor" is malformed');
    }
    const page = catalogue.page(afterId, limit);
    send(ctx, 200, { items: page.items, nextCursor: page.lastId === undefined ? null : encodeCursor(page.lastId) });
  };

  return (ctx: Context): void => {
    const { path } = ctx;
    if (path === HEALTH_CHECK_PATH) {
      requireGet(ctx);
      healthz(ctx); // ignores the query string: a health check must not fail on incidentals
      return;
    }
    if (path === ITEMS_PATH) {
      requireGet(ctx);
      listItems(ctx);
      return;
    }
    if (path.startsWith(ITEM_PATH_PREFIX)) {
      const rawId = path.slice(ITEM_PATH_PREFIX.length);
      if (rawId !== '' && !rawId.includes('/')) {
        requireGet(ctx);
        getItem(ctx, rawId);
        return;
      }
    }
    answerExtraRoute(ctx, extraRoutes, send);
  };
}
