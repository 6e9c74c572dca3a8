/**
 * (c) `http`: each server of ./http-server.ts alone in a child process (an esbuild bundle, as the
 * container runs one), autocannon here: a warm-up load, then the measured one, with the server's
 * CPU from its process.resourceUsage() before and after. `runs` rounds, each starting at the next
 * server (a drift in the machine's load then hits every server alike); medians are reported.
 */
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { median, ratio } from '../shared/stats';
import { tempDir, track } from './run';

export const API_PATH = '/v1/items/item-0001';
const SERVERS = [
  { kind: 'hello', label: 'node:http hello world', path: '/' },
  { kind: 'api', label: `api-service GET ${API_PATH}`, path: API_PATH },
  { kind: 'api-nolog', label: 'api-service, request log off', path: API_PATH },
  { kind: 'api-identity', label: 'api-service, caller identity on (warm token)', path: API_PATH },
  { kind: 'api-lattice', label: 'api-service, caller from the Lattice identity header', path: API_PATH },
  { kind: 'fastify', label: 'fastify 5 + pino, same route and log line', path: API_PATH },
];

/** One measured load run against one server. */
export type ServerRun = (typeof SERVERS)[number] & { reqPerSec: number; requests: number; p50: number; p90: number; p99: number; max: number; errors: number; bodyBytes: number; cpuMsPer1k: number; rssKib: number };

/** Per server (in SERVERS order), the median of its rounds; max latency is the maximum, errors and requests the sum. */
export function summarizeRounds(runs: readonly ServerRun[]) {
  return SERVERS.map((s) => runs.filter((r) => r.kind === s.kind)).filter((rounds) => rounds.length > 0).map((rounds) => {
    const m = (key: 'reqPerSec' | 'p50' | 'p90' | 'p99' | 'cpuMsPer1k' | 'rssKib') => median(rounds.map((r) => r[key]));
    return { ...rounds[0], reqPerSec: Math.round(m('reqPerSec')), p50: m('p50'), p90: m('p90'), p99: m('p99'), max: Math.max(...rounds.map((r) => r.max)), cpuMsPer1k: m('cpuMsPer1k'), rssKib: m('rssKib'), errors: rounds.reduce((n, r) => n + r.errors, 0), requests: rounds.reduce((n, r) => n + r.requests, 0), reqPerSecRounds: rounds.map((r) => r.reqPerSec) };
  });
}

/** The child's next IPC message; an error when none comes within 15 s (e.g. the server exited). */
async function next<T>(child: ChildProcess, what: string): Promise<T> {
  const [msg] = await once(child, 'message', { signal: AbortSignal.timeout(15_000) }).catch(() => Promise.reject(new Error(`${what}: no answer within 15 s (server exit code ${child.exitCode})`)));
  return msg as T;
}

export async function benchHttp(o: { duration: number; warmup: number; connections: number; runs: number; progress: (line: string) => void }) {
  const childJs = join(tempDir('http'), 'http-server.js');
  await build({ entryPoints: [join(__dirname, 'http-server.ts')], outfile: childJs, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
  const servers: ServerRun[] = [];
  const failures: string[] = [];
  const order = Array.from({ length: o.runs }, (_, round) => SERVERS.map((_s, i) => SERVERS[(i + round) % SERVERS.length])).flat();
  for (const s of order) {
    // Plain node without our ts-node hooks; stdout (the request log) to /dev/null, as cheap as a container's.
    const child = track(fork(childJs, [s.kind], { execArgv: [], detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '' } }));
    try {
      const { port, headers = {} } = await next<{ port: number; headers?: Record<string, string> }>(child, `${s.kind} start`);
      const url = `http://127.0.0.1:${port}${s.path}`;
      const probe = await fetch(url, { headers });
      const bodyBytes = (await probe.arrayBuffer()).byteLength;
      if (probe.status !== 200) throw new Error(`GET ${url} answered ${probe.status}`);
      if (o.warmup > 0) await (o.progress(`http: ${s.kind} warm-up ${o.warmup} s`), autocannon({ url, headers, connections: o.connections, duration: o.warmup, timeout: 10 }));
      const usage = async () => (child.send('usage'), next<NodeJS.ResourceUsage>(child, `${s.kind} usage`));
      const before = await usage();
      o.progress(`http: ${s.kind} ${o.duration} s x ${o.connections} connections`);
      const r = await autocannon({ url, headers, connections: o.connections, duration: o.duration, timeout: 10 });
      const after = await usage();
      const cpuMs = (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000;
      const errors = r.errors + r.timeouts + r.non2xx;
      if (errors > 0) failures.push(`${s.kind}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`);
      servers.push({ ...s, reqPerSec: Math.round(r.requests.average), requests: r.requests.total, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, errors, bodyBytes, cpuMsPer1k: (cpuMs / r.requests.total) * 1000, rssKib: after.maxRSS });
      o.progress(`http: ${s.kind} ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms`);
    } catch (err) {
      failures.push(`${s.kind}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) await new Promise((done) => child.once('exit', done).kill());
    }
  }
  const measured = summarizeRounds(servers);
  const [hello, api, fastify, identity] = ['hello', 'api', 'fastify', 'api-identity'].map((kind) => measured.find((s) => s.kind === kind));
  return {
    duration: o.duration, warmup: o.warmup, connections: o.connections, runs: o.runs, servers: measured, failures,
    apiVsHello: { reqPerSec: ratio(api?.reqPerSec, hello?.reqPerSec), p99: ratio(api?.p99, hello?.p99) },
    apiVsFastify: { reqPerSec: ratio(api?.reqPerSec, fastify?.reqPerSec), p99: ratio(api?.p99, fastify?.p99), cpuPerRequest: ratio(api?.cpuMsPer1k, fastify?.cpuMsPer1k) },
    identityVsApi: { reqPerSec: ratio(identity?.reqPerSec, api?.reqPerSec), p99: ratio(identity?.p99, api?.p99) },
    identityVsFastify: { reqPerSec: ratio(identity?.reqPerSec, fastify?.reqPerSec), p99: ratio(identity?.p99, fastify?.p99) },
  };
}
export type HttpResult = Awaited<ReturnType<typeof benchHttp>>;
