/**
 * The reachability analysis of a synthesized app: what the network lets through, evaluated hop by
 * hop from the templates, for every question the configuration's access matrix asks.
 *
 *   npm run reachability -- [--assembly cdk.out] [--config FILE]
 *
 * Prints one table per environment; exit 0 when every verdict is as expected, 1 when a path the
 * matrix allows is blocked, one it denies is open, or a path crosses a resource the model does not
 * read (reported, never assumed), 2 on a command-line mistake or an assembly it cannot read.
 * See tools/reachability/README.md for what is modelled.
 */
import { CONFIG_OPTION, CONFIG_USAGE, parseCommandLine, runScript, STDIO, UsageError } from '../shared/cli';
import { AssemblyNotFoundError } from '../shared/assembly';
import { loadConfig } from '../../lib/config/load';
import { AppConfig } from '../../lib/config/types';
import { StackTemplate } from '../access-sim/intrinsics';
import { analyze, AssemblyMismatchError, formatReport, readStages } from './analyze';
import { met } from './questions';

const USAGE = `usage: npm run reachability -- [--assembly DIR] [--config FILE]
  --assembly DIR  the cloud assembly to analyse (default: cdk.out, as \`npx cdk synth\` writes it)
  ${CONFIG_USAGE}`;

/** Runs the CLI; returns the exit code. */
export function run(argv: readonly string[], io = STDIO): number {
  return runScript(io, () => {
    const { values } = parseCommandLine({ args: [...argv], options: { assembly: { type: 'string', default: 'cdk.out' }, ...CONFIG_OPTION } }, USAGE);
    return report(loadConfig(values.config), values.assembly, io);
  });
}

/**
 * The analysis of the assembly in `assembly` against `config`, printed; returns the exit code
 * (throws UsageError on an assembly it cannot read). tools/validate/variant.ts calls it with a
 * variant's configuration, which has no file of its own.
 */
export function report(config: AppConfig, assembly: string, io = STDIO): number {
  let stages: Record<string, StackTemplate[]>;
  try {
    stages = readStages(assembly);
  } catch (error) {
    if (error instanceof AssemblyNotFoundError) throw new UsageError(error.message);
    throw new UsageError(`cannot read the cloud assembly at ${assembly}: ${(error as Error).message}`);
  }
  let verdicts;
  try {
    verdicts = analyze(config, stages);
  } catch (error) {
    if (error instanceof AssemblyMismatchError) throw new UsageError(error.message);
    throw new UsageError(`cannot analyse the cloud assembly at ${assembly}: ${(error as Error).message}`);
  }
  io.out(formatReport(verdicts));
  const misses = verdicts.filter((v) => !met(v));
  io.out('');
  io.out(misses.length === 0
    ? `every verdict as expected (${verdicts.length})`
    : `${misses.length} of ${verdicts.length} verdicts not as expected: ${misses.map((v) => `${v.environment}: ${v.question} (${v.outcome}${v.stoppedAt ? `, stops at ${v.stoppedAt}` : ''})`).join('; ')}`);
  return misses.length === 0 ? 0 : 1;
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
