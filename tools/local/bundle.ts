/**
 * esbuild bundles of the runtimes the local stack runs as their own processes and threads: each
 * API's service (`src/main.ts` of its runtime folder, as its Dockerfile builds `dist/main.js`) and
 * each API's resolver (its Lambda entry with the worker glue of ./resolver-worker.ts). Bundled,
 * they start in milliseconds without a TypeScript loader, in `npm start` and under jest alike.
 */
import { build } from 'esbuild';
import { REPO_ROOT } from './paths';

/**
 * Bundles `source` (a file, or TypeScript text whose imports resolve from the repository root) to
 * `outfile`: one CommonJS file for the Node.js running this (not the deployed node24 target: the
 * bundle runs here), not minified so that stack traces read as the source.
 */
export async function bundle(source: { readonly entry: string } | { readonly contents: string; readonly name: string }, outfile: string): Promise<string> {
  await build({
    ...('entry' in source
      ? { entryPoints: [source.entry] }
      : { stdin: { contents: source.contents, resolveDir: REPO_ROOT, sourcefile: source.name, loader: 'ts' as const } }),
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    sourcemap: 'inline',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
