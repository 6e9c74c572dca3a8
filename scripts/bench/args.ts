/**
 * Command-line options of `npm run bench` (pure; unit-tested in test/bench/helpers.test.ts).
 */
import { CONFIG_OPTION, intOption, parseCommandLine, UsageError } from '../cli';

export const SECTIONS = ['synth', 'tests', 'http', 'resolver', 'scale'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Repetitions of every timed process (synth variants, scaling points); medians are reported. */
  readonly runs: number;
  /** Seconds of load per HTTP server. */
  readonly duration: number;
  /** Concurrent autocannon connections. */
  readonly connections: number;
  /** Seconds of warm-up load per HTTP server before the measured run (not reported). */
  readonly warmup: number;
  /** Sequential resolver invocations. */
  readonly invocations: number;
  /** Fresh `node` processes timing the cold `require` of the bundled resolver. */
  readonly importRuns: number;
  /** Consumer counts for the scaling section. */
  readonly consumers: readonly number[];
  /** Sections to run, in the fixed order of SECTIONS. */
  readonly sections: readonly Section[];
  /** Where the JSON report is written (relative to the repository root unless absolute). */
  readonly out: string;
  /** Per-process time limit, seconds (a hung process is killed and reported as failed). */
  readonly timeout: number;
  readonly help: boolean;
  /**
   * A JSON configuration whose first environment the scaling section grows (as `--config` in every script).
   * @default - lib/config/environments.ts
   */
  readonly config?: string;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  runs: 3,
  duration: 10,
  connections: 50,
  warmup: 2,
  invocations: 1000,
  importRuns: 10,
  consumers: [1, 5, 20],
  sections: SECTIONS,
  out: 'bench-results/latest.json',
  timeout: 600,
  help: false,
};

export const USAGE = `Usage: npm run bench -- [options]

  --runs N            repetitions of each timed process, medians reported (default 3)
  --duration S        seconds of load per HTTP server (default 10)
  --connections C     autocannon connections (default 50)
  --warmup S          warm-up seconds per HTTP server, not reported (default 2; 0 = none)
  --invocations N     sequential resolver invocations (default 1000)
  --import-runs N     fresh node processes for the cold-import timing (default 10)
  --consumers 1,5,20  consumer counts for the synth scaling section (default 1,5,20)
  --skip-tests        skip the slow \`npm test\` section (tsc, eslint, jest: about a minute)
  --only a,b          run only these sections: ${SECTIONS.join(', ')}
  --out FILE          JSON report (default bench-results/latest.json)
  --timeout S         kill any single measured process after S seconds (default 600)
  --config FILE       a JSON configuration as the scaling section's base (default: lib/config/environments.ts)
  --help`;

export { UsageError };

/** Parses `--name value` and `--name=value` forms; throws UsageError on anything unknown or out of range. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const { values: v } = parseCommandLine(
    {
      args: [...argv],
      options: {
        runs: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        warmup: { type: 'string' },
        invocations: { type: 'string' },
        'import-runs': { type: 'string' },
        timeout: { type: 'string' },
        consumers: { type: 'string' },
        only: { type: 'string' },
        'skip-tests': { type: 'boolean', default: false },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        ...CONFIG_OPTION,
      },
    },
    USAGE,
  );
  const int = (name: keyof typeof v & string, min: number, max: number, fallback: number): number => {
    const raw = v[name];
    return typeof raw === 'string' ? intOption(name, raw, min, max) : fallback;
  };
  let consumers = DEFAULT_OPTIONS.consumers;
  if (v.consumers !== undefined) {
    const counts = v.consumers.split(',').map((s) => s.trim());
    if (counts.some((c) => !/^\d+$/.test(c) || Number(c) < 1 || Number(c) > 200)) {
      throw new UsageError(`--consumers takes a comma-separated list of integers from 1 to 200, got "${v.consumers}"`);
    }
    consumers = [...new Set(counts.map(Number))].sort((a, b) => a - b);
  }
  let only: readonly string[] = SECTIONS;
  if (v.only !== undefined) {
    only = v.only.split(',').map((s) => s.trim());
    const unknown = only.filter((n) => !(SECTIONS as readonly string[]).includes(n));
    if (unknown.length > 0 || only.length === 0) {
      throw new UsageError(`--only takes a comma-separated list of ${SECTIONS.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`);
    }
  }
  const wanted = new Set(only);
  if (v['skip-tests']) wanted.delete('tests');
  return {
    runs: int('runs', 1, 50, DEFAULT_OPTIONS.runs),
    duration: int('duration', 1, 600, DEFAULT_OPTIONS.duration),
    connections: int('connections', 1, 1000, DEFAULT_OPTIONS.connections),
    warmup: int('warmup', 0, 60, DEFAULT_OPTIONS.warmup),
    invocations: int('invocations', 1, 100_000, DEFAULT_OPTIONS.invocations),
    importRuns: int('import-runs', 1, 100, DEFAULT_OPTIONS.importRuns),
    consumers,
    sections: SECTIONS.filter((s) => wanted.has(s)),
    out: v.out ?? DEFAULT_OPTIONS.out,
    timeout: int('timeout', 10, 7200, DEFAULT_OPTIONS.timeout),
    help: v.help,
    ...(v.config !== undefined ? { config: v.config } : {}),
  };
}
