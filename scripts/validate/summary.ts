/**
 * Prints what `npm run validate` checked: per plugin, the rules in its pack, its conclusion and
 * the number of unacknowledged findings, from the validation report of the given cloud assembly.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseCommandLine } from '../cli';

interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly unknown[];
}

/** Rules registered by a cdk-nag pack (counted in its compiled source). */
function nagRuleCount(packFile: string): number {
  const source = readFileSync(join(dirname(require.resolve('cdk-nag')), 'packs', packFile), 'utf8');
  return (source.match(/this\.applyRule\(/g) ?? []).length;
}

/** Guard rule files bundled with the cfn-guard validator (Control Tower proactive controls). */
function guardRuleCount(): number {
  const root = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules');
  const walk = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.guard') ? 1 : 0), 0);
  return walk(root);
}

let outdir: string;
try {
  const { positionals } = parseCommandLine({ allowPositionals: true, options: {} }, 'usage: scripts/validate/summary.ts [cdk.out.validate]');
  outdir = positionals[0] ?? 'cdk.out.validate';
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
}
const reportFile = join(outdir, 'validation-report.json');
if (!existsSync(reportFile)) {
  console.error(`${reportFile} not found: run \`npx cdk synth -c compliance=full -o ${outdir}\` first.`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: PluginReport[] };
const rules: Record<string, number> = {
  AwsSolutions: nagRuleCount('aws-solutions.js'),
  'NIST.800.53.R5': nagRuleCount('nist-800-53-r5.js'),
  'cdk-validator-cfnguard': guardRuleCount(),
};
console.log('plugin                    rules  conclusion  unacknowledged findings');
for (const plugin of report.pluginReports) {
  console.log(`${plugin.pluginName.padEnd(25)} ${String(rules[plugin.pluginName] ?? '?').padStart(5)}  ${plugin.conclusion.padEnd(10)}  ${plugin.violations.length}`);
}
const failed = report.pluginReports.filter((p) => p.conclusion !== 'success');
process.exit(failed.length === 0 ? 0 : 1);
