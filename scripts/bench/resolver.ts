/**
 * (d) The GraphQL resolver Lambda:
 *
 * 1. TLS connections opened per N sequential handler invocations, counted server-side
 *    (`secureConnection` at the local TLS front, scripts/local/tls-front.ts) and client-side
 *    (the api-client's own counter). The handler is the real one, called directly in this process
 *    (one "execution environment"), against the local stack (scripts/local/stack.ts): TLS front
 *    -> api-service on 127.0.0.1, certificate and host name verified.
 * 2. The deployed artefact: the handler bundled like the NodejsFunction does (esbuild, minified,
 *    CJS, external source map; target node20 here because this machine runs Node 20, the Lambda
 *    bundle targets node24), its size (raw and gzip), and the cold `require` time, median of fresh
 *    `node` processes, with and without `--enable-source-maps`.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getAgentStats } from '../../lib/runtime/graphql-resolver/src/api-client';
import { ResolverEvent, handler } from '../../lib/runtime/graphql-resolver/src/handler';
import { startLocalStack } from '../local/stack';
import { makeTempDir, removeTempDir } from './proc';
import { median, percentile, range, round } from './stats';

export interface ConnectionReuseResult {
  readonly invocations: number;
  readonly errors: number;
  /** Completed TLS handshakes at the front during the invocations. */
  readonly tlsConnectionsServerSide: number;
  /** TLS connections the api-client opened during the invocations. */
  readonly tlsConnectionsClientSide: number;
  readonly perThousandInvocations: number;
  readonly latencyMs: { readonly first: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly totalMs: number;
}

export interface ColdImportResult {
  readonly runs: number;
  /** `require(bundle)` inside a fresh node process, ms. */
  readonly requireMs: { readonly median: number; readonly min: number; readonly max: number };
  /** The same with `--enable-source-maps` (what the Lambda gets when bundling.sourceMap is on). */
  readonly requireWithSourceMapsMs: { readonly median: number; readonly min: number; readonly max: number };
  /** Whole `node -e 'require(...)'` process, spawn to exit, ms (Node's own start-up included). */
  readonly processMs: { readonly median: number };
}

export interface BundleResult {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  readonly buildMs: number;
}

export interface ResolverResult {
  readonly connections: ConnectionReuseResult;
  readonly bundle: BundleResult;
  readonly coldImport: ColdImportResult;
}

export function itemEvent(id: string): ResolverEvent {
  return {
    arguments: { id },
    identity: null,
    source: null,
    request: { headers: {}, domainName: null },
    info: { selectionSetList: ['id', 'name', 'priceCents'], selectionSetGraphQL: '{ id name priceCents }', parentTypeName: 'Query', fieldName: 'item', variables: {} },
    prev: null,
    stash: {},
  } as unknown as ResolverEvent;
}

async function measureConnections(invocations: number, stateDir: string): Promise<ConnectionReuseResult> {
  const stack = await startLocalStack({ stateDir, log: () => undefined });
  try {
    const before = stack.stats();
    const clientBefore = getAgentStats().connectionsOpened;
    const latencies: number[] = [];
    let errors = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < invocations; i += 1) {
      const t0 = process.hrtime.bigint();
      try {
        const item = (await handler(itemEvent('item-0001'))) as { id?: string };
        if (item.id !== 'item-0001') errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    const clientOpened = getAgentStats().connectionsOpened - clientBefore;
    const serverOpened = stack.stats().tlsHandshakes - before.tlsHandshakes;
    return {
      invocations,
      errors,
      tlsConnectionsServerSide: serverOpened,
      tlsConnectionsClientSide: clientOpened,
      perThousandInvocations: round((serverOpened / invocations) * 1000, 2),
      latencyMs: {
        first: round(latencies[0], 2),
        p50: round(percentile(latencies, 50), 3),
        p99: round(percentile(latencies, 99), 3),
        max: round(Math.max(...latencies), 2),
      },
      totalMs: round(totalMs, 0),
    };
  } finally {
    await stack.stop();
  }
}

async function bundleHandler(repoRoot: string, outDir: string): Promise<{ file: string; result: BundleResult }> {
  const file = join(outDir, 'index.js');
  const started = process.hrtime.bigint();
  await build({
    entryPoints: [join(repoRoot, 'lib', 'runtime', 'graphql-resolver', 'src', 'handler.ts')],
    outfile: file,
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const code = readFileSync(file);
  return {
    file,
    result: {
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      sourceMapBytes: statSync(`${file}.map`).size,
      buildMs: round(buildMs, 0),
    },
  };
}

const TIME_REQUIRE =
  "const t0=process.hrtime.bigint();require(process.argv[1]);" +
  "process.stdout.write(JSON.stringify({ms:Number(process.hrtime.bigint()-t0)/1e6}))";

function coldImport(file: string, runs: number): ColdImportResult {
  const once = (flags: string[]) => {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(process.execPath, [...flags, '-e', TIME_REQUIRE, file], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 30_000,
    });
    const processMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0) throw new Error(`cold import failed (exit ${res.status}): ${res.stderr}`);
    return { requireMs: (JSON.parse(res.stdout) as { ms: number }).ms, processMs };
  };
  const plain: number[] = [];
  const maps: number[] = [];
  const proc: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const a = once([]);
    plain.push(a.requireMs);
    proc.push(a.processMs);
    maps.push(once(['--enable-source-maps']).requireMs);
  }
  const summary = (xs: number[]) => {
    const { min, max } = range(xs);
    return { median: round(median(xs), 2), min: round(min, 2), max: round(max, 2) };
  };
  return { runs, requireMs: summary(plain), requireWithSourceMapsMs: summary(maps), processMs: { median: round(median(proc), 1) } };
}

export async function benchResolver(o: {
  repoRoot: string;
  invocations: number;
  importRuns: number;
  progress: (line: string) => void;
}): Promise<ResolverResult> {
  const dir = makeTempDir('resolver');
  try {
    o.progress(`resolver: ${o.invocations} sequential invocations through the local TLS front`);
    const connections = await measureConnections(o.invocations, join(dir, 'pki'));
    o.progress('resolver: bundling the handler and timing cold imports');
    const { file, result: bundle } = await bundleHandler(o.repoRoot, join(dir, 'bundle'));
    const cold = coldImport(file, o.importRuns);
    return { connections, bundle, coldImport: cold };
  } finally {
    removeTempDir(dir);
  }
}
