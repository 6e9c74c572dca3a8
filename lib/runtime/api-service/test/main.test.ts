/**
 * End-to-end: bundles src/main.ts with esbuild (as the Dockerfile does), runs it as a child
 * process and sends it real signals.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { RawClient, loadWithSignal, request, sleep, tryConnect, waitFor, waitForLine } from './helpers';

let dir: string;
/** The product's entry, as the image runs it. */
let bundle: string;
/** The same process plus the test-only slow route (test/main-with-slow-route.ts). */
let slowBundle: string;
const children: ChildProcess[] = [];

function build(entry: string, outfile: string): void {
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    outfile,
    logLevel: 'silent',
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-service-'));
  bundle = path.join(dir, 'main.js');
  slowBundle = path.join(dir, 'main-with-slow-route.js');
  build(path.join(__dirname, '..', 'src', 'main.ts'), bundle);
  build(path.join(__dirname, 'main-with-slow-route.ts'), slowBundle);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Running {
  readonly child: ChildProcess;
  readonly lines: Array<Record<string, unknown>>;
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; at: number }>;
}

function run(env: Record<string, string>, entry: 'product' | 'with slow route' = 'product'): Running {
  const child = spawn(process.execPath, ['--enable-source-maps', entry === 'product' ? bundle : slowBundle], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (data: string) => {
    partial += data;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) lines.push(JSON.parse(line) as Record<string, unknown>); // every line is JSON
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (data: string) => stderr.push(data));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  return { child, lines, stderr, exited };
}

async function listeningPort(r: Running): Promise<number> {
  const line = await waitForLine(r.lines, (l) => l.msg === 'listening', 10_000);
  return line.port as number;
}

describe('main.ts process', () => {
  test('the product bundle carries no test route', () => {
    expect(fs.readFileSync(bundle, 'utf8')).not.toContain('/__test/');
    expect(fs.readFileSync(slowBundle, 'utf8')).toContain('/__test/slow'); // the check can fail
  });

  test('SIGTERM: in-flight requests complete with 200, new connections refused, healthz 503, exit 0', async () => {
    const r = run({ DRAIN_TIMEOUT_MS: '10000' }, 'with slow route');
    const port = await listeningPort(r);

    const midRequest = await RawClient.connect(port);
    await midRequest.write('GET /healthz HTTP/1.1\r\nHost: t\r\n'); // headers not finished yet
    const inFlight = Array.from({ length: 6 }, (_, i) =>
      request(port, '/__test/slow?ms=1500', { headers: { 'x-request-id': `slow-${i}` } }),
    );
    await sleep(400); // all six are in the handler, sleeping

    const signalledAt = Date.now();
    expect(r.child.kill('SIGTERM')).toBe(true);
    await waitForLine(r.lines, (l) => l.msg === 'draining', 5_000);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');

    await midRequest.write('\r\n');
    const health = await midRequest.readResponse();
    expect(health.status).toBe(503);
    expect(health.json).toEqual({ status: 'draining' });

    const results = await Promise.all(inFlight);
    expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200, 200, 200]);

    const { code, at } = await r.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
    expect(r.lines.some((l) => l.msg === 'drained, exiting')).toBe(true);
    for (let i = 0; i < 6; i++) {
      expect(r.lines.find((l) => l.msg === 'request' && l.requestId === `slow-${i}`)).toMatchObject({ status: 200 });
    }
    expect(r.stderr.join('')).toBe('');
  });

  test.each([1, 2, 3])('SIGTERM under load (run %i): zero failures on connections opened before the signal, exit 0', async () => {
    const r = run({});
    const port = await listeningPort(r);
    const result = await loadWithSignal(port, {
      connections: 10,
      durationMs: 1_500,
      signalAfterMs: 700,
      path: '/v1/items/item-0001',
      signal: () => r.child.kill('SIGTERM'),
    });
    if (process.env.DRAIN_REPORT) console.log(JSON.stringify(result));
    expect(result.preSignalConnections).toBe(10);
    expect(result.failedOnPreSignalConnections).toBe(0);
    expect((await r.exited).code).toBe(0);
  });

  test('SIGINT with nothing in flight exits 0 promptly', async () => {
    const r = run({});
    const port = await listeningPort(r);
    expect((await request(port, '/healthz')).status).toBe(200);
    const signalledAt = Date.now();
    r.child.kill('SIGINT');
    const { code, at } = await r.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(2_000);
  });

  test('drain deadline expiry destroys remaining connections and exits 1', async () => {
    const r = run({ DRAIN_TIMEOUT_MS: '300' }, 'with slow route');
    const port = await listeningPort(r);
    const slow = request(port, '/__test/slow?ms=20000').then(
      (res) => `status ${res.status}`,
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
    await sleep(300);
    const signalledAt = Date.now();
    r.child.kill('SIGTERM');
    const { code, at } = await r.exited;
    expect(code).toBe(1);
    expect(at - signalledAt).toBeLessThan(3_000);
    expect(await slow).toBe('ECONNRESET');
    expect(r.lines.find((l) => l.level === 'error' && String(l.msg).includes('deadline'))).toBeDefined();
  });

  test('invalid configuration exits 1 with a JSON error line', async () => {
    const r = run({ PORT: 'eighty' });
    const { code } = await r.exited;
    expect(code).toBe(1);
    await waitFor(() => r.lines.some((l) => l.level === 'error' && String(l.error).includes('PORT')), 2_000);
  });
});
