/**
 * Command-line options of `npm run bench` (pure; unit-tested in test/bench/args.test.ts).
 */

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
  --help`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `--name value` and `--name=value` forms; throws UsageError on anything unknown or out of range. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let o: BenchOptions = { ...DEFAULT_OPTIONS };
  let skipTests = false;
  let only: Section[] | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const int = (min: number, max: number): number => {
      const raw = value();
      const v = Number(raw);
      if (!/^\d+$/.test(raw) || v < min || v > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return v;
    };
    switch (name) {
      case '--runs':
        o = { ...o, runs: int(1, 50) };
        break;
      case '--duration':
        o = { ...o, duration: int(1, 600) };
        break;
      case '--connections':
        o = { ...o, connections: int(1, 1000) };
        break;
      case '--warmup':
        o = { ...o, warmup: int(0, 60) };
        break;
      case '--invocations':
        o = { ...o, invocations: int(1, 100_000) };
        break;
      case '--import-runs':
        o = { ...o, importRuns: int(1, 100) };
        break;
      case '--timeout':
        o = { ...o, timeout: int(10, 7200) };
        break;
      case '--consumers': {
        const raw = value();
        const counts = raw.split(',').map((s) => s.trim());
        if (counts.some((c) => !/^\d+$/.test(c) || Number(c) < 1 || Number(c) > 200)) {
          throw new UsageError(`--consumers takes a comma-separated list of integers from 1 to 200, got "${raw}"`);
        }
        o = { ...o, consumers: [...new Set(counts.map(Number))].sort((a, b) => a - b) };
        break;
      }
      case '--only': {
        const raw = value();
        const names = raw.split(',').map((s) => s.trim());
        const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
        if (unknown.length > 0 || names.length === 0) {
          throw new UsageError(`--only takes a comma-separated list of ${SECTIONS.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`);
        }
        only = names as Section[];
        break;
      }
      case '--skip-tests':
        if (inline !== undefined) throw new UsageError('--skip-tests takes no value');
        skipTests = true;
        break;
      case '--out':
        o = { ...o, out: value() };
        break;
      case '--help':
      case '-h':
        o = { ...o, help: true };
        break;
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  const wanted = new Set<Section>(only ?? SECTIONS);
  if (skipTests) wanted.delete('tests');
  return { ...o, sections: SECTIONS.filter((s) => wanted.has(s)) };
}
