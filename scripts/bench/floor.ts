/**
 * The "floor" for synth timings: the same CDK app, precompiled to one JavaScript file with esbuild,
 * so running it costs no TypeScript compilation at all.
 *
 * - `bin/app.ts` is bundled (CJS, platform node, target node20) with `packages: 'external'`:
 *   aws-cdk-lib, constructs, cdk-nag and source-map-support are still loaded from node_modules,
 *   exactly as under ts-node. A `node_modules` symlink next to the bundle makes them resolvable
 *   from the temporary directory.
 * - Bundling would change every `__dirname` to the bundle's directory, but lib/ resolves asset
 *   directories relative to its own files (`path.join(__dirname, '..', 'runtime', ...)` for the
 *   api-service Docker asset, the resolver's entry files and schema.graphql). An onLoad plugin
 *   replaces each `__dirname` with the original source directory as a string literal, so the
 *   floor stages exactly the same asset sources (and NodejsFunction finds the same lock file).
 */
import { build, Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { symlinkSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** Replaces free `__dirname` identifiers (not property accesses like `x.__dirname`) with a string literal. */
export function rewriteDirname(source: string, dir: string): string {
  return source.replace(/(?<![.\w$])__dirname(?![\w$])/g, JSON.stringify(dir));
}

/** esbuild plugin applying {@link rewriteDirname} to every TypeScript file outside node_modules. */
export function keepDirnamePlugin(): Plugin {
  return {
    name: 'keep-source-dirname',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        return { contents: rewriteDirname(source, dirname(args.path)), loader: 'ts' };
      });
    },
  };
}

export interface FloorBuild {
  /** The compiled entry point: run it with `node <appJs>`. */
  readonly appJs: string;
  /** lib/app.ts compiled alone (buildApp, no synth), for timing module loading only. */
  readonly libAppJs: string;
  readonly buildMs: number;
  /** Size of the bin/app.js bundle. */
  readonly bytes: number;
}

/**
 * Compiles `<repoRoot>/bin/app.ts` into `<outDir>/bin/app.js` (and lib/app.ts into
 * `<outDir>/lib/app.js`, a separate bundle) and links `<outDir>/node_modules`.
 */
export async function buildFloor(repoRoot: string, outDir: string): Promise<FloorBuild> {
  const appJs = join(outDir, 'bin', 'app.js');
  const libAppJs = join(outDir, 'lib', 'app.js');
  const started = process.hrtime.bigint();
  const result = await build({
    entryPoints: { 'bin/app': join(repoRoot, 'bin', 'app.ts'), 'lib/app': join(repoRoot, 'lib', 'app.ts') },
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    tsconfig: join(repoRoot, 'tsconfig.json'),
    plugins: [keepDirnamePlugin()],
    logLevel: 'silent',
    metafile: true,
  });
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  const bytes = Object.entries(result.metafile?.outputs ?? {})
    .filter(([file]) => file.endsWith(join('bin', 'app.js')))
    .reduce((n, [, o]) => n + o.bytes, 0);
  return { appJs, libAppJs, buildMs, bytes };
}
