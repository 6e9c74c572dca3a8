/**
 * The README's architecture diagram, generated from the configuration.
 *
 *   node -r ts-node/register/transpile-only scripts/diagram/main.ts            print the Mermaid text
 *   node -r ts-node/register/transpile-only scripts/diagram/main.ts --write    replace the block between
 *                                                   <!-- diagram:start --> and <!-- diagram:end --> in README.md
 *   node -r ts-node/register/transpile-only scripts/diagram/main.ts --check    exit 1 if README's block is stale
 *
 * `--readme path` reads/writes another file; `--config FILE` draws a JSON configuration instead of the example.
 * The block is the `diagram` block of `npm run docs`, written and checked the same way (scripts/docs/blocks.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIG_OPTION, CONFIG_USAGE, configOrExit, parseCommandLine, UsageError } from '../cli';
import { blockRanges, fenced, markers, withBlocks } from '../docs/blocks';
import { renderDiagram } from './render';

const USAGE = `usage: scripts/diagram/main.ts [--write | --check] [--readme README.md] [--config FILE]\n  ${CONFIG_USAGE}`;

export function run(argv: readonly string[], io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l) }): number {
  try {
    const { values } = parseCommandLine(
      {
        args: [...argv],
        options: { write: { type: 'boolean', default: false }, check: { type: 'boolean', default: false }, readme: { type: 'string', default: 'README.md' }, ...CONFIG_OPTION },
      },
      USAGE,
    );
    if (values.write && values.check) throw new UsageError(`use one of --write and --check\n${USAGE}`);
    const diagram = renderDiagram(configOrExit(values.config));
    if (!values.write && !values.check) {
      io.out(diagram.trimEnd());
      return 0;
    }
    const readmePath = values.readme;
    const readme = readFileSync(readmePath, 'utf8');
    const block = { name: 'diagram', content: fenced('mermaid', diagram) };
    const ranges = blockRanges(readme, block.name, readmePath);
    if (ranges.length === 0) {
      const { start, end } = markers(block.name);
      throw new Error(`${readmePath} has no ${start} ... ${end} markers; add them around the diagram, then run \`npm run diagram -- --write\`.`);
    }
    if (values.write) {
      const updated = withBlocks(readme, [block], readmePath);
      if (updated !== readme) writeFileSync(readmePath, updated);
      io.out(updated === readme ? `${readmePath}: diagram already up to date` : `${readmePath}: diagram updated`);
    } else if (ranges.some(([start, end]) => readme.slice(start, end) !== block.content)) {
      throw new Error(`${readmePath}: the architecture diagram is stale (it differs from lib/config/environments.ts); run \`npm run diagram -- --write\`.`);
    } else {
      io.out(`${readmePath}: diagram up to date`);
    }
    return 0;
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
