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
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';
import { percentile } from '../bench/run';
import { CONFIG_OPTION, configOrExit, intOption, parseCommandLine, UsageError } from '../cli';
import { LocalStack, LocalStackStats, startLocalStack } from './stack';

const QUERIES = {
  item: '{ item(id: "item-0001") { id name priceCents } }',
  page: '{ items(limit: 20) { items { id name priceCents } nextCursor } }',
} as const;

const USAGE = 'usage: scripts/local/measure.ts [--sequential 1000] [--duration 10] [--connections 10] [--query item|page] [--json] [--config FILE]';

function parseOptions(argv: readonly string[]) {
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
    query: values.query as keyof typeof QUERIES,
    json: values.json,
    /** The first environment's apiDomain of --config; default: the example's. */
    apiName: values.config === undefined ? undefined : configOrExit(values.config).environments[0].apiDomain,
  };
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

async function post(agent: http.Agent, url: URL, body: string): Promise<string> {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const [res] = (await once(req.end(body), 'response')) as [http.IncomingMessage];
  return text(res);
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
    const answer = await post(agent, url, body);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const parsed = JSON.parse(answer) as { errors?: unknown };
    if (parsed.errors !== undefined) throw new Error(`query failed: ${answer}`);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return {
    queries: n,
    totalMs: round(totalMs, 0),
    perSecond: round((n / totalMs) * 1000, 0),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(percentile(latencies, 100)),
      first: round(latencies[0]),
    },
    delta: diff(stack.stats(), before),
  };
}

/** autocannon's CLI in a child process, its JSON result parsed (the same result as its JS API's). */
async function runAutocannon(url: string, body: string, connections: number, duration: number): Promise<Awaited<ReturnType<typeof autocannon>>> {
  const args = [require.resolve('autocannon/autocannon.js'), '-n', '-j', '-c', String(connections), '-d', String(duration), '-m', 'POST'];
  const { stdout } = await promisify(execFile)(process.execPath, [...args, '-H', 'content-type=application/json', '-b', body, url]);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`unexpected autocannon output: ${stdout.slice(0, 200)}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const body = JSON.stringify({ query: QUERIES[options.query] });
  const stateDir = mkdtempSync(join(tmpdir(), 'local-measure-'));
  const stack = await startLocalStack({ stateDir, apiName: options.apiName, log: () => undefined });
  try {
    const seq = await sequential(stack, options.sequential, body);

    let load;
    if (options.duration > 0) {
      const before = stack.stats();
      const r = await runAutocannon(stack.graphqlUrl, body, options.connections, options.duration);
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
        console.log(
          `autocannon (${load.connections} connections, ${load.durationS} s): ${load.requestsPerSecond} req/s average, ` +
            `${load.requestsTotal} requests; latency p50 ${load.latencyMs.p50} ms, p90 ${load.latencyMs.p90} ms, ` +
            `p99 ${load.latencyMs.p99} ms, max ${load.latencyMs.max} ms; errors ${load.errors}, timeouts ${load.timeouts}, ` +
            `non-2xx ${load.non2xx}, resolver errors ${load.resolverErrors}; TLS handshakes ${load.tlsHandshakes}`,
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
