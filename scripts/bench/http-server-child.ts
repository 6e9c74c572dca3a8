/**
 * One HTTP server per process for the throughput section (bundled by esbuild and forked by
 * ./http.ts, so the load generator never shares this event loop). Listens on 127.0.0.1, port 0.
 *
 *   node http-server-child.js hello       bare node:http hello world (the floor)
 *   node http-server-child.js api         the api-service (createApiServer), JSON request log on stdout
 *   node http-server-child.js api-nolog   the api-service with a no-op log sink
 *
 * IPC: sends {type:'listening', port}; answers 'usage' with {type:'usage', ...process.resourceUsage()}
 * and 'stop' by closing and exiting. Exits on its own when the parent goes away.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '../../lib/runtime/api-service/src/app';
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
  // 'api' logs one JSON line per request to stdout, as in production (the parent points stdout at
  // /dev/null, so writes are synchronous and cheap); 'api-nolog' drops the lines.
  const api = createApiServer(kind === 'api-nolog' ? { logger: createLogger(() => undefined) } : {});
  const address = await api.listen(0, HOST);
  return { port: address.port, close: () => api.close() };
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
