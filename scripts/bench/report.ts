/**
 * The JSON report's shape, and its rendering as the text tables printed at the end (pure).
 */
import type { BenchOptions, Section } from './args';
import type { HttpResult } from './http';
import type { MachineInfo } from './machine';
import type { ResolverResult } from './resolver';
import type { ScaleResult } from './scale';
import {
  formatBytes,
  formatInt,
  formatKib,
  formatMs,
  formatRatio,
  formatSeconds,
} from './stats';
import type { SynthResult } from './synth';
import { TableSection, renderSections } from '../table';
import type { TestsResult } from './tests';

export interface SectionOutcome<T> {
  readonly status: 'ok' | 'error' | 'skipped';
  readonly elapsedMs?: number;
  readonly result?: T;
  readonly error?: string;
}

export interface BenchReport {
  readonly schemaVersion: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly git: { readonly commit: string; readonly modifiedFiles: number };
  readonly options: BenchOptions;
  readonly gnuTime: { readonly available: boolean; readonly reason?: string };
  readonly sections: {
    readonly synth: SectionOutcome<SynthResult>;
    readonly tests: SectionOutcome<TestsResult>;
    readonly http: SectionOutcome<HttpResult>;
    readonly resolver: SectionOutcome<ResolverResult>;
    readonly scale: SectionOutcome<ScaleResult>;
  };
}

const TITLES: Record<Section, string> = {
  synth: '(a) synth of the whole app',
  tests: '(b) npm test, step by step',
  http: '(c) HTTP throughput',
  resolver: '(d) GraphQL resolver',
  scale: '(e) synth time vs consumer accounts',
};

const spread = (min: number, max: number, fmt: (n: number) => string): string =>
  Number.isFinite(min) && Number.isFinite(max) ? `${fmt(min)}-${fmt(max)}` : 'n/a';
const runsText = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a');
const yesNo = (v: boolean | undefined) => (v === undefined ? 'n/a' : v ? 'yes' : 'NO');

function synthSection(s: SynthResult): TableSection {
  const rows = [...s.variants, ...s.moduleLoad.variants].map((v) => [
    v.kind === 'load' ? `${v.label} (${runsText(s.moduleLoad.runs)})` : v.label,
    formatSeconds(v.medianMs),
    `${spread(v.minMs, v.maxMs, sec)} s`,
    formatSeconds(v.medianCpuMs),
    formatKib(v.medianMaxRssKib),
    formatKib(v.medianTreePeakRssKib),
    v.kind === 'load' ? '-' : (v.stacks ?? 'n/a'),
    `${v.okRuns}/${v.runs.length}`,
  ]);
  const delta = (d: { wall: number; cpu: number }) => `${formatSeconds(d.wall)} wall / ${formatSeconds(d.cpu)} CPU`;
  const notes = [
    `ratio cdk.json / floor, through the CLI: ${formatRatio(s.ratioCliCdkJsonOverFloor)} wall, ${formatRatio(s.cpuRatioCliCdkJsonOverFloor)} CPU; app alone, ts-node / floor: ${formatRatio(s.ratioAppTsNodeOverFloor)} wall`,
    `CLI overhead (cli-floor - app-floor): ${delta(s.cliOverheadMs)}; ts-node overhead, swc mode from tsconfig.json (app ts-node - app floor): ${delta(s.tsNodeOverheadMs)}`,
    `module loading only (require lib/app, no synth): ts-node adds ${delta(s.moduleLoad.tsNodeOverheadMs)}`,
    `aws-cdk-lib's built-in CloudFormation validation (app floor - app floor with CDK_VALIDATION=false): ${delta(s.builtinCfnValidationMs)}`,
    `floor: esbuild bundle of bin/app.ts in ${formatMs(s.floor.buildMs, 0)}, ${formatBytes(s.floor.bundleBytes)}; cdk.json app: ${s.cdkJsonApp}`,
    `same stacks as ${s.reference}: ${s.variants.map((v) => `${v.id} ${yesNo(v.sameStacksAsReference)}`).join(', ')}`,
    `templates differing from ${s.reference}: ${s.variants.map((v) => `${v.id} ${v.templatesDifferingFromReference?.length ?? 'n/a'}`).join(', ')}`,
    'CPU = user + system of the whole process tree (GNU time), less sensitive to a busy machine than wall time',
    'peak RSS: "largest" = biggest single process (GNU time %M); "tree" = summed RSS of the process group, sampled every 200 ms',
    ...[...s.variants, ...s.moduleLoad.variants].filter((v) => v.failure).map((v) => `FAILED ${v.id}: ${v.failure?.replace(/\n/g, ' | ')}`),
  ];
  return {
    title: `${TITLES.synth} (median of ${runsText(s.runs)}, interleaved)`,
    headers: ['variant', 'median wall', 'min-max wall', 'median CPU', 'peak RSS largest', 'peak RSS tree', 'stacks', 'ok'],
    rows,
    notes,
  };
}

function testsSection(t: TestsResult): TableSection {
  const rows = t.steps.map((s) => [s.command, formatSeconds(s.wallMs, 1), formatSeconds(s.cpuMs ?? NaN, 1), formatKib(s.maxRssKib), formatKib(s.treePeakRssKib), s.ok ? 'ok' : `FAILED (${s.exitCode})`]);
  rows.push(['total (npm test without npm start-up)', formatSeconds(t.totalMs, 1), '', '', '', t.allOk ? 'ok' : 'FAILED']);
  return {
    title: `${TITLES.tests} (one run each)`,
    headers: ['step', 'wall', 'CPU', 'peak RSS largest', 'peak RSS tree', 'result'],
    rows,
    notes: [
      ...(t.rssUnavailableReason ? [`peak RSS (largest) n/a: ${t.rssUnavailableReason}`] : []),
      ...t.steps.filter((s) => s.failure).map((s) => `FAILED ${s.id}: ${s.failure?.replace(/\n/g, ' | ')}`),
    ],
  };
}

function httpSection(h: HttpResult): TableSection {
  return {
    title: `${TITLES.http} (${h.durationSec} s x ${h.connections} connections each, after ${h.warmupSec} s warm-up; server in a child process)`,
    headers: ['server', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'body B', 'server CPU ms/1k req', 'server RSS'],
    rows: h.servers.map((s) => [
      s.label,
      formatInt(s.requestsPerSec),
      s.latencyMs.p50,
      s.latencyMs.p90,
      s.latencyMs.p99,
      s.latencyMs.max,
      s.errors + s.timeouts + s.non2xx,
      s.bodyBytes,
      Number.isFinite(s.serverCpuMsPer1kRequests) ? s.serverCpuMsPer1kRequests.toFixed(1) : 'n/a',
      formatKib(s.serverMaxRssKib),
    ]),
    notes: [
      `api-service / hello world: throughput ${formatRatio(h.apiThroughputVsHello)}, p99 ${formatRatio(h.apiP99VsHello)}`,
      `api-service / fastify + pino: throughput ${formatRatio(h.apiThroughputVsFastify)} (target >= 1.2), p99 ${formatRatio(h.apiP99VsFastify)} (target <= 1), requests per CPU second ${formatRatio(h.apiCpuEfficiencyVsFastify)}`,
      'latency from autocannon (1 ms resolution); errors = errors + timeouts + non-2xx',
    ],
  };
}

function resolverSection(r: ResolverResult): TableSection {
  const c = r.connections;
  const b = r.bundle;
  const i = r.coldImport;
  return {
    title: TITLES.resolver,
    headers: ['metric', 'value'],
    rows: [
      [`TLS connections per 1,000 sequential invocations (server-side secureConnection)`, c.perThousandInvocations],
      [`  ${formatInt(c.invocations)} invocations: server-side / client-side connections, errors`, `${c.tlsConnectionsServerSide} / ${c.tlsConnectionsClientSide}, ${c.errors}`],
      ['  invocation latency first / p50 / p99', `${formatMs(c.latencyMs.first)} / ${formatMs(c.latencyMs.p50, 3)} / ${formatMs(c.latencyMs.p99, 3)}`],
      ['bundle (esbuild, minified) bytes / gzip / source map', `${formatBytes(b.bytes)} / ${formatBytes(b.gzipBytes)} / ${formatBytes(b.sourceMapBytes)}`],
      [`cold require, median of ${i.runs} fresh node processes`, formatMs(i.requireMs.median)],
      ['  min-max', `${spread(i.requireMs.min, i.requireMs.max, (n) => n.toFixed(2))} ms`],
      ['cold require with --enable-source-maps (the deployed NODE_OPTIONS)', formatMs(i.requireWithSourceMapsMs.median)],
      ['whole node process (start-up + require + exit), median', formatMs(i.processMs.median, 1)],
    ],
  };
}

function scaleSection(s: ScaleResult): TableSection {
  return {
    title: `${TITLES.scale} (floor app, ${s.environment} environment only, median of ${runsText(s.runs)})`,
    headers: ['consumers', 'stacks', 'median wall', 'min-max wall', 'median CPU', 'wall per extra consumer', 'peak RSS', 'ok'],
    rows: s.points.map((p) => [
      p.consumers,
      p.stacks ?? 'n/a',
      formatSeconds(p.medianMs),
      `${spread(p.minMs, p.maxMs, sec)} s`,
      formatSeconds(p.medianCpuMs),
      p.msPerExtraConsumer === undefined ? '-' : formatMs(p.msPerExtraConsumer, 0),
      formatKib(p.medianMaxRssKib),
      `${p.okRuns}/${p.runs.length}`,
    ]),
    notes: s.points.filter((p) => p.failure).map((p) => `FAILED ${p.consumers} consumers: ${p.failure?.replace(/\n/g, ' | ')}`),
  };
}

function outcomeSection<T>(name: Section, outcome: SectionOutcome<T>, render: (r: T) => TableSection): TableSection {
  if (outcome.status === 'ok' && outcome.result !== undefined) return render(outcome.result);
  return {
    title: TITLES[name],
    headers: ['status', 'detail'],
    rows: [[outcome.status, outcome.status === 'skipped' ? 'not requested' : (outcome.error ?? '').replace(/\n/g, ' | ')]],
  };
}

export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const header = [
    `machine: ${m.cpuCount} x ${m.cpuModel}, ${Math.round(m.totalMemMiB / 1024)} GiB, ${m.os}, Node ${m.node}`,
    `load average (1/5/15 min): start ${report.loadAverage.start.join(' / ')}, end ${report.loadAverage.end.join(' / ')}`,
    `git: ${report.git.commit} with ${report.git.modifiedFiles} modified/untracked file(s); ${report.startedAt} -> ${report.finishedAt}`,
    'All times are medians of repeated runs on a shared machine (other work was running): treat differences under ~10% as noise.',
  ].join('\n');
  const s = report.sections;
  const sections = [
    outcomeSection('synth', s.synth, synthSection),
    outcomeSection('tests', s.tests, testsSection),
    outcomeSection('http', s.http, httpSection),
    outcomeSection('resolver', s.resolver, resolverSection),
    outcomeSection('scale', s.scale, scaleSection),
  ];
  return `${header}\n\n${renderSections(sections)}`;
}
