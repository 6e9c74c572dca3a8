/**
 * (b) The three steps of `npm test` (`npm run build && npm run lint && jest`), timed one by one,
 * run the way npm runs them (binaries from node_modules/.bin; npm's own start-up, about 0.3 s per
 * `npm run`, is not included).
 */
import { join } from 'node:path';
import { gnuTimeStatus, lastLines, runMeasured } from './proc';
import { round } from './stats';

export interface TestStep {
  readonly id: string;
  readonly command: string;
  readonly wallMs: number;
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** User + system CPU of the step's whole process tree (GNU time), ms. */
  readonly cpuMs?: number;
  /** Largest single process (GNU time), KiB. */
  readonly maxRssKib?: number;
  /** Sampled peak of the summed RSS of the process group (jest + its workers), KiB. */
  readonly treePeakRssKib?: number;
  readonly failure?: string;
}

export interface TestsResult {
  readonly steps: readonly TestStep[];
  readonly totalMs: number;
  readonly allOk: boolean;
  /** Why maxRssKib is missing, if it is. */
  readonly rssUnavailableReason?: string;
}

const STEPS: readonly { id: string; bin: string; args: string[] }[] = [
  { id: 'tsc', bin: 'tsc', args: ['--noEmit', '-p', '.'] },
  { id: 'eslint', bin: 'eslint', args: ['--max-warnings', '0', '.'] },
  { id: 'jest', bin: 'jest', args: [] },
];

export async function benchTests(o: {
  repoRoot: string;
  timeoutMs: number;
  scratchDir: string;
  progress: (line: string) => void;
}): Promise<TestsResult> {
  const steps: TestStep[] = [];
  for (const step of STEPS) {
    o.progress(`tests: ${step.id} ...`);
    const res = await runMeasured(
      {
        command: join(o.repoRoot, 'node_modules', '.bin', step.bin),
        args: step.args,
        cwd: o.repoRoot,
        env: { FORCE_COLOR: '0', NODE_OPTIONS: undefined },
        timeoutMs: o.timeoutMs,
        sampleTree: true,
      },
      o.scratchDir,
    );
    steps.push({
      id: step.id,
      command: [step.bin, ...step.args].join(' '),
      wallMs: round(res.wallMs, 0),
      ok: res.ok,
      exitCode: res.exitCode,
      cpuMs: res.cpuMs,
      maxRssKib: res.maxRssKib,
      treePeakRssKib: res.treePeakRssKib === undefined ? undefined : round(res.treePeakRssKib, 0),
      failure: res.ok ? undefined : `exit ${res.exitCode ?? res.signal}${res.timedOut ? ' (timed out)' : ''}: ${lastLines(res.stderrTail || res.stdoutTail, 6)}`,
    });
    o.progress(`tests: ${step.id} ${(res.wallMs / 1000).toFixed(1)} s${res.ok ? '' : ` FAILED (exit ${res.exitCode ?? res.signal})`}`);
  }
  const time = gnuTimeStatus();
  return {
    steps,
    totalMs: round(steps.reduce((n, s) => n + s.wallMs, 0), 0),
    allOk: steps.every((s) => s.ok),
    rssUnavailableReason: time.available ? undefined : time.reason,
  };
}
