/**
 * Prints what `npm run validate` checked: per plugin, its conclusion and the number of
 * acknowledged and unacknowledged findings, from the validation report of the given cloud
 * assembly. (cdk-nag does not expose how many rules a pack holds, so no rule count is printed.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, runScript, STDIO } from '../shared/cli';
import { renderTable } from '../shared/table';

interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly unknown[];
  readonly suppressedViolations?: readonly unknown[];
}

/** Prints the summary; 0 when every plugin succeeded, 1 otherwise or without a report. */
export function run(outdir: string, io = STDIO): number {
  const reportFile = join(outdir, 'validation-report.json');
  if (!existsSync(reportFile)) {
    io.err(`${reportFile} not found: run \`npx cdk synth -c compliance=full -o ${outdir}\` first.`);
    return 1;
  }
  const { pluginReports } = JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: PluginReport[] };
  const rows = pluginReports.map((p) => [p.pluginName, p.conclusion, p.suppressedViolations?.length ?? 0, p.violations.length]);
  io.out(renderTable(['plugin', 'conclusion', 'acknowledged', 'unacknowledged findings'], rows));
  return pluginReports.every((p) => p.conclusion === 'success') ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = runScript(STDIO, () => {
    const { positionals } = parseCommandLine({ allowPositionals: true, options: {} }, 'usage: tools/validate/summary.ts [cdk.out.validate]');
    return run(positionals[0] ?? 'cdk.out.validate');
  });
}
