/**
 * The stock API's routes, on the catalogue service's server (limits, drain, logs, request ids):
 *
 *   GET /healthz             200 {"status":"ok"} | 503 {"status":"draining"} once draining
 *   GET /v1/stock/{itemId}   200 stock level | 400 BAD_REQUEST | 404 NOT_FOUND
 */
import { HEALTH_CHECK_PATH } from '../../api-service/src/contract';
import { Context, HttpError } from '../../api-service/src/respond';
import { RouterFactoryProps, answerExtraRoute, parseItemId, parseQuery, requireGet } from '../../api-service/src/routes';
import { Stock, createDefaultStock } from './stock';

export const STOCK_PATH = '/v1/stock';
const STOCK_PATH_PREFIX = `${STOCK_PATH}/`;

/** The router for `createApiServer({ router })`. */
export function createStockRouter(props: RouterFactoryProps, stock: Stock = createDefaultStock()): (ctx: Context) => void {
  const { send, isDraining } = props;
  const extraRoutes = new Map(props.extraRoutes.map((r) => [r.path, r]));
  return (ctx: Context): void => {
    const { path } = ctx;
    if (path === HEALTH_CHECK_PATH) {
      requireGet(ctx);
      if (isDraining()) send(ctx, 503, { status: 'draining' });
      else send(ctx, 200, { status: 'ok' });
      return;
    }
    if (path.startsWith(STOCK_PATH_PREFIX)) {
      const rawId = path.slice(STOCK_PATH_PREFIX.length);
      if (rawId !== '' && !rawId.includes('/')) {
        requireGet(ctx);
        parseQuery(ctx, []);
        const id = parseItemId(rawId);
        const level = stock.get(id);
        if (!level) throw new HttpError(404, 'NOT_FOUND', `no stock level for item ${id}`);
        send(ctx, 200, level);
        return;
      }
    }
    answerExtraRoute(ctx, extraRoutes, send);
  };
}
