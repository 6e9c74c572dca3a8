/**
 * (d) `resolver`: TLS connections per N sequential invocations of the real handler in this process
 * against the local stack (tools/local), counted at the TLS front and by the api-client; the
 * handler bundled as its function is (BundledNodeFunction's esbuild options); its cold `require` in fresh node processes.
 */
import { build } from 'esbuild';
import { nodeBundleOptions } from '../../lib/constructs/bundled-node-function';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getAgentStats } from '../../lib/runtime/graphql-resolver/src/api-client';
import { ResolverEvent, handler } from '../../lib/runtime/graphql-resolver/src/handler';
import { startLocalStack } from '../local/stack';
import { median, percentile } from '../shared/stats';
import { ROOT, tempDir } from './run';

const EVENT = {
  arguments: { id: 'item-0001' }, identity: null, source: null, request: { headers: {}, domainName: null }, prev: null, stash: {},
  info: { selectionSetList: ['id', 'name', 'priceCents'], selectionSetGraphQL: '{ id name priceCents }', parentTypeName: 'Query', fieldName: 'item', variables: {} },
} as unknown as ResolverEvent;

const TIME_REQUIRE = 'const t0 = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6))';

export async function benchResolver(o: { invocations: number; importRuns: number; progress: (line: string) => void }) {
  const dir = tempDir('resolver');
  o.progress(`resolver: ${o.invocations} sequential invocations through the local TLS front`);
  const stack = await startLocalStack({ stateDir: join(dir, 'pki'), log: () => undefined });
  const latencies: number[] = [];
  const connections = { invocations: o.invocations, errors: 0, serverSide: NaN, clientSide: NaN };
  const [front, client, consoleLog] = [stack.stats().tlsHandshakes, getAgentStats().connectionsOpened, console.log];
  console.log = () => undefined; // the handler's one JSON log line per invocation: stdout is for the table
  try {
    for (let i = 0; i < o.invocations; i += 1) {
      const t0 = process.hrtime.bigint();
      const item = (await handler(EVENT).catch(() => undefined)) as { id?: string } | undefined;
      if (item?.id !== 'item-0001') connections.errors += 1;
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    // Read before stop(): stopping destroys the resolver's agent, which resets its counter.
    Object.assign(connections, { serverSide: stack.stats().tlsHandshakes - front, clientSide: getAgentStats().connectionsOpened - client });
  } finally {
    console.log = consoleLog;
    await stack.stop();
  }

  o.progress('resolver: bundling the handler and timing cold imports');
  const file = join(dir, 'bundle', 'index.js');
  const entry = join(ROOT, 'lib', 'runtime', 'graphql-resolver', 'src', 'handler.ts');
  await build({ ...nodeBundleOptions(entry), outfile: file });
  const code = readFileSync(file);
  const cold = (flags: string[]) => {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(process.execPath, [...flags, '-e', TIME_REQUIRE, file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 });
    if (res.status !== 0) throw new Error(`cold require failed (exit ${res.status}): ${res.stderr}`);
    return { requireMs: Number(res.stdout), processMs: Number(process.hrtime.bigint() - t0) / 1e6 };
  };
  const runs = Array.from({ length: o.importRuns }, () => ({ ...cold([]), mapsMs: cold(['--enable-source-maps']).requireMs }));
  const plain = runs.map((r) => r.requireMs);
  return {
    connections: { ...connections, perThousand: (connections.serverSide / o.invocations) * 1000 },
    latencyMs: { first: latencies[0], p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    bundle: { bytes: code.length, gzipBytes: gzipSync(code).length, mapBytes: statSync(`${file}.map`).size },
    coldRequire: { runs: o.importRuns, medianMs: median(plain), minMs: Math.min(...plain), maxMs: Math.max(...plain), withSourceMapsMs: median(runs.map((r) => r.mapsMs)), processMs: median(runs.map((r) => r.processMs)) },
    failures: connections.errors > 0 ? [`${connections.errors} of ${o.invocations} invocations failed`] : [],
  };
}
export type ResolverResult = Awaited<ReturnType<typeof benchResolver>>;
