/** (a) `synth`: cdk.json (ts-node) against the floor (esbuild), via the CLI and bare; (e) `scale`: the floor with N consumers. */
import { quotaOf } from '../../lib/config/quotas';
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { AppConfig, Connectivity } from '../../lib/config/types';
import { formatProblem } from '../../lib/config/errors';
import { validateConfig } from '../../lib/config/validate';
import { readAssembly } from '../shared/assembly';
import { median, ratio } from '../shared/stats';
import { ROOT, Timed, summarize, tempDir, timed } from './run';

type Progress = (line: string) => void;
/** No telemetry, no ts-node mode or validation switch leaking in from our own shell. */
const CLEAN_ENV = { CDK_DISABLE_CLI_TELEMETRY: 'true', NODE_OPTIONS: undefined, CDK_VALIDATION: undefined, TS_NODE_SWC: undefined, TS_NODE_TRANSPILE_ONLY: undefined, TS_NODE_TYPE_CHECK: undefined, TS_NODE_COMPILER: undefined, TS_NODE_PROJECT: undefined };

/** Free `__dirname` identifiers (not `x.__dirname`) replaced by the source directory, so the bundle stages the same assets. */
export function rewriteDirname(source: string, dir: string): string {
  return source.replace(/(?<![.\w$])__dirname(?![\w$])/g, JSON.stringify(dir));
}

/** bin/app.ts bundled to `<tmp>/bin/app.js` (CJS, node20, packages external, node_modules linked back). */
export async function buildFloor(): Promise<{ appJs: string; scaleAppJs: string; buildMs: number; bytes: number }> {
  const dir = tempDir('floor');
  const started = Date.now();
  const result = await build({
    entryPoints: { 'bin/app': join(ROOT, 'bin', 'app.ts'), 'bin/scale-app': join(ROOT, 'tools', 'bench', 'scale-app.ts') }, outdir: dir, bundle: true, packages: 'external', platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', metafile: true,
    plugins: [{ name: 'keep-dirname', setup: (b) => b.onLoad({ filter: /\.ts$/ }, (a) => (a.path.includes(`${sep}node_modules${sep}`) ? undefined : { contents: rewriteDirname(readFileSync(a.path, 'utf8'), dirname(a.path)), loader: 'ts' })) }],
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { appJs: join(dir, 'bin', 'app.js'), scaleAppJs: join(dir, 'bin', 'scale-app.js'), buildMs: Date.now() - started, bytes: Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(join('bin', 'app.js'))).reduce((n, [, o]) => n + o.bytes, 0) };
}

/** CDK_CONTEXT_JSON as the CLI (aws-cdk 2.1148) passes it: cdk.json's context, cdk.context.json, the CLI's own keys, then `extra`. */
export function contextJson(extra: Record<string, unknown> = {}): string {
  const read = (file: string) => (existsSync(join(ROOT, file)) ? JSON.parse(readFileSync(join(ROOT, file), 'utf8')) : {});
  const cli = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:version-reporting': true, 'aws:cdk:bundling-stacks': ['**'] };
  return JSON.stringify({ ...read('cdk.json').context, ...read('cdk.context.json'), ...cli, ...extra });
}

/** A path as one word of the `--app` command line (the CLI hands it to a shell). */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** Construct path -> sha256 of the template, for every stack of the assembly in `dir`. */
function digests(dir: string): Map<string, string> {
  return new Map(Object.values(readAssembly(dir)).flat().map((s) => [s.path, createHash('sha256').update(JSON.stringify(s.template)).digest('hex')]));
}

type Variant = { id: string; label: string; args: (out: string) => string[]; env?: Record<string, string> };

/** `runs` rounds; round r runs every variant, starting at offset r, so drift in the machine's load hits all alike. */
async function interleaved(variants: readonly Variant[], runs: number, timeoutMs: number, progress: Progress, tag: string) {
  const results = new Map(variants.map((v) => [v.id, { runs: [] as Timed[], stacks: undefined as Map<string, string> | undefined }]));
  for (let r = 0; r < runs; r += 1) {
    for (let k = 0; k < variants.length; k += 1) {
      const v = variants[(k + r) % variants.length];
      const out = tempDir('out');
      const res = await timed(process.execPath, v.args(out), { ...CLEAN_ENV, CDK_OUTDIR: out, ...v.env }, timeoutMs);
      const entry = results.get(v.id)!;
      entry.runs.push(res);
      if (res.ok && !entry.stacks && existsSync(join(out, 'manifest.json'))) entry.stacks = digests(out);
      rmSync(out, { recursive: true, force: true });
      progress(`${tag}: run ${r + 1}/${runs} ${v.id} ${(res.wallMs / 1000).toFixed(2)} s${res.ok ? '' : ' FAILED'}`);
    }
  }
  const measured = variants.map((v) => ({ id: v.id, label: v.label, ...results.get(v.id)! }));
  return { measured, failures: measured.flatMap(({ label, runs }) => runs.filter((r) => r.error).slice(0, 1).map((r) => `${label}: ${r.error}`)) };
}

export async function benchSynth(o: { runs: number; timeoutMs: number; progress: Progress; floor: Awaited<ReturnType<typeof buildFloor>> }) {
  const floorApp = `${shellWord(process.execPath)} ${shellWord(o.floor.appJs)}`;
  const cli = (extra: string[]) => (out: string) => [join('node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '-q', '-o', out, ...extra];
  const env = { CDK_CONTEXT_JSON: contextJson() };
  const variants: Variant[] = [
    { id: 'cli-cdk-json', label: 'cdk synth (cdk.json: ts-node)', args: cli([]) },
    { id: 'cli-floor', label: 'cdk synth --app <floor>', args: cli(['--app', floorApp]) },
    { id: 'app-ts-node', label: 'app alone, ts-node', args: () => ['-r', 'ts-node/register/transpile-only', join('bin', 'app.ts')], env },
    { id: 'app-floor', label: 'app alone, floor (esbuild JS)', args: () => [o.floor.appJs], env },
    { id: 'app-floor-no-validation', label: 'app alone, floor, CDK_VALIDATION=false', args: () => [o.floor.appJs], env: { ...env, CDK_VALIDATION: 'false' } },
  ];
  o.progress('synth: warm-up run of app-floor (untimed, fills the page cache)');
  await interleaved([variants[3]], 1, o.timeoutMs, () => undefined, 'warm-up');
  const { measured, failures } = await interleaved(variants, o.runs, o.timeoutMs, o.progress, 'synth');
  const reference = measured.find((v) => v.stacks)?.stacks;
  return {
    runs: o.runs,
    cdkJsonApp: JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).app as string,
    floor: { buildMs: o.floor.buildMs, bytes: o.floor.bytes },
    variants: measured.map(({ id, label, runs, stacks: s }) => ({
      ...{ id, label, ...summarize(runs), stacks: s?.size },
      sameStacks: s && reference ? s.size === reference.size && [...s.keys()].every((p) => reference.has(p)) : undefined,
      differingTemplates: s && reference ? [...s].filter(([p, sha]) => reference.has(p) && reference.get(p) !== sha).length : undefined,
    })),
    failures,
  };
}
export type SynthResult = Awaited<ReturnType<typeof benchSynth>>;

/** The i-th (0-based) consumer's /20: consecutive blocks from 10.20.0.0, clear of the example's API VPCs. */
export function consumerCidr(index: number): string {
  return `10.${20 + Math.floor(index / 16)}.${(index % 16) * 16}.0/20`;
}

/** `base` reduced to its first environment, with `count` generated consumers (accounts 900000000001...). */
export function configWithConsumers(base: AppConfig, count: number): AppConfig {
  const consumers = Array.from({ length: count }, (_, i) => ({ name: `consumer-${String(i + 1).padStart(3, '0')}`, account: String(900_000_000_001 + i), cidr: consumerCidr(i), calls: base.environments[0].apis.map((a) => a.name) }));
  // One gateway route table per VPC: past AWS's default of 20, the configuration declares the raise.
  const tables = base.environments[0].apis.length + count;
  return { ...base, quotas: { ...base.quotas, transitGatewayRouteTables: Math.max(tables, quotaOf(base, 'transitGatewayRouteTables')) }, environments: [{ ...base.environments[0], consumers }] };
}

/**
 * A platform-scale configuration in one environment: `apis` internal APIs (alternating the
 * example's two runtimes) and `consumers` consumer accounts, the i-th calling 1 + i % 5 of them
 * (spread by a fixed stride), deterministically. Each runtime's first API keeps the fragment's
 * names; every later one has a graphqlPrefix (its name without the dash), so a consumer may call
 * several APIs of one runtime. CIDRs are disjoint /20 blocks (APIs from 10.64.0.0, consumers from
 * 10.128.0.0); the transit gateway route table quota is declared raised to cover one table per VPC.
 * `connectivity` sets the environment's mode (the same matrix in each, so `npm run cost --
 * --platform` compares the modes like for like); only transit-gateway mode has a `transitGateway`.
 */
export function platformConfig(base: AppConfig, apis: number, consumers: number, connectivity: Connectivity = 'transit-gateway'): AppConfig {
  const [env] = base.environments;
  const [catalogue, stock] = env.apis;
  const block = (start: number, i: number) => `10.${start + Math.floor(i / 16)}.${(i % 16) * 16}.0/20`;
  const apiList = Array.from({ length: apis }, (_, i) => {
    const template = i % 2 === 0 ? catalogue : stock;
    const name = `api-${String(i + 1).padStart(2, '0')}`;
    const graphqlPrefix = i >= 2 ? name.replace(/-/g, '') : undefined;
    return { ...structuredClone(template), name, account: String(700_000_000_001 + i), cidr: block(64, i), domain: `${name}.${env.name}.${base.parentZone.name}`, graphqlPrefix };
  });
  const MAX_CALLS = 5;
  const consumerList = Array.from({ length: consumers }, (_, i) => {
    const count = 1 + (i % MAX_CALLS);
    const calls = [...new Set(Array.from({ length: count }, (_, k) => apiList[(i * 3 + k * 7) % apis].name))];
    return { name: `consumer-${String(i + 1).padStart(3, '0')}`, account: String(800_000_000_001 + i), cidr: block(128, i), calls };
  });
  // Every API needs a caller: give an uncalled one to the first consumer with room for it.
  for (const api of apiList) {
    if (consumerList.some((c) => c.calls.includes(api.name))) continue;
    const host = consumerList.find((c) => c.calls.length < MAX_CALLS);
    if (host) host.calls.push(api.name);
    else consumerList.push({ name: `consumer-${String(consumerList.length + 1).padStart(3, '0')}`, account: String(800_000_000_001 + consumerList.length), cidr: block(128, consumerList.length), calls: [api.name] });
  }
  return {
    ...base,
    quotas: { ...base.quotas, transitGatewayRouteTables: Math.max(apis + consumerList.length, quotaOf(base, 'transitGatewayRouteTables')) },
    environments: [{ ...withoutGateway(env), ...(connectivity === 'transit-gateway' ? { transitGateway: env.transitGateway ?? { mode: 'create' as const } } : {}), connectivity, apis: apiList, consumers: consumerList }],
  };
}

/** `env` without its transit gateway (a mode without one refuses the field). */
function withoutGateway<T extends { transitGateway?: unknown }>(env: T): Omit<T, 'transitGateway'> {
  const rest = { ...env };
  delete rest.transitGateway;
  return rest;
}

export async function benchScale(o: { base: AppConfig; counts: readonly number[]; runs: number; timeoutMs: number; progress: Progress; floor: Awaited<ReturnType<typeof buildFloor>> }) {
  const dir = tempDir('scale');
  const variants = o.counts.map((n): Variant => {
    const config = configWithConsumers(o.base, n);
    const problems = validateConfig(config);
    if (problems.length > 0) throw new Error(`the generated configuration for ${n} consumers is invalid: ${problems.map(formatProblem).join('; ')}`);
    writeFileSync(join(dir, `${n}.json`), JSON.stringify(config));
    return { id: String(n), label: `${n} consumers`, args: () => [o.floor.scaleAppJs], env: { CDK_CONTEXT_JSON: contextJson({ config: join(dir, `${n}.json`) }) } };
  });
  const { measured, failures } = await interleaved(variants, o.runs, o.timeoutMs, o.progress, 'scale');
  const base = median(measured[0].runs.map((r) => r.wallMs));
  return {
    runs: o.runs,
    environment: o.base.environments[0].name,
    points: measured.map(({ id, runs, stacks }, i) => {
      const perExtraMs = i === 0 ? NaN : (median(runs.map((r) => r.wallMs)) - base) / (Number(id) - o.counts[0]);
      return { consumers: Number(id), stacks: stacks?.size, ...summarize(runs), perExtraMs: Math.round(perExtraMs), perExtraPercent: 100 * ratio(perExtraMs, base) };
    }),
    failures,
  };
}
export type ScaleResult = Awaited<ReturnType<typeof benchScale>>;

/**
 * (f) `platform`: the floor app synthesizing the example (every environment) and, in the same
 * interleaved rounds, one environment of `apis` x `consumers` from {@link platformConfig}: how synth
 * time and memory grow with the matrix, each shape against the example measured beside it.
 */
export async function benchPlatform(o: { base: AppConfig; shapes: readonly { apis: number; consumers: number }[]; runs: number; timeoutMs: number; progress: Progress; floor: Awaited<ReturnType<typeof buildFloor>> }) {
  const dir = tempDir('platform');
  const example: Variant = { id: 'example', label: 'the example (every environment)', args: () => [o.floor.scaleAppJs], env: { CDK_CONTEXT_JSON: contextJson({ config: writeConfig(dir, 'base', o.base) }) } };
  const pairs: Record<string, number> = { example: o.base.environments.reduce((n, e) => n + e.consumers.reduce((m, c) => m + c.calls.length, 0), 0) };
  const variants = [example, ...o.shapes.map(({ apis, consumers }): Variant => {
    const config = platformConfig(o.base, apis, consumers);
    const problems = validateConfig(config);
    if (problems.length > 0) throw new Error(`the generated configuration of ${apis} APIs x ${consumers} consumers is invalid: ${problems.map(formatProblem).join('; ')}`);
    const id = `${apis}x${consumers}`;
    pairs[id] = config.environments[0].consumers.reduce((n, c) => n + c.calls.length, 0);
    return { id, label: `${apis} APIs x ${config.environments[0].consumers.length} consumers`, args: () => [o.floor.scaleAppJs], env: { CDK_CONTEXT_JSON: contextJson({ config: writeConfig(dir, id, config) }) } };
  })];
  const { measured, failures } = await interleaved(variants, o.runs, o.timeoutMs, o.progress, 'platform');
  const exampleMs = median(measured[0].runs.map((r) => r.wallMs));
  return {
    runs: o.runs,
    points: measured.map(({ id, label, runs, stacks }) => ({ id, label, pairs: pairs[id], stacks: stacks?.size, ...summarize(runs), vsExample: ratio(median(runs.map((r) => r.wallMs)), exampleMs) })),
    failures,
  };
}
export type PlatformResult = Awaited<ReturnType<typeof benchPlatform>>;

function writeConfig(dir: string, name: string, config: AppConfig): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}
