/** The command line of `npm run bench` and the tables it prints (pure; unit-tested in test/tools/bench/). */
import { CONFIG_OPTION, UsageError, intOption, parseCommandLine } from '../shared/cli';
import { TableSection, renderSections } from '../shared/table';
import type { HttpResult } from './http';
import type { ResolverResult } from './resolver';
import type { TestsResult } from './run';
import type { PlatformResult, ScaleResult, SynthResult } from './synth';

export const SECTIONS = ['synth', 'tests', 'http', 'resolver', 'scale', 'platform'] as const;
export type Section = (typeof SECTIONS)[number];

/** The integer options: default, minimum, maximum, usage. */
const INTS = {
  runs: [3, 1, 50, 'N', 'repetitions of each timed process, medians reported'],
  duration: [10, 1, 600, 'S', 'seconds of load per HTTP server'],
  connections: [50, 1, 1000, 'C', 'autocannon connections'],
  warmup: [2, 0, 60, 'S', 'warm-up seconds per HTTP server, not reported; 0 = none'],
  invocations: [1000, 1, 100_000, 'N', 'sequential resolver invocations'],
  'import-runs': [10, 1, 100, 'N', 'fresh node processes for the cold-import timing'],
  timeout: [600, 10, 7200, 'S', 'kill any single measured process after S seconds'],
} as const;
type IntOption = keyof typeof INTS;

export const USAGE = `Usage: npm run bench -- [options]

${Object.entries(INTS).map(([name, [def, , , arg, text]]) => `  ${`--${name} ${arg}`.padEnd(20)}${text} (default ${def})`).join('\n')}
  --consumers 1,5,20  consumer counts for the synth scaling section (default 1,5,20)
  --platform 2x5,20x50  APIs x consumers shapes for the platform section (default 2x5,10x25,20x50)
  --skip-tests        skip the slow \`npm test\` section (tsc, eslint, jest: about a minute)
  --only a,b          run only these sections: ${SECTIONS.join(', ')}
  --out FILE          JSON report (default bench-results/latest.json)
  --config FILE       a JSON configuration whose first environment the scaling section grows (default lib/config/environments.ts)
  --help`;

/** Throws UsageError on anything unknown or out of range. */
export function parseOptions(args: string[]) {
  const str = { type: 'string' } as const;
  const options = {
    ...(Object.fromEntries(Object.keys(INTS).map((name) => [name, str])) as Record<IntOption, typeof str>),
    consumers: { ...str, default: '1,5,20' }, platform: { ...str, default: '2x5,10x25,20x50' }, only: { ...str, default: SECTIONS.join(',') }, out: { ...str, default: 'bench-results/latest.json' },
    'skip-tests': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false }, ...CONFIG_OPTION,
  } as const;
  const { values: v } = parseCommandLine({ args, options }, USAGE);
  const ints = Object.fromEntries(Object.entries(INTS).map(([name, [def, min, max]]) => [name, intOption(name, v[name as IntOption] ?? String(def), min, max)]));
  const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter((s, i, all) => s !== '' && all.indexOf(s) === i);
  const consumers = [...new Set(list(v.consumers).map((c) => intOption('consumers', c, 1, 200)))].sort((a, b) => a - b);
  const platform = list(v.platform).map((shape) => {
    const match = /^(\d+)x(\d+)$/.exec(shape);
    if (!match) throw new UsageError(`--platform takes a comma-separated list of APIsxCONSUMERS shapes, e.g. 2x5,20x50; got "${shape}"`);
    return { apis: intOption('platform', match[1], 1, 64), consumers: intOption('platform', match[2], 1, 200) };
  });
  const only = list(v.only);
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0 || only.length === 0) throw new UsageError(`--only takes a comma-separated list of ${SECTIONS.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`);
  if (consumers.length === 0) throw new UsageError('--consumers takes a comma-separated list of integers from 1 to 200');
  const sections = SECTIONS.filter((s) => only.includes(s) && !(s === 'tests' && v['skip-tests']));
  return { ...(ints as Record<IntOption, number>), consumers, platform, sections, out: v.out, config: v.config, help: v.help };
}
export type Options = ReturnType<typeof parseOptions>;
type Results = { synth: SynthResult; tests: TestsResult; http: HttpResult; resolver: ResolverResult; scale: ScaleResult; platform: PlatformResult };
/** The JSON report; a section that threw has `{ error }` instead of its result, one not asked for is absent. */
export type Report = { startedAt: string; finishedAt: string; machine: string; load: { start: number[]; end: number[] }; git: { commit: string; modified: number }; options: Options; sections: { [S in Section]?: Results[S] | { error: string } } };

const fin = (n: number | undefined, f: (n: number) => string) => (n !== undefined && Number.isFinite(n) ? f(n) : 'n/a');
const sec = (ms: number | undefined, digits = 2) => fin(ms, (n) => `${(n / 1000).toFixed(digits)} s`);
const mib = (kib: number | undefined) => fin(kib, (n) => `${Math.round(n / 1024)} MiB`);
const times = (r: number | undefined) => fin(r, (n) => `${n.toFixed(2)}x`);
const ms = (v: number | undefined, digits = 2) => fin(v, (n) => `${n.toFixed(digits)} ms`);
const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;
const minMax = (s: { minMs: number; maxMs: number }) => `${fin(s.minMs, (n) => (n / 1000).toFixed(2))}-${sec(s.maxMs)}`;
const failed = (failures: readonly string[]) => failures.map((f) => `FAILED ${f}`);

function synthTable(s: SynthResult): TableSection {
  const v = Object.fromEntries(s.variants.map((x) => [x.id, x]));
  const diff = (a: string, b: string) => `${sec(v[a]?.medianMs - v[b]?.medianMs)} wall / ${sec(v[a]?.cpuMs - v[b]?.cpuMs)} CPU`;
  const validation = (v['app-floor']?.medianMs - v['app-floor-no-validation']?.medianMs) / v['app-floor']?.medianMs;
  return {
    title: `(a) synth of the whole app (median of ${s.runs} run(s), interleaved)`,
    headers: ['variant', 'median wall', 'min-max wall', 'median CPU', 'peak RSS', 'stacks', 'ok'],
    rows: s.variants.map((x) => [x.label, sec(x.medianMs), minMax(x), sec(x.cpuMs), mib(x.rssKib), x.stacks ?? 'n/a', `${x.ok}/${x.runs.length}`]),
    notes: [
      `cdk.json / floor through the CLI: ${times(v['cli-cdk-json']?.medianMs / v['cli-floor']?.medianMs)} wall, ${times(v['cli-cdk-json']?.cpuMs / v['cli-floor']?.cpuMs)} CPU; app alone, ts-node / floor: ${times(v['app-ts-node']?.medianMs / v['app-floor']?.medianMs)} wall`,
      `CLI overhead (cli-floor - app-floor): ${diff('cli-floor', 'app-floor')}; ts-node overhead (app-ts-node - app-floor): ${diff('app-ts-node', 'app-floor')}`,
      `aws-cdk-lib's CloudFormation validation (app-floor - CDK_VALIDATION=false): ${diff('app-floor', 'app-floor-no-validation')}, ${fin(validation * 100, (n) => n.toFixed(0))}% of app-floor`,
      `floor: esbuild bundle of bin/app.ts in ${s.floor.buildMs} ms, ${bytes(s.floor.bytes)}; cdk.json app: ${s.cdkJsonApp}`,
      `same stacks (construct paths) as ${s.variants[0].id}: ${s.variants.map((x) => `${x.id} ${x.sameStacks === undefined ? 'n/a' : x.sameStacks ? 'yes' : 'NO'}`).join(', ')}`,
      `templates differing from it: ${s.variants.map((x) => `${x.id} ${x.differingTemplates ?? 'n/a'}`).join(', ')}`,
      ...failed(s.failures),
    ],
  };
}

function testsTable(t: TestsResult): TableSection {
  const total = t.steps.reduce((n, s) => n + s.wallMs, 0);
  return {
    title: '(b) npm test, step by step (one run each)',
    headers: ['step', 'wall', 'CPU', 'peak RSS', 'result'],
    rows: [...t.steps.map((s) => [s.step, sec(s.wallMs, 1), sec(s.cpuMs, 1), mib(s.rssKib), s.ok ? 'ok' : 'FAILED']), ['total (without npm start-up)', sec(total, 1), '', '', t.steps.every((s) => s.ok) ? 'ok' : 'FAILED']],
    notes: failed(t.failures),
  };
}

function httpTable(h: HttpResult): TableSection {
  return {
    title: `(c) HTTP throughput (${h.duration} s x ${h.connections} connections each, after ${h.warmup} s warm-up; server in a child process; median of ${h.runs} rounds in rotating order)`,
    headers: ['server', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'body B', 'server CPU ms/1k req', 'server RSS'],
    rows: h.servers.map((s) => [s.label, `${s.reqPerSec.toLocaleString('en-US')}${s.reqPerSecRounds.length > 1 ? ` (${Math.min(...s.reqPerSecRounds).toLocaleString('en-US')}-${Math.max(...s.reqPerSecRounds).toLocaleString('en-US')})` : ''}`, s.p50, s.p90, s.p99, s.max, s.errors, s.bodyBytes, fin(s.cpuMsPer1k, (n) => n.toFixed(1)), mib(s.rssKib)]),
    notes: [
      `api-service / hello world: req/s ${times(h.apiVsHello.reqPerSec)}, p99 ${times(h.apiVsHello.p99)}`,
      `api-service / fastify + pino: req/s ${times(h.apiVsFastify.reqPerSec)} (target >= 1.2), p99 ${times(h.apiVsFastify.p99)} (target <= 1), CPU per request ${times(h.apiVsFastify.cpuPerRequest)} (lower is better)`,
      `caller identity on / off: req/s ${times(h.identityVsApi.reqPerSec)}, p99 ${times(h.identityVsApi.p99)}; on / fastify + pino: req/s ${times(h.identityVsFastify.reqPerSec)} (target >= 1.2)`,
      'latency from autocannon (1 ms resolution); errors = errors + timeouts + non-2xx',
      ...failed(h.failures),
    ],
  };
}

function resolverTable(r: ResolverResult): TableSection {
  const { connections: c, latencyMs: l, bundle: b, coldRequire: i } = r;
  return {
    title: '(d) GraphQL resolver',
    headers: ['metric', 'value'],
    rows: [
      ['TLS connections per 1,000 sequential invocations (server-side secureConnection)', c.perThousand.toFixed(2)],
      [`  ${c.invocations.toLocaleString('en-US')} invocations: server-side / client-side connections, errors`, `${c.serverSide} / ${c.clientSide}, ${c.errors}`],
      ['  invocation latency first / p50 / p99', `${ms(l.first)} / ${ms(l.p50, 3)} / ${ms(l.p99, 3)}`],
      ['bundle (esbuild, minified) / gzip / source map', `${bytes(b.bytes)} / ${bytes(b.gzipBytes)} / ${bytes(b.mapBytes)}`],
      [`cold require, median of ${i.runs} fresh node processes (min-max)`, `${ms(i.medianMs)} (${i.minMs.toFixed(2)}-${ms(i.maxMs)})`],
      ['cold require with --enable-source-maps (the deployed NODE_OPTIONS)', ms(i.withSourceMapsMs)],
      ['whole node process (start-up + require + exit), median', ms(i.processMs, 1)],
    ],
    notes: failed(r.failures),
  };
}

function scaleTable(s: ScaleResult): TableSection {
  return {
    title: `(e) synth time vs consumer accounts (floor app, ${s.environment} environment only, median of ${s.runs} run(s))`,
    headers: ['consumers', 'stacks', 'median wall', 'min-max wall', 'median CPU', 'wall per extra consumer', 'peak RSS', 'ok'],
    rows: s.points.map((p) => [p.consumers, p.stacks ?? 'n/a', sec(p.medianMs), minMax(p), sec(p.cpuMs), Number.isFinite(p.perExtraMs) ? `${p.perExtraMs} ms (${p.perExtraPercent.toFixed(1)}%)` : '-', mib(p.rssKib), `${p.ok}/${p.runs.length}`]),
    notes: failed(s.failures)
  };
}

function platformTable(s: PlatformResult): TableSection {
  return {
    title: `(f) synth time vs APIs x consumers (floor app, one generated environment; the example, every environment, beside it; median of ${s.runs} run(s), interleaved)`,
    headers: ['shape', 'allowed pairs', 'stacks', 'median wall', 'min-max wall', 'median CPU', 'vs the example', 'peak RSS', 'ok'],
    rows: s.points.map((p) => [p.label, p.pairs, p.stacks ?? 'n/a', sec(p.medianMs), minMax(p), sec(p.cpuMs), Number.isFinite(p.vsExample) ? `${p.vsExample.toFixed(2)}x` : 'n/a', mib(p.rssKib), `${p.ok}/${p.runs.length}`]),
    notes: failed(s.failures),
  };
}

/** What could not be measured: sections that threw, failed runs, HTTP errors, failed invocations. */
export function failures(sections: Report['sections']): string[] {
  return Object.entries(sections).flatMap(([name, r]) => (r === undefined ? [] : 'error' in r ? [r.error] : r.failures).map((f) => `${name}: ${f}`));
}

export function renderReport(report: Report): string {
  const render: { [S in Section]: (r: Results[S]) => TableSection } = { synth: synthTable, tests: testsTable, http: httpTable, resolver: resolverTable, scale: scaleTable, platform: platformTable };
  const tables = SECTIONS.flatMap((name) => {
    const r = report.sections[name];
    if (r === undefined) return [];
    if ('error' in r) return [{ title: `(${name})`, headers: ['status', 'detail'], rows: [['ERROR', r.error]] }];
    return [render[name](r as never)];
  });
  return [
    `machine: ${report.machine}`,
    `load average (1/5/15 min): start ${report.load.start.join(' / ')}, end ${report.load.end.join(' / ')}`,
    `git: ${report.git.commit} with ${report.git.modified} modified/untracked file(s); ${report.startedAt} -> ${report.finishedAt}`,
    'Medians of repeated runs on a shared machine: treat differences under ~10% as noise; compare CPU when wall times are noisy.',
    '',
    renderSections(tables),
  ].join('\n');
}
