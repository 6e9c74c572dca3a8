import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { AssetHashType, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { BuildOptions, buildSync } from 'esbuild';

/** Properties of {@link BundledNodeFunction}: a function's, but the code comes from `entry`. */
export interface BundledNodeFunctionProps extends Omit<lambda.FunctionProps, 'code' | 'handler' | 'runtime'> {
  /** The handler's source file (exports `handler`). */
  readonly entry: string;
  /**
   * Modules left out of the bundle, because the Lambda runtime provides them.
   * @default - none: everything the entry imports is bundled
   */
  readonly externalModules?: readonly string[];
}

/**
 * A Node.js 24 function whose code is `entry` bundled by esbuild in this process: one minified
 * CommonJS file, `index.js`, with its source map, which Node.js applies to stack traces
 * (NODE_OPTIONS=--enable-source-maps).
 *
 * Why not NodejsFunction: its bundling runs through AssetStaging, which writes
 * "Bundling asset <path>..." to stderr before every bundling with no option to turn it off
 * (aws/aws-cdk#23092), so `cdk synth -q` was not quiet. Here esbuild's JavaScript API writes the
 * bundle and `Code.fromAsset` stages it as a plain directory asset: nothing is printed unless
 * esbuild reports an error. The bundle is written directly under the assembly's asset directory,
 * where AssetStaging bundles too, so the source map's relative paths, and with them the asset
 * hash, are the ones NodejsFunction produced with the same esbuild options.
 *
 * In a stack the CLI is not deploying (`cdk deploy OtherStack`, or a test that turns bundling
 * off) nothing is bundled: the code is a one-line placeholder, as NodejsFunction does.
 */
export class BundledNodeFunction extends lambda.Function {
  // eslint-disable-next-line awscdk/no-unused-props -- every lambda.FunctionProps field goes on to lambda.Function through the spread, which the rule does not follow
  constructor(scope: Construct, id: string, props: BundledNodeFunctionProps) {
    const bundle = bundleEntry(scope, props.entry, props.externalModules ?? []);
    super(scope, id, {
      ...props,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: bundle.code,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    });
    bundle.bound(this.node.findChild('Code') as s3assets.Asset);
  }
}

/**
 * The esbuild options of every function's bundle (the resolver bench bundles with them too):
 * one minified CommonJS file for Node.js 24 with its source map; esbuild reports errors only.
 */
export function nodeBundleOptions(entry: string, external: readonly string[] = []): BuildOptions {
  return {
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: [...external],
    logLevel: 'error',
  };
}

interface Bundle {
  readonly code: lambda.Code;
  /** Called once the function has staged the code: the build directory is no longer needed. */
  bound(asset: s3assets.Asset): void;
}

/** Build directories of this process, by asset directory and build options: each is built once. */
const BUILT = new Map<string, string>();

function bundleEntry(scope: Construct, entry: string, external: readonly string[]): Bundle {
  const options = nodeBundleOptions(entry, external);
  // The entry relative to the project, so that a checkout elsewhere gets the same placeholder hashes.
  const key = createHash('sha256').update(JSON.stringify({ ...options, entryPoints: [relative(process.cwd(), resolve(entry))] })).digest('hex').slice(0, 16);
  if (!Stack.of(scope).bundlingRequired) {
    // One placeholder for all, under a hash of its own per entry and options, so that assets
    // are told apart (and counted, as the pipeline's publishing steps are) as in a real synth.
    return { code: lambda.Code.fromAsset(placeholderDir(), { assetHash: key, assetHashType: AssetHashType.CUSTOM }), bound: () => {} };
  }
  const assetOutdir = Stage.of(scope)!.assetOutdir;
  const memo = `${assetOutdir}\0${key}`;
  const built = BUILT.get(memo);
  // Every function of this entry in this assembly stages the same build directory: AssetStaging
  // caches by source path and assembly, so the second and later ones neither hash nor copy it
  // (at platform scale, hundreds of functions share a handful of entries).
  if (built !== undefined && existsSync(built)) return { code: lambda.Code.fromAsset(built), bound: () => {} };
  const buildDir = join(assetOutdir, `bundling-temp-node-${key}`);
  rmSync(buildDir, { recursive: true, force: true });
  buildSync({ ...options, outfile: join(buildDir, 'index.js') });
  BUILT.set(memo, buildDir);
  return {
    code: lambda.Code.fromAsset(buildDir),
    bound(asset) {
      // With asset staging turned off (SAM's local tooling) the build directory is the asset.
      if (resolve(Stage.of(scope)!.outdir, asset.assetPath) === resolve(buildDir)) return;
      // Removed once every construct exists and has staged its copy (validation runs after the
      // tree is built, before templates are written), so the assembly holds staged assets only.
      asset.node.addValidation({
        validate: () => {
          rmSync(buildDir, { recursive: true, force: true });
          BUILT.delete(memo);
          return [];
        },
      });
    },
  };
}

let placeholder: string | undefined;
/** One directory per process with a stub `index.js`: the code of a function nothing deploys. */
function placeholderDir(): string {
  if (placeholder === undefined || !existsSync(placeholder)) {
    placeholder = mkdtempSync(join(tmpdir(), 'bundling-skipped-'));
    writeFileSync(join(placeholder, 'index.js'), '// not bundled: the stack is not being deployed\n');
  }
  return placeholder;
}
