import * as http from 'node:http';
import { JSON_CONTENT_TYPE } from '../src/respond';
import {
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_BODY_BYTES,
  MAX_URL_BYTES,
  REQUEST_TIMEOUT_MS,
} from '../src/settings';
import { CLIENT_IDLE_REUSE_WINDOW_MS } from '../src/contract';
import { RawClient, Started, request, sleep, startServer } from './helpers';

describe('request body limit (16 KiB)', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.api.close();
  });

  test('the limit is 16 KiB', () => {
    expect(MAX_BODY_BYTES).toBe(16 * 1024);
  });

  test('declared Content-Length over the limit -> 413 before any body byte is sent, then close', async () => {
    const client = await RawClient.connect(s.port);
    try {
      // Headers only: the server must answer from the declared length without waiting for the body.
      await client.write('POST /v1/items HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\n');
      const res = await client.readResponse();
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(res.headers.connection).toBe('close');
      expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
      await client.closedPromise; // the server does not wait for (or buffer) 100 MiB
    } finally {
      client.destroy();
    }
  });

  test('Content-Length of exactly the limit is accepted (and ignored)', async () => {
    const res = await request(s.port, '/healthz', { method: 'GET', body: Buffer.alloc(MAX_BODY_BYTES, 0x61) });
    expect(res.status).toBe(200);
  });

  test('an http client sending an oversized body gets 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: s.port, path: '/v1/items', method: 'POST', agent: false });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server may close while we are still writing; only the response matters.
      req.on('error', (err) => setTimeout(() => reject(err), 500));
      req.end(Buffer.alloc(MAX_BODY_BYTES + 1, 0x61));
    });
    expect(status).toBe(413);
  });

  test('chunked body: bytes are counted while streaming -> 413 before the body ends', async () => {
    const client = await RawClient.connect(s.port);
    try {
      await client.write('POST /v1/items HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = Buffer.alloc(1024, 0x62);
      let sent = 0;
      const response = client.readResponse(10_000);
      let answered = false;
      void response.then(
        () => (answered = true),
        () => (answered = true),
      );
      // Stream 1 KiB chunks and never send the terminating 0-chunk: without byte counting the
      // server would wait for the end of the body (and we would time out).
      while (!answered && !client.closed && sent < 4 * 1024 * 1024) {
        try {
          await client.write(Buffer.concat([Buffer.from('400\r\n'), chunk, Buffer.from('\r\n')]));
        } catch {
          break; // server closed the connection after the 413
        }
        sent += chunk.length;
        if (sent % (8 * 1024) === 0) await sleep(1);
      }
      const res = await response;
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(sent).toBeGreaterThan(MAX_BODY_BYTES);
      await client.closedPromise;
    } finally {
      client.destroy();
    }
  });

  test('chunked body under the limit is accepted (and ignored)', async () => {
    const client = await RawClient.connect(s.port);
    try {
      await client.write('GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n');
      await client.write('400\r\n' + 'c'.repeat(1024) + '\r\n0\r\n\r\n');
      const res = await client.readResponse();
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'ok' });
    } finally {
      client.destroy();
    }
  });

  test('malformed HTTP -> 400 JSON error, connection closed', async () => {
    const client = await RawClient.connect(s.port);
    try {
      await client.write('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n');
      const res = await client.readResponse();
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(res.json.error.code).toBe('BAD_REQUEST');
      expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
      await client.closedPromise;
    } finally {
      client.destroy();
    }
  });
});

describe('oversized requests and expectations answer JSON errors, not bare status lines', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.api.close();
  });

  const raw = async (text: string): Promise<{ status: number; json: { error: { code: string; message: string; requestId: string } }; closed: boolean; headers: http.IncomingHttpHeaders }> => {
    const client = await RawClient.connect(s.port);
    try {
      await client.write(text).catch(() => undefined); // the server may close while we write
      const res = await client.readResponse();
      await client.closedPromise;
      return { status: res.status, json: res.json, closed: client.closed, headers: res.headers };
    } finally {
      client.destroy();
    }
  };

  test('a path over MAX_URL_BYTES -> 414 URI_TOO_LONG', async () => {
    const res = await request(s.port, `/v1/items/${'a'.repeat(MAX_URL_BYTES)}`);
    expect(res.status).toBe(414);
    expect(res.json.error.code).toBe('URI_TOO_LONG');
    expect(res.text.length).toBeLessThan(300);
  });

  test('a request line over Node\'s header limit (16 KiB) -> 414, not a bare 400', async () => {
    const res = await raw(`GET /v1/items/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: t\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(res.json.error.code).toBe('URI_TOO_LONG');
    expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
  });

  test('headers over 16 KiB -> 431 HEADERS_TOO_LARGE', async () => {
    const res = await raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nx-big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.json.error.code).toBe('HEADERS_TOO_LARGE');
  });

  test('an unknown Expect value -> 417 with the JSON error body, request id and log line', async () => {
    const res = await raw('GET /healthz HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nx-request-id: expect-1\r\n\r\n');
    expect(res.status).toBe(417);
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(res.json.error).toEqual({ code: 'EXPECTATION_FAILED', message: expect.any(String), requestId: 'expect-1' });
    expect(s.logs.find((l) => l.requestId === 'expect-1')).toMatchObject({ msg: 'request', status: 417 });
  });

  test('Expect: 100-continue still works', async () => {
    const res = await request(s.port, '/healthz', { headers: { expect: '100-continue' }, body: 'x' });
    expect(res.status).toBe(200);
  });

  test('a 405 does not echo a long path back', async () => {
    const res = await request(s.port, `/v1/items/${'p'.repeat(3_000)}`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.json.error.message.length).toBeLessThan(120);
  });
});

describe('timeouts and keep-alive', () => {
  test('production values: keepAliveTimeout outlives the client reuse window; headers/request timeouts set', async () => {
    expect(CLIENT_IDLE_REUSE_WINDOW_MS).toBe(30_000);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(CLIENT_IDLE_REUSE_WINDOW_MS);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeLessThan(350_000); // NLB TCP idle timeout
    expect(HEADERS_TIMEOUT_MS).toBeGreaterThan(0);
    expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS); // Node requires this

    const s = await startServer();
    try {
      expect(s.api.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
      expect(s.api.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
      expect(s.api.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
      expect(s.api.server.maxRequestsPerSocket ?? 0).toBe(0); // unlimited
      const res = await request(s.port, '/healthz', { headers: { connection: 'keep-alive' } });
      expect(res.headers.connection).toBe('keep-alive');
      expect(res.headers['keep-alive']).toBe('timeout=65');
    } finally {
      await s.api.close();
    }
  });

  test('an idle keep-alive connection outlives headersTimeout and is reused, then closes after keepAliveTimeout', async () => {
    // Scaled-down timings: headers 200 ms, request 400 ms, keep-alive 1500 ms.
    const s = await startServer({
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      keepAliveTimeoutMs: 1_500,
      connectionsCheckingIntervalMs: 50,
    });
    const client = await RawClient.connect(s.port);
    try {
      await client.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      expect((await client.readResponse()).status).toBe(200);
      await sleep(800); // idle for 4x headersTimeout, 2x requestTimeout
      expect(client.closed).toBe(false);
      await client.write('GET /v1/items/item-0002 HTTP/1.1\r\nHost: t\r\n\r\n');
      const second = await client.readResponse();
      expect(second.status).toBe(200);
      expect(second.json.id).toBe('item-0002');
      const idleSince = Date.now();
      await client.closedPromise; // the server closes the idle connection...
      expect(Date.now() - idleSince).toBeGreaterThanOrEqual(1_400); // ...but not before keepAliveTimeout
    } finally {
      client.destroy();
      await s.api.close();
    }
  });

  test('incomplete request headers -> 408 REQUEST_TIMEOUT after headersTimeout', async () => {
    const s = await startServer({ headersTimeoutMs: 200, requestTimeoutMs: 400, connectionsCheckingIntervalMs: 50 });
    const client = await RawClient.connect(s.port);
    try {
      await client.write('GET /healthz HTTP/1.1\r\nHost: t\r\n'); // never finished
      const res = await client.readResponse(3_000);
      expect(res.status).toBe(408);
      expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(res.json.error.code).toBe('REQUEST_TIMEOUT');
      await client.closedPromise;
    } finally {
      client.destroy();
      await s.api.close();
    }
  });

  test('a body that trickles in slower than requestTimeout -> 408', async () => {
    const s = await startServer({ headersTimeoutMs: 200, requestTimeoutMs: 400, connectionsCheckingIntervalMs: 50 });
    const client = await RawClient.connect(s.port);
    try {
      await client.write('POST /v1/items HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc');
      const res = await client.readResponse(3_000);
      expect(res.status).toBe(408);
      expect(res.json.error.code).toBe('REQUEST_TIMEOUT');
    } finally {
      client.destroy();
      await s.api.close();
    }
  });
});
