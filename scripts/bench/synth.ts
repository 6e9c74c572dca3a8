/**
 * (a) Synth of the whole app: `cdk synth` through cdk.json (ts-node) versus the floor (the same
 * app precompiled by esbuild), through the CLI and as the bare app process, N runs each,
 * interleaved (run r executes every variant, starting at a rotating offset) so that drift in the
 * machine's load hits every variant alike.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AssemblyStack, compareAssemblies, readAssemblyStacks } from './assembly';
import { cdkJsonApp, cliLikeContextJson } from './context';
import { FloorBuild } from './floor';
import { RunResult, lastLines, makeTempDir, removeTempDir, runMeasured } from './proc';
import { median, range, ratio, round } from './stats';

export const CDK_CLI = join('node_modules', 'aws-cdk', 'bin', 'cdk');
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

/** Environment shared by every synth process: no telemetry, and no ts-node mode leaking in from our own shell. */
export const BASE_ENV: Readonly<Record<string, string | undefined>> = {
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  TS_NODE_SWC: undefined,
  TS_NODE_TRANSPILE_ONLY: undefined,
  TS_NODE_TYPE_CHECK: undefined,
  TS_NODE_COMPILER: undefined,
  TS_NODE_PROJECT: undefined,
  NODE_OPTIONS: undefined,
  CDK_VALIDATION: undefined,
};

export interface VariantSpec {
  readonly id: string;
  readonly label: string;
  /**
   * `cli`: the whole `cdk synth`; `app`: the app process alone (CDK_OUTDIR + CDK_CONTEXT_JSON, no
   * CLI); `load`: only `require` of lib/app (every construct module; no synth).
   */
  readonly kind: 'cli' | 'app' | 'load';
  /** Shown in the report. */
  readonly display: string;
  readonly build: (outDir: string) => { command: string; args: string[]; env: Record<string, string | undefined> };
}

export interface RunRecord {
  readonly wallMs: number;
  /** User + system CPU of the process tree (GNU time). */
  readonly cpuMs?: number;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly maxRssKib?: number;
  readonly treePeakRssKib?: number;
}

export interface VariantResult {
  readonly id: string;
  readonly label: string;
  readonly kind: VariantSpec['kind'];
  readonly command: string;
  readonly runs: readonly RunRecord[];
  readonly okRuns: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median user + system CPU time (ms): less sensitive than wall time to a busy machine. */
  readonly medianCpuMs: number;
  /** Median over runs of the largest single process's peak RSS (KiB). */
  readonly medianMaxRssKib: number;
  /** Median over runs of the sampled peak of the summed process-group RSS (KiB). */
  readonly medianTreePeakRssKib: number;
  /** Stack count of the first successful run. */
  readonly stacks?: number;
  /** Same stacks (by construct path) as the reference variant; undefined if not comparable. */
  readonly sameStacksAsReference?: boolean;
  /** Templates that differ from the reference variant's (path list). */
  readonly templatesDifferingFromReference?: readonly string[];
  /** Last lines of stderr of the first failed run. */
  readonly failure?: string;
}

export interface SynthResult {
  readonly runs: number;
  readonly cdkJsonApp: string;
  readonly floor: { readonly buildMs: number; readonly bundleBytes: number };
  readonly variants: readonly VariantResult[];
  /** Median `cdk synth` via cdk.json divided by median `cdk synth --app <floor>`. */
  readonly ratioCliCdkJsonOverFloor: number;
  /** Median bare app under ts-node divided by median bare floor app. */
  readonly ratioAppTsNodeOverFloor: number;
  /** Median CPU `cdk synth` via cdk.json divided by median CPU `cdk synth --app <floor>`. */
  readonly cpuRatioCliCdkJsonOverFloor: number;
  /** cli-floor minus app-floor: what the CLI itself adds (medians, ms): wall, CPU. */
  readonly cliOverheadMs: { readonly wall: number; readonly cpu: number };
  /** app-ts-node minus app-floor: what ts-node adds (medians, ms): wall, CPU. */
  readonly tsNodeOverheadMs: { readonly wall: number; readonly cpu: number };
  /** app-floor minus app-floor-no-cfn-validation: the cost of aws-cdk-lib's built-in CloudFormation validation. */
  readonly builtinCfnValidationMs: { readonly wall: number; readonly cpu: number };
  /** Module loading only: isolates what ts-node's compilation costs, with less noise than whole synths. */
  readonly moduleLoad: {
    readonly runs: number;
    readonly variants: readonly VariantResult[];
    readonly tsNodeOverheadMs: { readonly wall: number; readonly cpu: number };
  };
  readonly reference: string;
  readonly stackPaths?: readonly string[];
}

/** A path as one word of the `--app` command line (the CLI hands it to a shell); quoted only when needed. */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

export function synthVariants(repoRoot: string, floor: FloorBuild, contextJson: string): VariantSpec[] {
  const cli = (outDir: string, extra: string[] = []) => [CDK_CLI, 'synth', '-q', '-o', outDir, ...extra];
  const appEnv = (outDir: string, extra: Record<string, string | undefined> = {}) => ({
    ...BASE_ENV,
    CDK_OUTDIR: outDir,
    CDK_CONTEXT_JSON: contextJson,
    ...extra,
  });
  const variants: VariantSpec[] = [
    {
      id: 'cli-cdk-json',
      label: 'cdk synth (cdk.json: ts-node)',
      kind: 'cli',
      display: `node ${CDK_CLI} synth -q -o <tmp>   # app: ${cdkJsonApp(repoRoot)}`,
      build: (outDir) => ({ command: process.execPath, args: cli(outDir), env: { ...BASE_ENV } }),
    },
    {
      id: 'cli-floor',
      label: 'cdk synth --app <floor>',
      kind: 'cli',
      display: `node ${CDK_CLI} synth -q -o <tmp> --app "node <floor>/bin/app.js"`,
      build: (outDir) => ({
        command: process.execPath,
        args: cli(outDir, ['--app', `${shellWord(process.execPath)} ${shellWord(floor.appJs)}`]),
        env: { ...BASE_ENV },
      }),
    },
    {
      id: 'app-ts-node',
      label: 'app alone, ts-node',
      kind: 'app',
      display: 'CDK_OUTDIR=<tmp> CDK_CONTEXT_JSON=<cdk.json context> node -r ts-node/register/transpile-only bin/app.ts',
      build: (outDir) => ({ command: process.execPath, args: [...TS_NODE, join('bin', 'app.ts')], env: appEnv(outDir) }),
    },
    {
      id: 'app-floor',
      label: 'app alone, floor (esbuild JS)',
      kind: 'app',
      display: 'CDK_OUTDIR=<tmp> CDK_CONTEXT_JSON=<cdk.json context> node <floor>/bin/app.js',
      build: (outDir) => ({ command: process.execPath, args: [floor.appJs], env: appEnv(outDir) }),
    },
  ];
  variants.push({
    id: 'app-floor-no-cfn-validation',
    label: 'app alone, floor, CDK_VALIDATION=false',
    kind: 'app',
    display: 'CDK_VALIDATION=false CDK_OUTDIR=<tmp> ... node <floor>/bin/app.js   # attribution only',
    build: (outDir) => ({ command: process.execPath, args: [floor.appJs], env: appEnv(outDir, { CDK_VALIDATION: 'false' }) }),
  });
  return variants;
}

function summarise(
  spec: VariantSpec,
  records: RunRecord[],
  failure: string | undefined,
  stacks: AssemblyStack[] | undefined,
  reference: AssemblyStack[] | undefined,
): VariantResult {
  const walls = records.map((r) => r.wallMs);
  const { min, max } = range(walls);
  const comparison = stacks && reference ? compareAssemblies(reference, stacks) : undefined;
  const medianOf = (pick: (r: RunRecord) => number | undefined) => median(records.map(pick).filter((v): v is number => v !== undefined));
  return {
    id: spec.id,
    label: spec.label,
    kind: spec.kind,
    command: spec.display,
    runs: records.map((r) => ({ ...r, wallMs: round(r.wallMs, 1) })),
    okRuns: records.filter((r) => r.ok).length,
    medianMs: round(median(walls), 1),
    minMs: round(min, 1),
    maxMs: round(max, 1),
    medianCpuMs: round(medianOf((r) => r.cpuMs), 0),
    medianMaxRssKib: medianOf((r) => r.maxRssKib),
    medianTreePeakRssKib: round(medianOf((r) => r.treePeakRssKib), 0),
    stacks: stacks?.length,
    sameStacksAsReference: comparison?.sameStacks,
    templatesDifferingFromReference: comparison?.differentTemplates,
    failure,
  };
}

export interface SynthOptions {
  readonly repoRoot: string;
  readonly floor: FloorBuild;
  readonly runs: number;
  readonly timeoutMs: number;
  readonly scratchDir: string;
  readonly progress: (line: string) => void;
}

interface Measured {
  readonly records: Map<string, RunRecord[]>;
  readonly failures: Map<string, string>;
  readonly stacks: Map<string, AssemblyStack[]>;
}

/** Runs every variant `runs` times, interleaved with a rotating start, after one untimed warm-up run. */
async function measureVariants(o: SynthOptions, variants: readonly VariantSpec[], runs: number, tag: string, warmUp: VariantSpec): Promise<Measured> {
  const records = new Map<string, RunRecord[]>(variants.map((v) => [v.id, []]));
  const failures = new Map<string, string>();
  const stacks = new Map<string, AssemblyStack[]>();
  const runOnce = async (spec: VariantSpec, record: boolean): Promise<RunResult> => {
    const outDir = makeTempDir('synth-out');
    try {
      const { command, args, env } = spec.build(outDir);
      const result = await runMeasured({ command, args, env, cwd: o.repoRoot, timeoutMs: o.timeoutMs, sampleTree: spec.kind !== 'load' }, o.scratchDir);
      if (!record) return result;
      if (result.ok && spec.kind !== 'load' && !stacks.has(spec.id) && existsSync(join(outDir, 'manifest.json'))) {
        stacks.set(spec.id, readAssemblyStacks(outDir));
      }
      if (!result.ok && !failures.has(spec.id)) {
        failures.set(spec.id, `exit ${result.exitCode ?? result.signal}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(result.stderrTail || result.stdoutTail, 4)}`);
      }
      return result;
    } finally {
      removeTempDir(outDir);
    }
  };

  // Untimed warm-up: fills the page cache (node_modules, typescript) so the first timed run is not penalised.
  o.progress(`${tag}: warm-up run (untimed)`);
  await runOnce(warmUp, false);
  const width = Math.max(...variants.map((v) => v.id.length));
  for (let r = 0; r < runs; r += 1) {
    for (let k = 0; k < variants.length; k += 1) {
      const spec = variants[(k + r) % variants.length];
      const res = await runOnce(spec, true);
      records.get(spec.id)?.push({
        wallMs: res.wallMs,
        cpuMs: res.cpuMs,
        ok: res.ok,
        exitCode: res.exitCode,
        maxRssKib: res.maxRssKib,
        treePeakRssKib: res.treePeakRssKib,
      });
      o.progress(`${tag}: run ${r + 1}/${runs} ${spec.id.padEnd(width)} ${(res.wallMs / 1000).toFixed(2)} s${res.ok ? '' : ` FAILED (exit ${res.exitCode ?? res.signal})`}`);
    }
  }
  return { records, failures, stacks };
}

/** Module loading only (`require` of lib/app, which imports every construct; no synth). */
export function loadVariants(repoRoot: string, floor: FloorBuild): VariantSpec[] {
  const requireLib = `require(${JSON.stringify(join(repoRoot, 'lib', 'app'))})`;
  const variants: VariantSpec[] = [
    {
      id: 'load-ts-node',
      label: 'load lib/app, ts-node',
      kind: 'load',
      display: `node -r ts-node/register/transpile-only -e "require('./lib/app')"`,
      build: () => ({ command: process.execPath, args: [...TS_NODE, '-e', requireLib], env: { ...BASE_ENV } }),
    },
    {
      id: 'load-floor',
      label: 'load lib/app, floor (esbuild JS)',
      kind: 'load',
      display: `node -e "require('<floor>/lib/app.js')"`,
      build: () => ({ command: process.execPath, args: ['-e', `require(${JSON.stringify(floor.libAppJs)})`], env: { ...BASE_ENV } }),
    },
  ];
  return variants;
}

/** Runs of the (fast, ~1 s) module-load variants: more than the synth runs, for a steadier median. */
export const loadRunsFor = (runs: number): number => Math.max(7, runs);

export async function benchSynth(o: SynthOptions): Promise<SynthResult> {
  const variants = synthVariants(o.repoRoot, o.floor, cliLikeContextJson(o.repoRoot));
  const synth = await measureVariants(o, variants, o.runs, 'synth', variants.find((v) => v.id === 'app-floor') ?? variants[0]);

  const referenceId = ['cli-cdk-json', 'app-ts-node', 'app-floor', 'cli-floor'].find((id) => synth.stacks.has(id)) ?? 'cli-cdk-json';
  const reference = synth.stacks.get(referenceId);
  const results = variants.map((v) => summarise(v, synth.records.get(v.id) ?? [], synth.failures.get(v.id), synth.stacks.get(v.id), reference));

  const loads = loadVariants(o.repoRoot, o.floor);
  const loadRuns = loadRunsFor(o.runs);
  const load = await measureVariants(o, loads, loadRuns, 'load', loads[0]);
  const loadResults = loads.map((v) => summarise(v, load.records.get(v.id) ?? [], load.failures.get(v.id), undefined, undefined));

  const all = [...results, ...loadResults];
  const med = (id: string) => all.find((v) => v.id === id)?.medianMs ?? NaN;
  const cpu = (id: string) => all.find((v) => v.id === id)?.medianCpuMs ?? NaN;
  const diff = (a: string, b: string) => ({ wall: round(med(a) - med(b), 0), cpu: round(cpu(a) - cpu(b), 0) });
  return {
    runs: o.runs,
    cdkJsonApp: cdkJsonApp(o.repoRoot),
    floor: { buildMs: round(o.floor.buildMs, 0), bundleBytes: o.floor.bytes },
    variants: results,
    ratioCliCdkJsonOverFloor: round(ratio(med('cli-cdk-json'), med('cli-floor')), 3),
    ratioAppTsNodeOverFloor: round(ratio(med('app-ts-node'), med('app-floor')), 3),
    cpuRatioCliCdkJsonOverFloor: round(ratio(cpu('cli-cdk-json'), cpu('cli-floor')), 3),
    cliOverheadMs: diff('cli-floor', 'app-floor'),
    tsNodeOverheadMs: diff('app-ts-node', 'app-floor'),
    builtinCfnValidationMs: diff('app-floor', 'app-floor-no-cfn-validation'),
    moduleLoad: {
      runs: loadRuns,
      variants: loadResults,
      tsNodeOverheadMs: diff('load-ts-node', 'load-floor'),
    },
    reference: referenceId,
    stackPaths: reference?.map((s) => s.path),
  };
}
