/**
 * `npm run bench` (tools/bench/README.md): progress on stderr, the table on stdout, the JSON report
 * written to `.tmp`, then renamed. Exit code 1 only when something could not be measured, 2 on a usage error.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, resolve } from 'node:path';
import { UsageError, configOrExit } from '../shared/cli';
import { benchHttp } from './http';
import { Report, Section, USAGE, failures, parseOptions, renderReport } from './report';
import { benchResolver } from './resolver';
import { GNU_TIME, ROOT, benchTests, cleanup } from './run';
import { benchPlatform, benchScale, benchSynth, buildFloor } from './synth';

const run = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
const load = () => loadavg().map((n) => Math.round(n * 100) / 100);

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(err.message.includes(USAGE) ? err.message : `${err.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) return console.log(USAGE), 0;
  const base = options.sections.includes('scale') || options.sections.includes('platform') ? configOrExit(options.config) : undefined;

  const began = Date.now();
  const progress = (line: string) => process.stderr.write(`[bench +${String(Math.round((Date.now() - began) / 1000)).padStart(4)} s] ${line}\n`);
  const startedAt = new Date().toISOString();
  const loadStart = load();
  const timeoutMs = options.timeout * 1000;
  progress(`sections: ${options.sections.join(', ')}; runs: ${options.runs}; load average ${loadStart.join(' / ')}`);
  if (!GNU_TIME) progress('no GNU /usr/bin/time (-f, -o): CPU and peak RSS per process are n/a');

  let floor: ReturnType<typeof buildFloor> | undefined;
  const getFloor = () => (floor ??= (progress('floor: bundling bin/app.ts with esbuild'), buildFloor()));
  const bench: { [S in Section]: () => Promise<NonNullable<Report['sections'][S]>> } = {
    synth: async () => benchSynth({ ...options, timeoutMs, progress, floor: await getFloor() }),
    tests: () => benchTests(timeoutMs, progress),
    http: () => benchHttp({ ...options, progress }),
    resolver: () => benchResolver({ invocations: options.invocations, importRuns: options['import-runs'], progress }),
    scale: async () => benchScale({ base: base!, counts: options.consumers, runs: options.runs, timeoutMs, progress, floor: await getFloor() }),
    platform: async () => benchPlatform({ base: base!, shapes: options.platform, runs: options.runs, timeoutMs, progress, floor: await getFloor() }),
  };
  const sections: Record<string, unknown> = {};
  for (const name of options.sections) {
    sections[name] = await bench[name]().catch((err: unknown) => {
      progress(`${name}: ERROR ${err instanceof Error ? err.message : String(err)}`);
      return { error: err instanceof Error ? err.message : String(err) };
    });
  }

  const modified = run('git', 'status', '--porcelain');
  const machine = `${cpus().length} x ${[...new Set(cpus().map((c) => c.model.trim()))].join(' + ')}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${type()} ${release()}, Node ${process.version}`;
  const git = { commit: run('git', 'rev-parse', '--short', 'HEAD').stdout.trim() || 'unknown', modified: modified.status === 0 ? modified.stdout.split('\n').filter(Boolean).length : NaN };
  const report: Report = { startedAt, finishedAt: new Date().toISOString(), machine, load: { start: loadStart, end: load() }, git, options, sections: sections as Report['sections'] };
  const out = resolve(ROOT, options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  console.log(`${renderReport(report)}\n\nJSON: ${out}`);
  const failed = failures(report.sections);
  if (failed.length > 0) console.log(`Some measurements failed (${failed.length}, FAILED lines above): exit code 1.`);
  return failed.length > 0 ? 1 : 0;
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => (process.stderr.write(`\n[bench] ${signal}: stopping child processes, removing temporary files\n`), cleanup(), process.exit(code)));
}
process.once('exit', cleanup);
main().then(
  (code) => process.exit(code),
  (err: unknown) => (console.error(err), process.exit(1)),
);
