/**
 * One HTTP server per process for the throughput section (bundled by esbuild and forked by
 * ./http.ts, so the load generator never shares this event loop). Listens on 127.0.0.1, port 0.
 *
 *   node http-server-child.js hello       bare node:http hello world (the floor)
 *   node http-server-child.js api         the api-service (createApiServer), JSON request log on stdout
 *   node http-server-child.js api-nolog   the api-service with a no-op log sink
 *   node http-server-child.js fastify     the peer: fastify 5 serving the same item JSON and headers,
 *                                         one pino line per request with the same fields
 *
 * IPC: sends {type:'listening', port}; answers 'usage' with {type:'usage', ...process.resourceUsage()}
 * and 'stop' by closing and exiting. Exits on its own when the parent goes away.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ITEM_ID_PATTERN, JSON_CONTENT_TYPE, createApiServer } from '../../lib/runtime/api-service/src/app';
import { createDefaultCatalogue } from '../../lib/runtime/api-service/src/catalogue';
import { resolveRequestId } from '../../lib/runtime/api-service/src/request-id';
import { createLogger } from '../../lib/runtime/api-service/src/logger';
import { ChildMessage, SERVER_KINDS, ServerKind } from './http-protocol';

const HOST = '127.0.0.1';

async function start(kind: ServerKind): Promise<{ port: number; close: () => Promise<void> }> {
  if (kind === 'hello') {
    const body = 'hello world';
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, HOST, resolve);
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
  if (kind === 'fastify') return startFastify();
  // 'api' logs one JSON line per request to stdout, as in production (the parent points stdout at
  // /dev/null, so writes are synchronous and cheap); 'api-nolog' drops the lines.
  const api = createApiServer(kind === 'api-nolog' ? { logger: createLogger(() => undefined) } : {});
  const address = await api.listen(0, HOST);
  return { port: address.port, close: () => api.close() };
}

/**
 * The peer, configured to do the work the api-service does: the same catalogue and id check, the
 * same headers (request id from the same rule, cache-control, nosniff), and one pino line per request
 * with the same fields instead of fastify's two default request lines.
 */
async function startFastify(): Promise<{ port: number; close: () => Promise<void> }> {
  // Dev dependencies of the benchmark only; loaded here so other kinds never pay for them.
  const { default: Fastify } = await import('fastify');
  const { default: pino } = await import('pino');
  const catalogue = createDefaultCatalogue();
  const app = Fastify({
    loggerInstance: pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }),
    disableRequestLogging: true,
    genReqId: (req) => resolveRequestId(req.headers['x-request-id']),
  });
  app.addHook('onResponse', (request, reply, done) => {
    app.log.info({ requestId: request.id, method: request.method, path: request.routeOptions.url ? request.url.split('?')[0] : request.url, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 1e3) / 1e3 }, 'request');
    done();
  });
  app.get<{ Params: { id: string } }>('/v1/items/:id', (request, reply) => {
    reply.header('x-request-id', request.id).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    const item = ITEM_ID_PATTERN.test(request.params.id) ? catalogue.get(request.params.id) : undefined;
    if (!item) return reply.code(404).type(JSON_CONTENT_TYPE).send({ error: { code: 'NOT_FOUND', message: 'not found', requestId: request.id } });
    return reply.type(JSON_CONTENT_TYPE).send(item);
  });
  await app.listen({ port: 0, host: HOST });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  if (!SERVER_KINDS.includes(kind)) throw new Error(`unknown server kind "${process.argv[2]}"`);
  if (!process.send) throw new Error('must be started with an IPC channel (child_process.fork)');
  const server = await start(kind);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: unknown) => {
    if (msg === 'usage') {
      const u = process.resourceUsage();
      send({ type: 'usage', userMicros: u.userCPUTime, systemMicros: u.systemCPUTime, maxRssKib: u.maxRSS });
    } else if (msg === 'stop') {
      server.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'listening', port: server.port });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
