/**
 * The reachability analysis of a cloud assembly against a configuration: each environment's
 * stacks modelled (`model.ts`), its questions answered (`questions.ts`), and the report as one
 * table per environment (question, expected, verdict, where a path stops, the hops).
 */
import { AppConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { StackTemplate } from '../access-sim/intrinsics';
import { readAssembly } from '../shared/assembly';
import { renderSections, TableSection } from '../shared/table';
import { buildModel } from './model';
import { environmentVerdicts, met, Verdict } from './questions';

/** Thrown when the assembly does not hold what the configuration describes. */
export class AssemblyMismatchError extends Error {
  override readonly name = 'AssemblyMismatchError';
}

/**
 * Every verdict of every environment of `config`, from `stagesByName` (the assembly's stacks by
 * Stage name, as tools/shared/assembly.ts readAssembly returns them).
 */
export function analyze(config: AppConfig, stagesByName: Readonly<Record<string, readonly StackTemplate[]>>): Verdict[] {
  return config.environments.flatMap((env) => {
    const stage = stageIdFor(env);
    const stacks = stagesByName[stage];
    if (!stacks || stacks.length === 0) {
      throw new AssemblyMismatchError(`the assembly has no stage "${stage}" for environment "${env.name}" (stages: ${Object.keys(stagesByName).join(', ') || 'none'}): synthesize it with the same configuration (npx cdk synth), or pass --config FILE for the configuration it was built from.`);
    }
    return environmentVerdicts(config, env, buildModel(stacks));
  });
}

/**
 * The stacks of the cloud assembly in `dir` by stage, as {@link analyze} reads them (the templates
 * whole: parameters and outputs too). Throws AssemblyNotFoundError when there is none.
 */
export function readStages(dir: string): Record<string, StackTemplate[]> {
  return readAssembly(dir) as unknown as Record<string, StackTemplate[]>;
}

/** The hops of a verdict on one line, by name, `>` between them; the one that stops the path last, marked `x`. */
function hopsText(verdict: Verdict): string {
  return verdict.hops.map((h) => (h.ok ? h.hop : `x ${h.hop}`)).join(' > ');
}

/** Where the path shown stops, with why; for a path that gets through, `-`. */
function stopText(verdict: Verdict): string {
  const stop = verdict.hops.find((h) => !h.ok);
  return stop ? `${stop.hop}: ${stop.detail}` : '-';
}

/** One table per environment; a verdict that misses its expectation is marked `MISMATCH`. */
export function formatReport(verdicts: readonly Verdict[]): string {
  const environments = [...new Set(verdicts.map((v) => v.environment))];
  const sections: TableSection[] = environments.map((environment) => {
    const rows = verdicts.filter((v) => v.environment === environment);
    const gaps = [...new Map(rows.flatMap((v) => v.gaps).map((g) => [g.where, g])).values()];
    return {
      title: `reachability, environment ${environment}: ${rows.filter(met).length} of ${rows.length} verdicts as expected`,
      headers: ['question', 'expected', 'verdict', 'paths', 'hops', 'stops at'],
      rows: rows.map((v) => [v.question, v.expected, met(v) ? v.outcome : `${v.outcome} MISMATCH`, `${v.paths.reached}/${v.paths.evaluated}`, hopsText(v), stopText(v)]),
      notes: gaps.map((g) => `unmodelled: ${g.type} at ${g.where}${g.touches.length ? ` (touches ${g.touches.join(', ')})` : ''}`),
    };
  });
  return renderSections(sections);
}
