/**
 * A route only tests add (through `extraRoutes`): `GET /__test/slow?ms=N` answers
 * `{"sleptMs":N}` after N ms, so a drain has requests in flight to wait for.
 */
import type { Context, Send } from '../src/respond';
import { badRequest } from '../src/respond';
import { ExtraRoute, parseQuery } from '../src/routes';

export const SLOW_ROUTE_PATH = '/__test/slow';
const SLOW_ROUTE_MAX_MS = 60_000;

export const slowRoute: ExtraRoute = {
  path: SLOW_ROUTE_PATH,
  handle(ctx: Context, send: Send): void {
    const raw = parseQuery(ctx, ['ms']).get('ms') ?? '0';
    const ms = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (!(ms <= SLOW_ROUTE_MAX_MS)) throw badRequest(`query parameter "ms" must be 0..${SLOW_ROUTE_MAX_MS}`);
    const timer = setTimeout(() => send(ctx, 200, { sleptMs: ms }), ms);
    ctx.res.once('close', () => clearTimeout(timer));
  },
};
