/**
 * `npm run bench`: synth, test, HTTP and resolver benchmarks on this machine.
 *
 *   node -r ts-node/register/transpile-only scripts/bench/main.ts [--runs 3] [--skip-tests] [...]
 *
 * Prints a table at the end and writes the full results to bench-results/latest.json (written to
 * a `.tmp` file first, then renamed). Benchmarks report, they never judge: there are no
 * thresholds. The exit code is 1 only when a section could not be measured (it threw, or a
 * measured process failed, e.g. a synth that exits non-zero), so the report can be trusted when
 * it is 0. Progress goes to stderr, the table to stdout. See scripts/bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { BenchOptions, Section, USAGE, UsageError, parseArgs } from './args';
import { FloorBuild, buildFloor } from './floor';
import { benchHttp } from './http';
import { loadAverage, machineInfo } from './machine';
import { cleanupAll, gnuTimeStatus, makeTempDir } from './proc';
import { BenchReport, SectionOutcome, renderReport } from './report';
import { benchResolver } from './resolver';
import { configOrExit } from '../cli';
import { benchScale } from './scale';
import { benchSynth } from './synth';
import { benchTests } from './tests';

const REPO_ROOT = resolve(__dirname, '..', '..');

function gitInfo(): { commit: string; modifiedFiles: number } {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return {
    commit: head.status === 0 ? head.stdout.trim() : 'unknown',
    modifiedFiles: status.status === 0 ? status.stdout.split('\n').filter((l) => l.trim()).length : NaN,
  };
}

/** Whether a finished section contains a failed measurement (non-zero exit of a measured process). */
function hasFailedMeasurement(name: Section, outcome: SectionOutcome<unknown>): boolean {
  if (outcome.status === 'error') return true;
  if (outcome.status !== 'ok') return false;
  const r = outcome.result as Record<string, unknown>;
  switch (name) {
    case 'synth':
      return (r.variants as { okRuns: number; runs: unknown[] }[]).some((v) => v.okRuns !== v.runs.length);
    case 'scale':
      return (r.points as { okRuns: number; runs: unknown[] }[]).some((p) => p.okRuns !== p.runs.length);
    case 'tests':
      return r.allOk !== true;
    case 'http':
      return (r.servers as { errors: number; timeouts: number; non2xx: number }[]).some((s) => s.errors + s.timeouts + s.non2xx > 0);
    case 'resolver':
      return ((r.connections as { errors: number }).errors ?? 0) > 0;
  }
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  const began = Date.now();
  const progress = (line: string): void => {
    process.stderr.write(`[bench +${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  };
  const startedAt = new Date().toISOString();
  const loadStart = loadAverage();
  const scratchDir = makeTempDir('scratch');
  const timeoutMs = options.timeout * 1000;
  const wanted = new Set(options.sections);
  progress(`sections: ${options.sections.join(', ')}; runs: ${options.runs}; repo: ${REPO_ROOT}`);
  if (!gnuTimeStatus().available) progress(`peak RSS per process unavailable: ${gnuTimeStatus().reason}`);

  let floor: FloorBuild | undefined;
  const getFloor = async (): Promise<FloorBuild> => {
    if (!floor) {
      progress('floor: compiling bin/app.ts with esbuild');
      floor = await buildFloor(REPO_ROOT, makeTempDir('floor'));
    }
    return floor;
  };

  const run = async <T>(name: Section, fn: () => Promise<T>): Promise<SectionOutcome<T>> => {
    if (!wanted.has(name)) return { status: 'skipped' };
    const t0 = Date.now();
    try {
      const result = await fn();
      return { status: 'ok', elapsedMs: Date.now() - t0, result };
    } catch (err) {
      progress(`${name}: ERROR ${err instanceof Error ? err.message : String(err)}`);
      return { status: 'error', elapsedMs: Date.now() - t0, error: err instanceof Error ? err.message : String(err) };
    }
  };

  const synth = await run('synth', async () =>
    benchSynth({ repoRoot: REPO_ROOT, floor: await getFloor(), runs: options.runs, timeoutMs, scratchDir, progress }),
  );
  const tests = await run('tests', () => benchTests({ repoRoot: REPO_ROOT, timeoutMs, scratchDir, progress }));
  const http = await run('http', () =>
    benchHttp({ repoRoot: REPO_ROOT, durationSec: options.duration, warmupSec: options.warmup, connections: options.connections, progress }),
  );
  const resolver = await run('resolver', () =>
    benchResolver({ repoRoot: REPO_ROOT, invocations: options.invocations, importRuns: options.importRuns, progress }),
  );
  const scale = await run('scale', async () =>
    benchScale({ repoRoot: REPO_ROOT, base: configOrExit(options.config), floor: await getFloor(), counts: options.consumers, runs: options.runs, timeoutMs, scratchDir, progress }),
  );

  const report: BenchReport = {
    schemaVersion: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    loadAverage: { start: loadStart, end: loadAverage() },
    git: gitInfo(),
    options,
    gnuTime: gnuTimeStatus(),
    sections: { synth, tests, http, resolver, scale },
  };

  const outFile = isAbsolute(options.out) ? options.out : join(REPO_ROOT, options.out);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(`${outFile}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${outFile}.tmp`, outFile);

  console.log(renderReport(report));
  console.log(`\nJSON: ${relative(process.cwd(), outFile) || outFile}`);

  const failed = (Object.entries(report.sections) as [Section, SectionOutcome<unknown>][]).filter(([name, o]) => hasFailedMeasurement(name, o)).map(([name]) => name);
  if (failed.length > 0) {
    console.log(`Some measurements failed (${failed.join(', ')}): see the FAILED lines above. Exit code 1.`);
    return 1;
  }
  return 0;
}

const onSignal = (signal: NodeJS.Signals, code: number) => () => {
  process.stderr.write(`\n[bench] ${signal}: stopping child processes and removing temporary directories\n`);
  cleanupAll();
  process.exit(code);
};
process.once('SIGINT', onSignal('SIGINT', 130));
process.once('SIGTERM', onSignal('SIGTERM', 143));
process.once('exit', () => cleanupAll());

main().then(
  (code) => {
    cleanupAll();
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    cleanupAll();
    process.exit(1);
  },
);
