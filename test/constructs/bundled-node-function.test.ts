import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { buildSync } from 'esbuild';
import { BundledNodeFunction } from '../../lib/constructs/bundled-node-function';
import { bareStack } from '../helpers';

jest.mock('esbuild', () => {
  const actual = jest.requireActual('esbuild');
  return { ...actual, buildSync: jest.fn(actual.buildSync) };
});
const build = jest.mocked(buildSync);

const RESOLVER_SRC = join(__dirname, '..', '..', 'lib', 'runtime', 'graphql-resolver', 'src');
const CHECK = join(RESOLVER_SRC, 'healthcheck.ts');
const GATE = join(RESOLVER_SRC, 'healthcheck-gate-lambda.ts');

/** The staged directory of a function's code. */
function assetDir(fn: BundledNodeFunction): string {
  return resolve(Stage.of(fn)!.outdir, (fn.node.findChild('Code') as s3assets.Asset).assetPath);
}

describe('BundledNodeFunction, bundling', () => {
  const stack = bareStack(undefined, undefined, { bundling: true });
  build.mockClear();
  const check = new BundledNodeFunction(stack, 'Check', { entry: CHECK });
  const checkAgain = new BundledNodeFunction(stack, 'CheckAgain', { entry: CHECK });
  const gate = new BundledNodeFunction(stack, 'Gate', { entry: GATE, externalModules: ['@aws-sdk/*'] });
  const builds = build.mock.calls.length;
  const template = Template.fromStack(stack);
  const outdir = Stage.of(stack)!.assetOutdir;

  test('the code is one index.js exporting handler, with its source map, and Node.js applies the map', () => {
    const dir = assetDir(check);
    expect(readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof require(join(dir, 'index.js')).handler).toBe('function');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  test('the source map names its sources relative to the bundle: no path of the build machine in the deployed code', () => {
    const sources: string[] = JSON.parse(readFileSync(join(assetDir(check), 'index.js.map'), 'utf8')).sources;
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((s) => s.startsWith('/'))).toEqual([]);
    expect(sources.some((s) => s.endsWith('lib/runtime/graphql-resolver/src/healthcheck.ts'))).toBe(true);
  });

  test('one entry is bundled once per assembly: the second function stages the same asset', () => {
    expect(builds).toBe(2);
    expect(assetDir(checkAgain)).toBe(assetDir(check));
  });

  test('external modules stay out of the bundle (the runtime has them); without them everything is bundled', () => {
    expect(readFileSync(join(assetDir(gate), 'index.js'), 'utf8')).toMatch(/require\("@aws-sdk\/client-lambda"\)/);
    expect(readFileSync(join(assetDir(check), 'index.js'), 'utf8')).not.toMatch(/require\("@aws-sdk\//);
  });

  test('no build directory is left in the assembly, only staged assets', () => {
    expect(readdirSync(outdir).filter((name) => name.startsWith('bundling-temp'))).toEqual([]);
    expect(readdirSync(outdir).filter((name) => name.startsWith('asset.'))).toHaveLength(2);
  });
});

describe('BundledNodeFunction in a stack that is not being deployed', () => {
  test('nothing is bundled: the code is a placeholder, and the template has the same shape', () => {
    const stack = bareStack(); // bundling off, as `cdk deploy OtherStack` leaves this stack
    build.mockClear();
    const check = new BundledNodeFunction(stack, 'Check', { entry: CHECK });
    expect(build).not.toHaveBeenCalled();
    const dir = assetDir(check);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toMatch(/not bundled/);
    expect(existsSync(join(dir, 'index.js.map'))).toBe(false);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Code: { S3Key: Match.stringLikeRegexp('\\.zip$') } });
  });
});
