import { ConfigProblem, ReportProblem } from '../../../lib/config/errors';
import { exampleConfig } from '../../../lib/config/environments';
import { AppConfig } from '../../../lib/config/types';

/** A deep, writable copy of the example configuration for a test to bend. */
type Editable = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The problems one rule reports for the example configuration changed by `edit`. */
export function problemsOf(rule: (config: AppConfig, report: ReportProblem) => void, edit: (c: Editable) => void): ConfigProblem[] {
  const config = structuredClone(exampleConfig) as Editable;
  edit(config);
  const problems: ConfigProblem[] = [];
  rule(config as AppConfig, (field, value, fix) => problems.push({ field, value, fix }));
  return problems;
}

/** A problem at `field` whose fix matches `fix`. */
export const problemAt = (field: string, fix: RegExp) => expect.objectContaining({ field, fix: expect.stringMatching(fix) });
