/**
 * Running measured child processes, and cleaning up after them.
 *
 * - Wall time is measured here (hrtime, spawn to exit).
 * - Peak RSS of the largest single process: GNU `/usr/bin/time -f %M` (the kernel's ru_maxrss of
 *   the child, which Linux folds together with the child's own waited-for descendants: for the
 *   CDK CLI that is max(CLI, app, esbuild), not their sum).
 * - CPU time (user + system, %U + %S) of the child and its waited-for descendants: much less
 *   sensitive than wall time to other work competing for the cores.
 * - Optionally the peak of the *summed* RSS of the whole process group (CLI + app + esbuild,
 *   jest + its workers), sampled from /proc every SAMPLE_INTERVAL_MS, so short spikes can be missed.
 * - Every child is started in its own process group, so a timeout kills the whole tree, and
 *   every child and temporary directory is registered so `cleanupAll()` (exit, Ctrl-C) removes them.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME_BIN = '/usr/bin/time';
const SAMPLE_INTERVAL_MS = 200;
const OUTPUT_TAIL_BYTES = 16 * 1024;

const liveChildren = new Set<ChildProcess>();
/** Children started with `detached: true`: each leads its own process group. */
const groupLeaders = new WeakSet<ChildProcess>();
const tempDirs = new Set<string>();

/** Creates a registered temporary directory under the OS temp dir. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Removes a directory created by makeTempDir (no error if it is already gone). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Registers a child started elsewhere (e.g. a forked server) for cleanup. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the whole process group of a detached child (its own group, started by us).
    process.kill(groupLeaders.has(child) ? -child.pid : child.pid, signal);
  } catch {
    // already gone
  }
}

/** Kills every live child (SIGKILL, whole group for measured processes) and removes every temp dir. */
export function cleanupAll(): void {
  for (const child of liveChildren) killTree(child, 'SIGKILL');
  liveChildren.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let gnuTime: { available: boolean; reason?: string } | undefined;

/** Whether GNU time with `-f FORMAT -o FILE` works here (BusyBox time does not). */
export function gnuTimeStatus(): { available: boolean; reason?: string } {
  if (gnuTime === undefined) {
    const probe = spawnSync(TIME_BIN, ['-f', TIME_FORMAT, '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    gnuTime =
      probe.error !== undefined
        ? { available: false, reason: `${TIME_BIN} not found (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})` }
        : probe.status !== 0
          ? { available: false, reason: `${TIME_BIN} does not support -f %M -o (exit ${probe.status}); not GNU time` }
          : { available: true };
  }
  return gnuTime;
}

let pageSize: number | undefined;
function getPageSize(): number {
  if (pageSize === undefined) {
    const out = spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' });
    const n = Number(out.stdout?.trim());
    pageSize = Number.isInteger(n) && n > 0 ? n : 4096;
  }
  return pageSize;
}

/** Sum of the resident set sizes (KiB) of every process in process group `pgid`, from /proc. */
export function groupRssKib(pgid: number): number {
  let pages = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return NaN;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command name: state ppid pgrp ... rss is overall field 24.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) pages += Number(fields[21]) || 0;
  }
  return (pages * getPageSize()) / 1024;
}

/** GNU time format: peak RSS (KiB), user and system CPU seconds (the child's, plus its waited-for descendants'). */
export const TIME_FORMAT = '%M %U %S';

/** Parses the file written by `/usr/bin/time -f '%M %U %S' -o FILE` (a status line may precede the numbers). */
export function parseTimeOutput(text: string): { maxRssKib: number; cpuMs: number } | undefined {
  const lines = text.trim().split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const m = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(lines[i]);
    if (m) return { maxRssKib: Number(m[1]), cpuMs: Math.round((Number(m[2]) + Number(m[3])) * 1000) };
  }
  return undefined;
}

export interface RunSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to (and overriding) the parent's environment. Set a key to undefined to remove it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** Also sample the summed RSS of the process group. */
  readonly sampleTree?: boolean;
}

export interface RunResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly wallMs: number;
  /** Peak RSS (KiB) of the largest single process (GNU time), if available. */
  readonly maxRssKib?: number;
  /** User + system CPU time (ms) of the process and its waited-for descendants (GNU time), if available. */
  readonly cpuMs?: number;
  /** Peak of the summed RSS (KiB) of the process group, sampled, if requested. */
  readonly treePeakRssKib?: number;
  readonly stdoutTail: string;
  readonly stderrTail: string;
}

function childEnv(extra: RunSpec['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

let runCounter = 0;

/** Runs one command to completion, measuring wall time and memory. Never rejects for a non-zero exit. */
export function runMeasured(spec: RunSpec, scratchDir: string): Promise<RunResult> {
  const useTime = gnuTimeStatus().available;
  runCounter += 1;
  const timeFile = join(scratchDir, `time-${process.pid}-${runCounter}.txt`);
  const [command, args] = useTime
    ? [TIME_BIN, ['-f', TIME_FORMAT, '-o', timeFile, spec.command, ...spec.args]]
    : [spec.command, [...spec.args]];

  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: childEnv(spec.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: the timeout and cleanup kill the whole tree
    });
    groupLeaders.add(child);
    trackChild(child);

    let stdout = '';
    let stderr = '';
    const keepTail = (acc: string, chunk: Buffer): string => {
      const next = acc + chunk.toString('utf8');
      return next.length > OUTPUT_TAIL_BYTES ? next.slice(-OUTPUT_TAIL_BYTES) : next;
    };
    child.stdout?.on('data', (c: Buffer) => (stdout = keepTail(stdout, c)));
    child.stderr?.on('data', (c: Buffer) => (stderr = keepTail(stderr, c)));

    let treePeak = 0;
    const sampler =
      spec.sampleTree && child.pid !== undefined
        ? setInterval(() => {
            const kib = groupRssKib(child.pid as number);
            if (Number.isFinite(kib)) treePeak = Math.max(treePeak, kib);
          }, SAMPLE_INTERVAL_MS)
        : undefined;

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child, 'SIGKILL');
    }, spec.timeoutMs);

    child.once('error', (err) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      reject(err);
    });
    child.once('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let usage: ReturnType<typeof parseTimeOutput>;
      if (useTime) {
        try {
          usage = parseTimeOutput(readFileSync(timeFile, 'utf8'));
        } catch {
          usage = undefined;
        }
        rmSync(timeFile, { force: true });
      }
      resolve({
        ok: code === 0 && !timedOut,
        exitCode: code,
        signal,
        timedOut,
        wallMs,
        maxRssKib: usage?.maxRssKib,
        cpuMs: usage?.cpuMs,
        treePeakRssKib: spec.sampleTree && treePeak > 0 ? treePeak : undefined,
        stdoutTail: stdout,
        stderrTail: stderr,
      });
    });
  });
}

/** The last non-empty lines of a command's output, for error messages. */
export function lastLines(text: string, count = 5): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-count)
    .join('\n');
}
