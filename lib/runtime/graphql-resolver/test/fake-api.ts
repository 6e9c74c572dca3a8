/**
 * Test helpers: a throw-away PKI (selfsigned v5, async) and a real local HTTPS server that
 * implements the internal API contract, counts TLS connections and can misbehave on demand.
 */
import * as https from 'node:https';
import * as net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generate } from 'selfsigned';
import { resetApiClient } from '../src/api-client';

export const API_HOST = 'api.test.internal';

export interface Pem {
  readonly key: string;
  readonly cert: string;
}

export interface TestPki {
  /** The CA the client is told to trust (API_CA_PEM). */
  readonly ca: Pem;
  /** Leaf for api.test.internal signed by `ca`. */
  readonly leaf: Pem;
  /** Leaf for the wrong host name, signed by the trusted `ca`. */
  readonly wrongHost: Pem;
  /** Leaf for api.test.internal signed by a CA the client does not trust. */
  readonly untrusted: Pem;
  /** Leaf for api.test.internal signed by `ca`, but expired. */
  readonly expired: Pem;
  /** A self-signed certificate for api.test.internal. */
  readonly selfSigned: Pem;
}

async function makeCa(commonName: string): Promise<Pem> {
  const ca = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { key: ca.private, cert: ca.cert };
}

async function makeLeaf(host: string, ca: Pem, dates: { notBeforeDate?: Date; notAfterDate?: Date } = {}): Promise<Pem> {
  const leaf = await generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
    ],
    ...dates,
  });
  return { key: leaf.private, cert: leaf.cert };
}

export async function createPki(): Promise<TestPki> {
  const [ca, otherCa] = await Promise.all([makeCa('Test Internal CA'), makeCa('Untrusted CA')]);
  const day = 24 * 3600 * 1000;
  const [leaf, wrongHost, untrusted, expired, selfSigned] = await Promise.all([
    makeLeaf(API_HOST, ca),
    makeLeaf('wrong.test.internal', ca),
    makeLeaf(API_HOST, otherCa),
    makeLeaf(API_HOST, ca, { notBeforeDate: new Date(Date.now() - 10 * day), notAfterDate: new Date(Date.now() - day) }),
    makeCa(API_HOST),
  ]);
  return { ca, leaf, wrongHost, untrusted, expired, selfSigned };
}

// ---------------------------------------------------------------------------------------------

export type Mode =
  | 'normal'
  | 'slow' // answers after `slowMs`
  | 'status500'
  | 'badJson'
  | 'wrongShape'
  | 'reset' // destroys the socket without answering
  | 'draining'; // /healthz answers 503 {"status":"draining"}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly servername: string | false | undefined;
}

export interface FakeApi {
  readonly port: number;
  /** TLS connections accepted by the server (`secureConnection` events). */
  readonly tlsConnections: number;
  readonly requests: RecordedRequest[];
  mode: Mode;
  slowMs: number;
  /** While > 0, the next requests get `mode` treatment, then the server behaves normally. */
  misbehaveCount: number;
  /**
   * Marks every connection open now as dead: a request arriving on one is reset. Models pooled
   * sockets whose flows are gone (a drained task, an NLB idle timeout) while the client slept.
   */
  poisonOpenConnections(): void;
  close(): Promise<void>;
}

export interface FixtureItem {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  tags: string[];
}

export const FIXTURE_ITEMS: FixtureItem[] = Array.from({ length: 45 }, (_, i) => {
  const n = String(i + 1).padStart(4, '0');
  return {
    id: `item-${n}`,
    name: `Item ${n}`,
    description: `Fixture item number ${i + 1}`,
    priceCents: 100 + i * 7,
    tags: i % 2 === 0 ? ['even-index', 'fixture'] : ['fixture'],
  };
});

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  send(res, status, { error: { code, message, requestId } });
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  const requestId = String(req.headers['x-request-id'] ?? 'none');
  const url = new URL(req.url ?? '/', `https://${API_HOST}`);
  if (req.method !== 'GET') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Only GET is allowed', requestId);

  if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });

  if (url.pathname === '/v1/items') {
    const rawLimit = url.searchParams.get('limit');
    const rawCursor = url.searchParams.get('cursor');
    const limit = rawLimit === null ? 20 : /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= 100)) return sendError(res, 400, 'BAD_REQUEST', 'limit must be 1..100', requestId);
    let offset = 0;
    if (rawCursor !== null) {
      const m = /^c(\d+)$/.exec(rawCursor);
      if (!m || Number(m[1]) > FIXTURE_ITEMS.length) {
        return sendError(res, 400, 'BAD_REQUEST', 'cursor is invalid', requestId);
      }
      offset = Number(m[1]);
    }
    const items = FIXTURE_ITEMS.slice(offset, offset + limit);
    const next = offset + limit < FIXTURE_ITEMS.length ? `c${offset + limit}` : null;
    return send(res, 200, { items, nextCursor: next });
  }

  const m = /^\/v1\/items\/([^/]*)$/.exec(url.pathname);
  if (m) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      id = '';
    }
    if (!ID_PATTERN.test(id)) return sendError(res, 400, 'BAD_REQUEST', 'id is invalid', requestId);
    const item = FIXTURE_ITEMS.find((i) => i.id === id);
    if (!item) return sendError(res, 404, 'NOT_FOUND', `item ${id} not found`, requestId);
    return send(res, 200, item);
  }
  return sendError(res, 404, 'NOT_FOUND', 'no such route', requestId);
}

export async function startFakeApi(pem: Pem): Promise<FakeApi> {
  let tlsConnections = 0;
  const timers = new Set<NodeJS.Timeout>();
  const requests: RecordedRequest[] = [];
  const openSockets = new Set<net.Socket>();
  const poisoned = new WeakSet<net.Socket>();

  const server = https.createServer({ key: pem.key, cert: pem.cert }, (req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      servername: (req.socket as unknown as { servername?: string | false }).servername,
    });
    if (poisoned.has(req.socket)) return void req.socket.destroy();
    let mode: Mode = 'normal';
    if (api.misbehaveCount > 0) {
      api.misbehaveCount -= 1;
      mode = api.mode;
    } else if (api.misbehaveCount < 0) {
      mode = api.mode; // permanently
    }
    const isHealth = (req.url ?? '').startsWith('/healthz');
    switch (mode) {
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) answer(req, res);
        }, api.slowMs);
        timers.add(t);
        return;
      }
      case 'status500':
        return sendError(res, 500, 'INTERNAL', 'database at 10.1.2.3 exploded', String(req.headers['x-request-id']));
      case 'badJson':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"id": "item-0001", oops');
      case 'wrongShape':
        return send(res, 200, { id: 42, title: 'not an item', items: 'nope' });
      case 'reset':
        return void req.socket.destroy();
      case 'draining':
        if (isHealth) return send(res, 503, { status: 'draining' });
        return sendError(res, 503, 'INTERNAL', 'draining', String(req.headers['x-request-id']));
      default:
        return answer(req, res);
    }
  });
  // Same keep-alive window as the real service: longer than the client's 30 s reuse window.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('secureConnection', (socket: net.Socket) => {
    tlsConnections += 1;
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
  server.on('tlsClientError', () => {
    /* rejected handshakes (wrong CA / host name tests) are expected */
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const api: FakeApi = {
    port,
    get tlsConnections() {
      return tlsConnections;
    },
    requests,
    mode: 'normal',
    slowMs: 1_000,
    misbehaveCount: 0,
    poisonOpenConnections: () => {
      for (const socket of openSockets) poisoned.add(socket);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}

/** A TCP server that accepts connections and never says anything (TLS handshake hangs). */
export async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 with nothing listening (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Points the client at 127.0.0.1:port while verifying certificates for api.test.internal. */
export function useApi(port: number, caPem: string, extra: Record<string, string | undefined> = {}): void {
  for (const k of ['API_BASE_URL', 'API_CA_PEM', 'API_CA_FILE', 'API_CONNECT_HOST', 'API_CONNECT_PORT', 'API_TIMEOUT_MS']) {
    delete process.env[k];
  }
  process.env.API_BASE_URL = `https://${API_HOST}`;
  process.env.API_CA_PEM = caPem;
  process.env.API_CONNECT_HOST = '127.0.0.1';
  process.env.API_CONNECT_PORT = String(port);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetApiClient();
}
