/**
 * Measures the local GraphQL query path end to end (GraphQL -> real Lambda handler -> TLS front ->
 * api-service), on this machine, with the catalogue's queries (the stack runs every API of the
 * consumer; the others stay idle):
 *
 *   1. N sequential queries over one keep-alive HTTP connection: p50/p90/p99 latency, and how many
 *      TLS handshakes the resolver made (front `secureConnection` count; expected: 1).
 *   2. autocannon (separate process, so the load generator does not share the stack's event
 *      loop): throughput and latency with C connections for D seconds.
 *
 * Options: USAGE below. The stack runs in this process on free ports with a temporary state directory; hop logging is off.
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
import { percentile } from '../shared/stats';
import { CONFIG_OPTION, configOrExit, intOption, parseCommandLine, UsageError } from '../shared/cli';
import { LocalStack, LocalStackStats, startLocalStack } from './stack';

const QUERIES = {
  item: '{ item(id: "item-0001") { id name priceCents } }',
  page: '{ items(limit: 20) { items { id name priceCents } nextCursor } }',
} as const;

const USAGE = 'usage: tools/local/measure.ts [--sequential 1000] [--duration 10] [--connections 10] [--query item|page] [--json] [--config FILE]';

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
    /** --config's (its first environment's first consumer, every API it calls); default: the example's. */
    config: values.config === undefined ? undefined : configOrExit(values.config),
  };
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

async function post(agent: http.Agent, url: URL, body: string): Promise<string> {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const [res] = (await once(req.end(body), 'response')) as [http.IncomingMessage];
  return text(res);
}

/** How much each of the stack's counters grew since `before`. */
function since(stack: LocalStack, before: LocalStackStats): LocalStackStats {
  const after = stack.stats();
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof LocalStackStats]])) as LocalStackStats;
}

/** N queries one after the other over one keep-alive connection: latency, and the TLS handshakes they caused. */
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
    if ((JSON.parse(answer) as { errors?: unknown }).errors !== undefined) throw new Error(`query failed: ${answer}`);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  const delta = since(stack, before);
  return {
    queries: n,
    totalMs: round(totalMs, 0),
    queriesPerSecond: round((n / totalMs) * 1000, 0),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(percentile(latencies, 100)),
      first: round(latencies[0]),
    },
    tlsHandshakes: delta.tlsHandshakes,
    resolverConnectionsOpened: delta.resolverConnectionsOpened,
    apiRequests: delta.apiRequests,
  };
}

/**
 * autocannon's CLI in a child process (its JSON result is the same as its JS API's) with
 * `connections` for `duration` seconds, and the resolver errors and TLS handshakes meanwhile.
 */
async function load(stack: LocalStack, body: string, connections: number, duration: number) {
  const before = stack.stats();
  const args = [require.resolve('autocannon/autocannon.js'), '-n', '-j', '-c', String(connections), '-d', String(duration), '-m', 'POST'];
  const { stdout } = await promisify(execFile)(process.execPath, [...args, '-H', 'content-type=application/json', '-b', body, stack.graphqlUrl]);
  let r: Awaited<ReturnType<typeof autocannon>>;
  try {
    r = JSON.parse(stdout);
  } catch {
    throw new Error(`unexpected autocannon output: ${stdout.slice(0, 200)}`);
  }
  const delta = since(stack, before);
  return {
    connections,
    durationS: duration,
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

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // Each resolver logs each request with console.log (CloudWatch's stdout in Lambda), which its
  // worker hands to this process's console; those lines would interleave with the report, and break --json.
  const print = console.log.bind(console);
  console.log = () => undefined;
  const body = JSON.stringify({ query: QUERIES[options.query] });
  const stateDir = mkdtempSync(join(tmpdir(), 'local-measure-'));
  const stack = await startLocalStack({ stateDir, config: options.config, log: () => undefined });
  try {
    const report = {
      machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
      query: QUERIES[options.query],
      sequential: await sequential(stack, options.sequential, body),
      load: options.duration > 0 ? await load(stack, body, options.connections, options.duration) : undefined,
      totals: stack.stats(),
    };
    if (options.json) {
      print(JSON.stringify(report, null, 2));
    } else {
      const { sequential: s, load: l } = report;
      print(`machine: node ${report.machine.node}, ${report.machine.cpus} cpus (${report.machine.cpu})`);
      print(`query:   ${report.query}`);
      print(
        `sequential (${s.queries} queries, 1 keep-alive client connection): p50 ${s.latencyMs.p50} ms, ` +
          `p90 ${s.latencyMs.p90} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms, first ${s.latencyMs.first} ms; ` +
          `${s.queriesPerSecond} queries/s; TLS handshakes by the resolver: ${s.tlsHandshakes}`,
      );
      if (l) {
        print(
          `autocannon (${l.connections} connections, ${l.durationS} s): ${l.requestsPerSecond} req/s average, ` +
            `${l.requestsTotal} requests; latency p50 ${l.latencyMs.p50} ms, p90 ${l.latencyMs.p90} ms, ` +
            `p99 ${l.latencyMs.p99} ms, max ${l.latencyMs.max} ms; errors ${l.errors}, timeouts ${l.timeouts}, ` +
            `non-2xx ${l.non2xx}, resolver errors ${l.resolverErrors}; TLS handshakes ${l.tlsHandshakes}`,
        );
      }
      print(`totals: ${JSON.stringify(report.totals)}`);
    }
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = err instanceof UsageError ? 2 : 1; // as runScript (tools/shared/cli.ts)
  });
}
