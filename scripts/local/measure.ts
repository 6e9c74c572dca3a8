/**
 * Measures the local GraphQL query path end to end (GraphQL -> real Lambda handler -> TLS front ->
 * api-service), on this machine:
 *
 *   1. N sequential queries over one keep-alive HTTP connection: p50/p90/p99 latency, and how many
 *      TLS handshakes the resolver made (front `secureConnection` count; expected: 1).
 *   2. autocannon (separate process, so the load generator does not share the stack's event
 *      loop): throughput and latency with C connections for D seconds.
 *
 *   node -r ts-node/register/transpile-only scripts/local/measure.ts \
 *     [--sequential 1000] [--duration 10] [--connections 10] [--query item|page] [--json] [--config FILE]
 *
 * The stack runs in this process on free ports with a temporary state directory; hop logging is off.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_OPTION, configOrExit, intOption, parseCommandLine, UsageError } from '../cli';
import { LocalStack, LocalStackStats, startLocalStack } from './stack';

const QUERIES = {
  item: '{ item(id: "item-0001") { id name priceCents } }',
  page: '{ items(limit: 20) { items { id name priceCents } nextCursor } }',
} as const;
type QueryName = keyof typeof QUERIES;

interface Options {
  sequential: number;
  duration: number;
  connections: number;
  query: QueryName;
  json: boolean;
  /** The first environment's apiDomain of --config; default: the example's. */
  apiName?: string;
}

const USAGE = 'usage: scripts/local/measure.ts [--sequential 1000] [--duration 10] [--connections 10] [--query item|page] [--json] [--config FILE]';

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseCommandLine(
    {
      args: [...argv],
      options: {
        sequential: { type: 'string', default: '1000' },
        duration: { type: 'string', default: '10' },
        connections: { type: 'string', default: '10' },
        query: { type: 'string', default: 'item' },
        json: { type: 'boolean', default: false },
        ...CONFIG_OPTION,
      },
    },
    USAGE,
  );
  if (values.query !== 'item' && values.query !== 'page') throw new UsageError('--query must be item or page');
  return {
    sequential: intOption('sequential', values.sequential, 1, 1_000_000),
    duration: intOption('duration', values.duration, 0, 3600),
    connections: intOption('connections', values.connections, 1, 1000),
    query: values.query,
    json: values.json,
    apiName: values.config === undefined ? undefined : configOrExit(values.config).environments[0].apiDomain,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

function post(agent: http.Agent, url: URL, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function diff(after: LocalStackStats, before: LocalStackStats): Record<keyof LocalStackStats, number> {
  const out = {} as Record<keyof LocalStackStats, number>;
  for (const k of Object.keys(after) as Array<keyof LocalStackStats>) out[k] = after[k] - before[k];
  return out;
}

async function sequential(stack: LocalStack, n: number, body: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(stack.graphqlUrl);
  const before = stack.stats();
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) {
    const t0 = process.hrtime.bigint();
    const text = await post(agent, url, body);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (parsed.errors !== undefined) throw new Error(`query failed: ${text}`);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    queries: n,
    totalMs: round(totalMs, 0),
    perSecond: round((n / totalMs) * 1000, 0),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1]),
      first: round(latencies[0]),
    },
    delta: diff(stack.stats(), before),
  };
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

function autocannon(url: string, body: string, connections: number, duration: number): Promise<AutocannonResult> {
  const bin = require.resolve('autocannon/autocannon.js');
  const args = [bin, '-n', '-j', '-c', String(connections), '-d', String(duration), '-m', 'POST'];
  args.push('-H', 'content-type=application/json', '-b', body, url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      try {
        resolve(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`unexpected autocannon output: ${out.slice(0, 200)}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const body = JSON.stringify({ query: QUERIES[options.query] });
  const stateDir = mkdtempSync(join(tmpdir(), 'local-measure-'));
  const stack = await startLocalStack({ stateDir, apiName: options.apiName, log: () => undefined });
  try {
    const seq = await sequential(stack, options.sequential, body);

    let load: Record<string, unknown> | undefined;
    if (options.duration > 0) {
      const before = stack.stats();
      const r = await autocannon(stack.graphqlUrl, body, options.connections, options.duration);
      const delta = diff(stack.stats(), before);
      load = {
        connections: options.connections,
        durationS: options.duration,
        requestsTotal: r.requests.total,
        requestsPerSecond: round(r.requests.average, 0),
        latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, average: r.latency.average, max: r.latency.max },
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        resolverErrors: delta.resolverErrors,
        tlsHandshakes: delta.tlsHandshakes,
      };
    }

    const report = {
      machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
      query: QUERIES[options.query],
      sequential: {
        queries: seq.queries,
        totalMs: seq.totalMs,
        queriesPerSecond: seq.perSecond,
        latencyMs: seq.latencyMs,
        tlsHandshakes: seq.delta.tlsHandshakes,
        resolverConnectionsOpened: seq.delta.resolverConnectionsOpened,
        apiRequests: seq.delta.apiRequests,
      },
      load,
      totals: stack.stats(),
    };
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const s = report.sequential;
      console.log(`machine: node ${report.machine.node}, ${report.machine.cpus} cpus (${report.machine.cpu})`);
      console.log(`query:   ${report.query}`);
      console.log(
        `sequential (${s.queries} queries, 1 keep-alive client connection): p50 ${s.latencyMs.p50} ms, ` +
          `p90 ${s.latencyMs.p90} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms, first ${s.latencyMs.first} ms; ` +
          `${s.queriesPerSecond} queries/s; TLS handshakes by the resolver: ${s.tlsHandshakes}`,
      );
      if (load) {
        const l = load as { latencyMs: Record<string, number> } & Record<string, unknown>;
        console.log(
          `autocannon (${l.connections} connections, ${l.durationS} s): ${l.requestsPerSecond} req/s average, ` +
            `${l.requestsTotal} requests; latency p50 ${l.latencyMs.p50} ms, p90 ${l.latencyMs.p90} ms, ` +
            `p99 ${l.latencyMs.p99} ms, max ${l.latencyMs.max} ms; errors ${l.errors}, timeouts ${l.timeouts}, ` +
            `non-2xx ${l.non2xx}, resolver errors ${l.resolverErrors}; TLS handshakes ${l.tlsHandshakes}`,
        );
      }
      console.log(`totals: ${JSON.stringify(report.totals)}`);
    }
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
