/**
 * Synthesizes a variant of the example configuration (variants.ts) with every rule pack
 * `npm run validate` runs on the example (AwsSolutions, NIST 800-53 R5, cfn-guard), writes its
 * cloud assembly to --out, prints the findings summary and the reachability analysis of that
 * assembly; exit 0 when no finding is unacknowledged and every verdict is as expected.
 *
 *   node -r ts-node/register/transpile-only tools/validate/variant.ts --variant lattice --out cdk.out.validate-lattice
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../lib/app';
import { exampleConfig } from '../../lib/config/environments';
import { assertValidConfig } from '../../lib/config/validate';
import { parseCommandLine, runScript, STDIO, UsageError } from '../shared/cli';
import { report as reachabilityReport } from '../reachability/main';
import { run as summary } from './summary';
import { VARIANTS, VariantName } from './variants';

const USAGE = `usage: tools/validate/variant.ts --variant ${Object.keys(VARIANTS).join('|')} --out DIR`;

export function run(variant: VariantName, outdir: string, io = STDIO): number {
  const config = VARIANTS[variant](exampleConfig);
  assertValidConfig(config);
  const context = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  io.out(`variant ${variant}:`);
  try {
    buildApp(config, { outdir, context }, 'full').app.synth();
  } catch (error) {
    // A finding fails the synth after the report is written: the summary below says which.
    io.err((error as Error).message);
  }
  const findings = summary(outdir, io);
  // The variant's network, hop by hop, against the variant's own configuration (it has no file
  // that `npm run reachability -- --config` could read).
  const reachability = reachabilityReport(config, outdir, io);
  return findings !== 0 ? findings : reachability;
}

if (require.main === module) {
  process.exitCode = runScript(STDIO, () => {
    const { values } = parseCommandLine({ options: { variant: { type: 'string' }, out: { type: 'string' } } }, USAGE);
    if (!values.variant || !(values.variant in VARIANTS)) throw new UsageError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}\n${USAGE}`);
    return run(values.variant as VariantName, values.out ?? `cdk.out.validate-${values.variant}`);
  });
}
