/**
 * The README's architecture diagram, generated from the configuration.
 *
 *   node -r ts-node/register/transpile-only scripts/diagram/main.ts            print the Mermaid text
 *   node -r ts-node/register/transpile-only scripts/diagram/main.ts --write    replace the block between
 *                                                   <!-- diagram:start --> and <!-- diagram:end --> in README.md
 *   node -r ts-node/register/transpile-only scripts/diagram/main.ts --check    exit 1 if README's block is stale
 *
 * `--readme path` reads/writes another file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { exampleConfig } from '../../lib/config/environments';
import { blockMatches, currentBlock, END_MARKER, replaceBlock, START_MARKER } from './readme';
import { renderDiagram } from './render';

const USAGE = 'usage: scripts/diagram/main.ts [--write | --check] [--readme README.md]';

export function run(argv: readonly string[], io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l) }): number {
  let mode: 'print' | 'write' | 'check' = 'print';
  let readmePath = 'README.md';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--write' || argv[i] === '--check') {
      if (mode !== 'print') return fail(io, `use one of --write and --check\n${USAGE}`, 2);
      mode = argv[i] === '--write' ? 'write' : 'check';
    } else if (argv[i] === '--readme' && argv[i + 1] !== undefined) {
      readmePath = argv[++i];
    } else {
      return fail(io, `unknown argument ${argv[i]}\n${USAGE}`, 2);
    }
  }
  const diagram = renderDiagram(exampleConfig);
  if (mode === 'print') {
    io.out(diagram.trimEnd());
    return 0;
  }
  try {
    const readme = readFileSync(readmePath, 'utf8');
    if (mode === 'write') {
      const updated = replaceBlock(readme, diagram);
      if (updated !== readme) writeFileSync(readmePath, updated);
      io.out(updated === readme ? `${readmePath}: diagram already up to date` : `${readmePath}: diagram updated`);
      return 0;
    }
    if (currentBlock(readme) === undefined) {
      return fail(io, `${readmePath} has no ${START_MARKER} ... ${END_MARKER} markers; add them around the diagram, then run \`npm run diagram -- --write\`.`, 1);
    }
    if (!blockMatches(readme, diagram)) {
      return fail(io, `${readmePath}: the architecture diagram is stale (it differs from lib/config/environments.ts); run \`npm run diagram -- --write\`.`, 1);
    }
    io.out(`${readmePath}: diagram up to date`);
    return 0;
  } catch (error) {
    return fail(io, (error as Error).message, 1);
  }
}

function fail(io: { err: (l: string) => void }, message: string, code: number): number {
  io.err(`error: ${message}`);
  return code;
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
