/**
 * One server per process for ./http.ts (which bundles and forks it): `hello` (bare node:http), `api`
 * (the api-service, JSON request log on stdout), `api-nolog`, `fastify` (fastify 5 + pino doing the
 * api-service's work: same catalogue, id check, headers, one log line with the same fields),
 * `api-identity` (the api-service with caller identity on, against the tests' STS stand-in in this
 * process; the load sends one token, so every request is served from the verified cache, as a warm
 * caller's are), `api-lattice` (the api-service with CALLER_IDENTITY_SOURCE=lattice; the load sends
 * the identity header Lattice would add).
 * IPC: sends its port (and the headers the load must send); answers 'usage' with process.resourceUsage().
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '../../lib/runtime/api-service/src/app';
import { createCallerVerifier } from '../../lib/runtime/api-service/src/caller-identity';
import { CALLER_TOKEN_HEADER } from '../../lib/runtime/api-service/src/contract';
import { LATTICE_IDENTITY_HEADER, createLatticeIdentitySource } from '../../lib/runtime/api-service/src/lattice-identity';
import { CALLERS, REGION, WEB, startFakeSts } from '../../lib/runtime/api-service/test/fake-sts';
import { makeCallerToken, regionalStsHost } from '../../lib/runtime/graphql-resolver/src/caller-token';
import { ITEM_ID_PATTERN } from '../../lib/runtime/api-service/src/contract';
import { JSON_CONTENT_TYPE } from '../../lib/runtime/api-service/src/respond';
import { partitionOfRegion } from '../../lib/config/regions';
import { createDefaultCatalogue } from '../../lib/runtime/api-service/src/catalogue';
import { createLogger } from '../../lib/runtime/api-service/src/logger';
import { resolveRequestId } from '../../lib/runtime/api-service/src/request-id';

async function listen(kind: string): Promise<number | { port: number; headers: Record<string, string> }> {
  if (kind === 'hello') {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 }).end('hello world'));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  if (kind === 'api-identity') {
    const sts = await startFakeSts([WEB]);
    const callerVerifier = createCallerVerifier({ apiName: 'items', stsRegion: REGION, stsHost: regionalStsHost(REGION), stsEndpoint: `http://127.0.0.1:${sts.port}`, callers: CALLERS });
    const { port } = await createApiServer({ callerIdentity: callerVerifier }).listen(0, '127.0.0.1');
    return { port, headers: { [CALLER_TOKEN_HEADER]: makeCallerToken('items', WEB.credentials, REGION, Date.now()).token } };
  }
  if (kind === 'api-lattice') {
    const { port } = await createApiServer({ callerIdentity: createLatticeIdentitySource({ apiName: 'items', callers: CALLERS }) }).listen(0, '127.0.0.1');
    return { port, headers: { [LATTICE_IDENTITY_HEADER]: `Principal=arn:${partitionOfRegion(REGION) ?? 'aws'}:sts::${WEB.account}:assumed-role/${WEB.role}/bench; PrincipalOrgID=; SessionName=bench; Type=AWS_IAM` } };
  }
  if (kind === 'api' || kind === 'api-nolog') return (await createApiServer(kind === 'api' ? {} : { logger: createLogger(() => undefined) }).listen(0, '127.0.0.1')).port;
  if (kind !== 'fastify') throw new Error(`unknown server kind "${kind}"`);
  const { default: Fastify } = await import('fastify'); // dev dependencies of the benchmark only
  const { default: pino } = await import('pino');
  const catalogue = createDefaultCatalogue();
  const app = Fastify({
    loggerInstance: pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }),
    disableRequestLogging: true,
    genReqId: (req) => resolveRequestId(req.headers['x-request-id']),
  });
  app.addHook('onResponse', (request, reply, done) => {
    app.log.info({ requestId: request.id, method: request.method, path: request.url.split('?')[0], status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 1e3) / 1e3 }, 'request');
    done();
  });
  app.get<{ Params: { id: string } }>('/v1/items/:id', (request, reply) => {
    reply.header('x-request-id', request.id).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    const item = ITEM_ID_PATTERN.test(request.params.id) ? catalogue.get(request.params.id) : undefined;
    if (!item) return reply.code(404).type(JSON_CONTENT_TYPE).send({ error: { code: 'NOT_FOUND', message: 'not found', requestId: request.id } });
    return reply.type(JSON_CONTENT_TYPE).send(item);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

process.on('disconnect', () => process.exit(0));
process.on('message', (msg) => msg === 'usage' && process.send?.(process.resourceUsage()));
listen(process.argv[2]).then(
  (started) => process.send?.(typeof started === 'number' ? { port: started } : started),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
