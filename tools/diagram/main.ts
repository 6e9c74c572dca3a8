/**
 * The README's architecture diagram, generated from the configuration.
 *
 *   node -r ts-node/register/transpile-only tools/diagram/main.ts            print the Mermaid text
 *   node -r ts-node/register/transpile-only tools/diagram/main.ts --write    replace the block between
 *                                                   <!-- diagram:start --> and <!-- diagram:end --> in README.md
 *   node -r ts-node/register/transpile-only tools/diagram/main.ts --check    exit 1 if README's block is stale
 *
 * `--readme path` reads/writes another file; `--config FILE` draws a JSON configuration instead of the example.
 * The block is the `diagram` block of `npm run docs`, written and checked the same way (tools/shared/blocks.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../lib/config/load';
import { CONFIG_OPTION, CONFIG_USAGE, parseCommandLine, runScript, STDIO, UsageError } from '../shared/cli';
import { fenced, markers, withBlocks } from '../shared/blocks';
import { renderDiagram } from './render';

const USAGE = `usage: tools/diagram/main.ts [--write | --check] [--readme README.md] [--config FILE]\n  ${CONFIG_USAGE}`;

export function run(argv: readonly string[], io = STDIO): number {
  return runScript(io, () => {
    const flag = { type: 'boolean', default: false } as const;
    const options = { write: flag, check: flag, readme: { type: 'string', default: 'README.md' }, ...CONFIG_OPTION } as const;
    const { values } = parseCommandLine({ args: [...argv], options }, USAGE);
    if (values.write && values.check) throw new UsageError(`use one of --write and --check\n${USAGE}`);
    const diagram = renderDiagram(loadConfig(values.config));
    if (!values.write && !values.check) return io.out(diagram.trimEnd());
    const path = values.readme;
    const readme = readFileSync(path, 'utf8');
    const { text, found, stale } = withBlocks(readme, [{ name: 'diagram', content: fenced('mermaid', diagram) }], path);
    if (found.length === 0) {
      const { start, end } = markers('diagram');
      throw new Error(`${path} has no ${start} ... ${end} markers; add them around the diagram, then run \`npm run diagram -- --write\`.`);
    }
    if (stale.length > 0 && values.check) {
      throw new Error(`${path}: the architecture diagram is stale (it differs from lib/config/environments.ts); run \`npm run diagram -- --write\`.`);
    }
    if (text !== readme && values.write) writeFileSync(path, text);
    io.out(`${path}: diagram ${values.check ? 'up to date' : text === readme ? 'already up to date' : 'updated'}`);
  });
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
