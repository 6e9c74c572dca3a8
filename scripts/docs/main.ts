/**
 * Everything in the repository that is computed from the configuration, written by one command:
 *
 *   npm run docs                  list what is generated and whether it is up to date (exit 1 if stale)
 *   npm run docs -- --write       regenerate it
 *
 * test/scripts/docs.test.ts fails when anything differs from this script's output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exampleConfig } from '../../lib/config/environments';
import { configJsonSchema } from '../../lib/config/schema';
import { AppConfig } from '../../lib/config/types';

/** Where the repository is, so the script works from any directory. */
export const ROOT = join(__dirname, '..', '..');

/** A generated file: its path from the repository root and its whole content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The generated files: the JSON Schema editors use, and the example configuration as JSON (the
 * same values as lib/config/environments.ts, so a JSON user starts from what the tests check).
 */
export function generatedFiles(config: AppConfig = exampleConfig): GeneratedFile[] {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return [
    { path: 'config/config.schema.json', content: json(configJsonSchema()) },
    { path: 'config/example.json', content: json({ $schema: './config.schema.json', ...config }) },
  ];
}

/** Paths whose content differs from the generator's. */
export function staleFiles(files: readonly GeneratedFile[], root = ROOT): string[] {
  return files.filter((f) => readOr(join(root, f.path)) !== f.content).map((f) => f.path);
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function run(argv: readonly string[], io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l) }): number {
  let write: boolean;
  try {
    ({ values: { write } } = parseArgs({ args: [...argv], options: { write: { type: 'boolean', default: false } }, strict: true }));
  } catch (error) {
    io.err(`error: ${(error as Error).message}\nusage: npm run docs [-- --write]`);
    return 2;
  }
  const files = generatedFiles();
  const stale = staleFiles(files);
  if (write) {
    for (const file of files.filter((f) => stale.includes(f.path))) writeFileSync(join(ROOT, file.path), file.content);
  }
  for (const file of files) io.out(`${file.path}: ${!stale.includes(file.path) ? 'up to date' : write ? 'updated' : 'STALE'}`);
  if (!write && stale.length > 0) {
    io.err('error: generated content is stale; run `npm run docs -- --write`.');
    return 1;
  }
  return 0;
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
