/**
 * Helpers shared by the reachability tests: template mutations (one wrong hop each) and verdict
 * look-ups that fail loudly when a derived question is missing.
 */
import { StackTemplate } from '../../../tools/access-sim/intrinsics';
import { Verdict } from '../../../tools/reachability/questions';

export type Stages = Record<string, StackTemplate[]>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A deep copy of `stages` with `edit` applied to the template of the stack whose path ends with `stackPath` in `stage`. */
export function mutated(stages: Stages, stage: string, stackPath: string, edit: (template: Json) => void): Stages {
  const copy: Stages = JSON.parse(JSON.stringify(stages));
  const stack = copy[stage]?.find((s) => s.path.endsWith(stackPath));
  if (!stack) throw new Error(`no stack ${stackPath} in stage ${stage}`);
  edit(stack.template);
  return copy;
}

/** The resources of a template of `type`, with their logical ids. */
export function resources(template: Json, type: string): [string, Json][] {
  return Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === type);
}

/** The verdict of `question` in `environment`; throws when there is none (the questions are derived, a rename must fail loudly). */
export function verdictOf(verdicts: readonly Verdict[], environment: string, question: string): Verdict {
  const found = verdicts.find((v) => v.environment === environment && v.question === question);
  if (!found) throw new Error(`no verdict "${question}" in ${environment}: ${verdicts.filter((v) => v.environment === environment).map((v) => v.question).join('; ')}`);
  return found;
}
