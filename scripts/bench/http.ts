/**
 * (c) api-service throughput and latency versus a bare node:http hello world and the best peer
 * (fastify 5 with pino, the same route, response and request log line), in the same run.
 *
 * Each server runs alone in a forked child (the esbuild bundle of ./http-server-child.ts, as the
 * container runs a bundle), on 127.0.0.1 with an ephemeral port; autocannon (JS API) runs in this
 * process. Per server: a warm-up load (not reported, lets V8 optimise), then the measured load.
 * Server CPU time is read from the child's process.resourceUsage() before and after.
 */
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { ChildProcess, fork } from 'node:child_process';
import * as http from 'node:http';
import { join } from 'node:path';
import { ChildMessage, ServerKind } from './http-protocol';
import { makeTempDir, removeTempDir, trackChild } from './proc';
import { ratio, round } from './stats';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;

export const API_PATH = '/v1/items/item-0001';

const SERVERS: readonly { kind: ServerKind; label: string; path: string }[] = [
  { kind: 'hello', label: 'node:http hello world', path: '/' },
  { kind: 'api', label: `api-service GET ${API_PATH}`, path: API_PATH },
  { kind: 'api-nolog', label: 'api-service, request log off', path: API_PATH },
  { kind: 'fastify', label: 'fastify 5 + pino, same route and log line', path: API_PATH },
];

export interface ServerResult {
  readonly kind: ServerKind;
  readonly label: string;
  readonly path: string;
  /** Mean requests per second over the measured duration. */
  readonly requestsPerSec: number;
  readonly totalRequests: number;
  /** Milliseconds, autocannon's histogram (1 ms resolution). */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly mean: number; readonly max: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Bytes of one response body as read before the load (status 200 checked). */
  readonly bodyBytes: number;
  /** Server CPU (user + system) per 1,000 requests during the measured load, ms. */
  readonly serverCpuMsPer1kRequests: number;
  readonly serverMaxRssKib: number;
}

export interface HttpResult {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  readonly servers: readonly ServerResult[];
  /** api-service req/s divided by hello-world req/s. */
  readonly apiThroughputVsHello: number;
  /** api-service p99 divided by hello-world p99. */
  readonly apiP99VsHello: number;
  /** api-service req/s divided by fastify's (target: at least 1.2, #14). */
  readonly apiThroughputVsFastify: number;
  /** api-service p99 divided by fastify's (target: at most 1). */
  readonly apiP99VsFastify: number;
  /**
   * fastify's server CPU per request divided by the api-service's: how many times more requests the
   * api-service serves per CPU second. Steadier than req/s when the load generator shares the cores.
   */
  readonly apiCpuEfficiencyVsFastify: number;
}

interface RunningServer {
  readonly child: ChildProcess;
  readonly port: number;
  usage(): Promise<Extract<ChildMessage, { type: 'usage' }>>;
  stop(): Promise<void>;
}

function startServer(childJs: string, kind: ServerKind): Promise<RunningServer> {
  const child = fork(childJs, [kind], {
    execArgv: [], // not our ts-node hooks: plain node, like the container
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'], // stdout (the request log) -> /dev/null
    env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '' },
  });
  trackChild(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const next = <T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${kind} server: no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (msg: ChildMessage) => {
        if (msg.type === type) done(undefined, msg as Extract<ChildMessage, { type: T }>);
        else if (msg.type === 'error') done(new Error(`${kind} server failed: ${msg.message}`));
      };
      const onExit = (code: number | null) => done(new Error(`${kind} server exited (${code}) before "${type}"`));
      const done = (err?: Error, msg?: Extract<ChildMessage, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(msg as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  return next('listening', START_TIMEOUT_MS).then(
    (msg) => ({
      child,
      port: msg.port,
      usage: () => {
        const reply = next('usage', 5_000);
        child.send('usage');
        return reply;
      },
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.send('stop');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
      },
    }),
    (err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    },
  );
}

/** One GET; resolves with the status and body size. */
function probe(port: number, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path, agent: false, timeout: 5_000 }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
  });
}

/** Bundles the child entry (CJS, node20) into `outDir`. */
async function bundleChild(repoRoot: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'http-server-child.js');
  await build({
    entryPoints: [join(repoRoot, 'scripts', 'bench', 'http-server-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  return outfile;
}

export async function benchHttp(o: {
  repoRoot: string;
  durationSec: number;
  warmupSec: number;
  connections: number;
  progress: (line: string) => void;
}): Promise<HttpResult> {
  const dir = makeTempDir('http');
  const results: ServerResult[] = [];
  try {
    const childJs = await bundleChild(o.repoRoot, dir);
    for (const s of SERVERS) {
      const server = await startServer(childJs, s.kind);
      try {
        const url = `http://${HOST}:${server.port}${s.path}`;
        const check = await probe(server.port, s.path);
        if (check.status !== 200) throw new Error(`GET ${url} answered ${check.status}, expected 200`);
        if (o.warmupSec > 0) {
          o.progress(`http: ${s.kind} warm-up ${o.warmupSec} s`);
          await autocannon({ url, connections: o.connections, duration: o.warmupSec, timeout: 10 });
        }
        const before = await server.usage();
        o.progress(`http: ${s.kind} ${o.durationSec} s x ${o.connections} connections`);
        const r = await autocannon({ url, connections: o.connections, duration: o.durationSec, timeout: 10 });
        const after = await server.usage();
        const cpuMs = (after.userMicros + after.systemMicros - before.userMicros - before.systemMicros) / 1000;
        results.push({
          kind: s.kind,
          label: s.label,
          path: s.path,
          requestsPerSec: round(r.requests.average, 0),
          totalRequests: r.requests.total,
          latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: r.latency.mean, max: r.latency.max },
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          bodyBytes: check.bytes,
          serverCpuMsPer1kRequests: round(r.requests.total > 0 ? (cpuMs / r.requests.total) * 1000 : NaN, 1),
          serverMaxRssKib: after.maxRssKib,
        });
        o.progress(`http: ${s.kind} ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    removeTempDir(dir);
  }
  const hello = results.find((r) => r.kind === 'hello');
  const api = results.find((r) => r.kind === 'api');
  const fastify = results.find((r) => r.kind === 'fastify');
  return {
    durationSec: o.durationSec,
    warmupSec: o.warmupSec,
    connections: o.connections,
    servers: results,
    apiThroughputVsHello: round(ratio(api?.requestsPerSec ?? NaN, hello?.requestsPerSec ?? NaN), 3),
    apiP99VsHello: round(ratio(api?.latencyMs.p99 ?? NaN, hello?.latencyMs.p99 ?? NaN), 2),
    apiThroughputVsFastify: round(ratio(api?.requestsPerSec ?? NaN, fastify?.requestsPerSec ?? NaN), 3),
    apiP99VsFastify: round(ratio(api?.latencyMs.p99 ?? NaN, fastify?.latencyMs.p99 ?? NaN), 2),
    apiCpuEfficiencyVsFastify: round(ratio(fastify?.serverCpuMsPer1kRequests ?? NaN, api?.serverCpuMsPer1kRequests ?? NaN), 2),
  };
}
