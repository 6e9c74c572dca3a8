/**
 * Timed child processes and the summary of repeated runs. Wall time is spawn to exit; GNU
 * `/usr/bin/time -f '%M %U %S'` adds the peak RSS of the largest single process (for `cdk synth`
 * max(CLI, app, esbuild), not their sum) and the CPU (user + system) of the whole waited-for tree.
 * Each child leads its own process group, so a timeout or Ctrl-C (cleanup()) kills the whole tree.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../shared/stats';

export const ROOT = join(__dirname, '..', '..');
/** Whether GNU time (`-f`, `-o`) is there; without it CPU and RSS are n/a. */
export const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
const children = new Set<ChildProcess>();
let scratch: string | undefined;

/** A new directory under the one scratch directory that cleanup() removes. */
export function tempDir(prefix: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'bench-'));
  return mkdtempSync(join(scratch, `${prefix}-`));
}

/** Registers a child started with `detached: true` so that cleanup() kills its process group. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child.once('exit', () => children.delete(child)));
  return child;
}

function kill(child: ChildProcess): void {
  try { process.kill(-(child.pid ?? NaN), 'SIGKILL'); } catch { /* already gone */ }
}

export function cleanup(): void {
  children.forEach(kill);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/** `%M %U %S` as GNU time writes it (a "Command exited with non-zero status" line may come first). */
export function parseTime(text: string): { rssKib: number; cpuMs: number } | undefined {
  const m = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(text.trim().split('\n').pop() ?? '');
  return m ? { rssKib: Number(m[1]), cpuMs: Math.round((Number(m[2]) + Number(m[3])) * 1000) } : undefined;
}

/** One run; `error` (exit status, last output lines) when it failed. */
export type Timed = { ok: boolean; wallMs: number; cpuMs?: number; rssKib?: number; error?: string };

/** Runs `command` in the repository with `env` over ours (undefined removes a variable); never rejects. */
export function timed(command: string, args: readonly string[], env: Record<string, string | undefined>, timeoutMs: number): Promise<Timed> {
  const timeFile = join(tempDir('time'), 'out');
  const argv = GNU_TIME ? ['/usr/bin/time', '-f', '%M %U %S', '-o', timeFile, command, ...args] : [command, ...args];
  const childEnv = { ...process.env, ...env };
  Object.keys(env).forEach((key) => env[key] === undefined && delete childEnv[key]);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = track(spawn(argv[0], argv.slice(1), { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), kill(child)), timeoutMs);
    child.once('error', (err) => (clearTimeout(timer), resolve({ ok: false, wallMs: NaN, error: err.message })));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const usage = existsSync(timeFile) ? parseTime(readFileSync(timeFile, 'utf8')) : undefined;
      const tail = output.split('\n').map((l) => l.trim()).filter(Boolean).slice(-4).join(' | ');
      const ok = code === 0 && !timedOut;
      resolve({ ok, wallMs, ...usage, ...(ok ? {} : { error: `exit ${code ?? signal}${timedOut ? ' (timed out)' : ''}: ${tail}` }) });
    });
  });
}

/** Medians (wall, CPU, RSS), wall min-max and ok count of repeated runs, and the runs themselves. */
export function summarize(runs: readonly Timed[]) {
  const walls = runs.map((r) => Math.round(r.wallMs));
  const [minMs, maxMs] = walls.length ? [Math.min(...walls), Math.max(...walls)] : [NaN, NaN];
  return { medianMs: median(walls), minMs, maxMs, cpuMs: median(runs.map((r) => r.cpuMs)), rssKib: median(runs.map((r) => r.rssKib)), ok: runs.filter((r) => r.ok).length, runs };
}

/** (b) `npm test`'s three steps one at a time (it runs build and lint side by side, then jest), without npm's start-up. */
export async function benchTests(timeoutMs: number, progress: (line: string) => void) {
  const steps = [];
  for (const [bin, ...args] of [['tsc', '--noEmit', '-p', '.'], ['eslint', '--max-warnings', '0', '.'], ['jest']]) {
    progress(`tests: ${bin} ...`);
    const res = await timed(join(ROOT, 'node_modules', '.bin', bin), args, { FORCE_COLOR: '0', NODE_OPTIONS: undefined }, timeoutMs);
    steps.push({ step: [bin, ...args].join(' '), ...res });
    progress(`tests: ${bin} ${(res.wallMs / 1000).toFixed(1)} s${res.ok ? '' : ' FAILED'}`);
  }
  return { steps, failures: steps.flatMap((s) => (s.error ? [`${s.step}: ${s.error}`] : [])) };
}
export type TestsResult = Awaited<ReturnType<typeof benchTests>>;
