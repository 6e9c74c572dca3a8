import { DRAIN_IDLE_GRACE_MS, DRAIN_TIMEOUT_MS } from '../src/settings';
import { RawClient, loadWithSignal, request, sleep, startServer, tryConnect, waitForConnections } from './helpers';
import { slowRoute } from './slow-route';

describe('graceful drain (in-process)', () => {
  test('drain deadline leaves headroom under the ECS stopTimeout (30 s)', () => {
    expect(DRAIN_TIMEOUT_MS).toBe(20_000);
    expect(DRAIN_TIMEOUT_MS).toBeLessThan(30_000);
    expect(DRAIN_IDLE_GRACE_MS).toBeLessThan(DRAIN_TIMEOUT_MS / 2);
  });

  test('in-flight requests complete, idle keep-alive sockets close after the grace, new connections are refused', async () => {
    const s = await startServer({ extraRoutes: [slowRoute], drainIdleGraceMs: 300 });
    try {
      const idle = await RawClient.connect(s.port);
      await idle.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      expect((await idle.readResponse()).status).toBe(200);

      // A keep-alive connection that has started (but not finished) sending a request.
      const midRequest = await RawClient.connect(s.port);
      await midRequest.write('GET /healthz HTTP/1.1\r\nHost: t\r\n');

      const inFlight = Array.from({ length: 5 }, () => request(s.port, '/__test/slow?ms=600'));
      await waitForConnections(s.api.server, 7); // idle + midRequest + 5 slow
      await sleep(150); // let the five requests reach the handler

      const drainStarted = Date.now();
      const drained = s.api.drain(5_000);
      expect(s.api.draining).toBe(true);
      expect(await tryConnect(s.port)).toBe('ECONNREFUSED');

      await idle.closedPromise; // the idle keep-alive connection is closed once the grace is over
      expect(Date.now() - drainStarted).toBeGreaterThanOrEqual(250);

      // Already-connected client finishing its request: served, told to go away.
      await midRequest.write('\r\n');
      const health = await midRequest.readResponse();
      expect(health.status).toBe(503);
      expect(health.json).toEqual({ status: 'draining' });
      expect(health.headers.connection).toBe('close');
      await midRequest.closedPromise;

      const results = await Promise.all(inFlight);
      for (const res of results) {
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ sleptMs: 600 });
        expect(res.headers.connection).toBe('close');
      }
      await expect(drained).resolves.toBe('drained');
    } finally {
      await s.api.close();
    }
  });

  test('the deadline destroys remaining connections and reports "forced"', async () => {
    const s = await startServer({ extraRoutes: [slowRoute] });
    try {
      const slow = request(s.port, '/__test/slow?ms=10000').then(
        (res) => `status ${res.status}`,
        (err: NodeJS.ErrnoException) => err.code ?? err.message,
      );
      await sleep(100);
      const started = Date.now();
      await expect(s.api.drain(300)).resolves.toBe('forced');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await slow).toBe('ECONNRESET');
    } finally {
      await s.api.close();
    }
  });

  test('a request written on an idle keep-alive connection in the same tick as the drain is answered, not reset', async () => {
    // A drain that closes "idle" connections at once resets these: a request already on the wire
    // but not yet parsed counts as idle (20 of 20 were reset when the drain did that).
    const s = await startServer({ drainIdleGraceMs: 1_000 });
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(s.port)));
    try {
      for (const c of clients) {
        await c.write('GET /v1/items/item-0001 HTTP/1.1\r\nHost: t\r\n\r\n');
        expect((await c.readResponse()).status).toBe(200);
      }
      for (const c of clients) c.socket.write('GET /v1/items/item-0002 HTTP/1.1\r\nHost: t\r\n\r\n');
      const drained = s.api.drain(5_000);
      const answers = await Promise.all(
        clients.map((c) => c.readResponse().then((res) => `${res.status} ${String(res.headers.connection)}`, (err: Error) => err.message)),
      );
      expect(answers).toEqual(Array(20).fill('200 close'));
      await expect(drained).resolves.toBe('drained');
    } finally {
      for (const c of clients) c.destroy();
      await s.api.close();
    }
  });

  test('under load: no request fails on a connection opened before the drain', async () => {
    const s = await startServer();
    try {
      const result = await loadWithSignal(s.port, {
        connections: 10,
        durationMs: 1_200,
        signalAfterMs: 500,
        path: '/v1/items/item-0001',
        signal: () => void s.api.drain(5_000),
      });
      expect(result.preSignalConnections).toBe(10);
      expect(result.statuses[200]).toBeGreaterThan(10);
      expect(result.failedOnPreSignalConnections).toBe(0);
    } finally {
      await s.api.close();
    }
  });

  test('drain is idempotent', async () => {
    const s = await startServer();
    const first = s.api.drain(1_000);
    expect(s.api.drain(1_000)).toBe(first);
    await expect(first).resolves.toBe('drained');
    await s.api.close();
  });
});
