/**
 * (e) Synth time as the number of consumer accounts grows: the floor app (precompiled, no CLI)
 * with `config=<generated json>` in its context, dev environment only, N consumers.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../lib/config/types';
import { formatProblem, validateConfig } from '../../lib/config/validate';
import { readAssemblyStacks } from './assembly';
import { configWithConsumers } from './consumers-config';
import { cliLikeContextJson } from './context';
import { FloorBuild } from './floor';
import { lastLines, makeTempDir, removeTempDir, runMeasured } from './proc';
import { median, range, round } from './stats';
import { BASE_ENV } from './synth';

export interface ScalePoint {
  readonly consumers: number;
  readonly runs: readonly number[];
  readonly okRuns: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly stacks?: number;
  /** Median user + system CPU time, ms. */
  readonly medianCpuMs: number;
  readonly medianMaxRssKib: number;
  /** (median ms - median ms of the smallest N) / (N - smallest N): marginal cost of one consumer. */
  readonly msPerExtraConsumer?: number;
  readonly failure?: string;
}

export interface ScaleResult {
  readonly runs: number;
  readonly environment: string;
  readonly points: readonly ScalePoint[];
}

export interface ScaleOptions {
  readonly repoRoot: string;
  /** The configuration whose first environment is grown (`--config`, default the example). */
  readonly base: AppConfig;
  readonly floor: FloorBuild;
  readonly counts: readonly number[];
  readonly runs: number;
  readonly timeoutMs: number;
  readonly scratchDir: string;
  readonly progress: (line: string) => void;
}

export async function benchScale(o: ScaleOptions): Promise<ScaleResult> {
  const configDir = makeTempDir('scale-config');
  try {
    const files = new Map<number, string>();
    for (const n of o.counts) {
      const config = configWithConsumers(o.base, n);
      const problems = validateConfig(config);
      if (problems.length > 0) throw new Error(`generated config for ${n} consumers is invalid:\n${problems.map(formatProblem).join('\n')}`);
      const file = join(configDir, `consumers-${n}.json`);
      writeFileSync(file, JSON.stringify(config, null, 2));
      files.set(n, file);
    }

    const walls = new Map<number, number[]>(o.counts.map((n) => [n, []]));
    const rss = new Map<number, number[]>(o.counts.map((n) => [n, []]));
    const cpu = new Map<number, number[]>(o.counts.map((n) => [n, []]));
    const ok = new Map<number, number>(o.counts.map((n) => [n, 0]));
    const stacks = new Map<number, number>();
    const failures = new Map<number, string>();

    for (let r = 0; r < o.runs; r += 1) {
      for (let k = 0; k < o.counts.length; k += 1) {
        const n = o.counts[(k + r) % o.counts.length];
        const outDir = makeTempDir('scale-out');
        try {
          const res = await runMeasured(
            {
              command: process.execPath,
              args: [o.floor.appJs],
              cwd: o.repoRoot,
              env: { ...BASE_ENV, CDK_OUTDIR: outDir, CDK_CONTEXT_JSON: cliLikeContextJson(o.repoRoot, { config: files.get(n) }) },
              timeoutMs: o.timeoutMs,
            },
            o.scratchDir,
          );
          walls.get(n)?.push(res.wallMs);
          if (res.maxRssKib !== undefined) rss.get(n)?.push(res.maxRssKib);
          if (res.cpuMs !== undefined) cpu.get(n)?.push(res.cpuMs);
          if (res.ok) {
            ok.set(n, (ok.get(n) ?? 0) + 1);
            if (!stacks.has(n) && existsSync(join(outDir, 'manifest.json'))) stacks.set(n, readAssemblyStacks(outDir).length);
          } else if (!failures.has(n)) {
            failures.set(n, `exit ${res.exitCode ?? res.signal}${res.timedOut ? ' (timed out)' : ''}: ${lastLines(res.stderrTail || res.stdoutTail, 4)}`);
          }
          o.progress(`scale: run ${r + 1}/${o.runs} consumers=${String(n).padEnd(3)} ${(res.wallMs / 1000).toFixed(2)} s${res.ok ? '' : ' FAILED'}`);
        } finally {
          removeTempDir(outDir);
        }
      }
    }

    const base = o.counts[0];
    const baseMedian = median(walls.get(base) ?? []);
    const points = o.counts.map((n): ScalePoint => {
      const w = walls.get(n) ?? [];
      const { min, max } = range(w);
      const med = median(w);
      return {
        consumers: n,
        runs: w.map((x) => round(x, 1)),
        okRuns: ok.get(n) ?? 0,
        medianMs: round(med, 1),
        minMs: round(min, 1),
        maxMs: round(max, 1),
        stacks: stacks.get(n),
        medianCpuMs: round(median(cpu.get(n) ?? []), 0),
        medianMaxRssKib: median(rss.get(n) ?? []),
        msPerExtraConsumer: n > base ? round((med - baseMedian) / (n - base), 0) : undefined,
        failure: failures.get(n),
      };
    });
    return { runs: o.runs, environment: o.base.environments[0].name, points };
  } finally {
    removeTempDir(configDir);
  }
}
