import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleConfig } from '../../lib/config/environments';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { ConfigError, ConfigValidationError } from '../../lib/config/errors';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE_JSON = readFileSync(join(ROOT, 'config', 'example.json'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
/** Environments by name, not position: adding one to the example changes no test. */
const PROD = exampleConfig.environments.findIndex((e) => e.name === 'prod');

/** The example JSON as an object, changed by `edit`, as text. */
function jsonWith(edit: (c: any) => void): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = JSON.parse(EXAMPLE_JSON);
  edit(config);
  return JSON.stringify(config, null, 2);
}

/** The error `parseConfig` throws for `text` (the test fails if it throws none). */
function errorFor(text: string): ConfigError {
  try {
    parseConfig(text, 'my-config.json');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function problemsFor(edit: (c: any) => void) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const error = errorFor(jsonWith(edit));
  expect(error).toBeInstanceOf(ConfigValidationError);
  return (error as ConfigValidationError).problems;
}

describe('loadConfig', () => {
  test('without a file: the typed example', () => {
    expect(loadConfig()).toBe(exampleConfig);
  });

  test('config/example.json is the typed example, and references the schema for editors', () => {
    expect(loadConfig(join(ROOT, 'config', 'example.json'))).toEqual(exampleConfig);
    expect(JSON.parse(EXAMPLE_JSON).$schema).toBe('./config.schema.json');
  });

  test('a missing file names the path', () => {
    expect(() => loadConfig(join(dir, 'nope.json'))).toThrow(new ConfigError(`Configuration file ${join(dir, 'nope.json')}: no such file. Pass the path of a JSON configuration (see config/example.json), or omit the option to use lib/config/environments.ts.`));
  });

  test('a trailing comma names file, line and column, and the fix', () => {
    const text = EXAMPLE_JSON.replace('"branch": "main"', '"branch": "main",');
    const line = text.slice(0, text.indexOf('"branch": "main",')).split('\n').length + 1;
    expect(errorFor(text).message).toBe(`my-config.json:${line}:3: JSON syntax error: property name expected; remove the trailing comma (JSON allows none). Nothing was synthesized.`);
  });

  test('other syntax errors name line and column too', () => {
    expect(errorFor('{\n  "region": eu-west-1\n}').message).toMatch(/^my-config\.json:2:13: JSON syntax error: invalid symbol; JSON needs double-quoted/);
    expect(errorFor('{\n  // a comment\n}').message).toMatch(/^my-config\.json:2:3: JSON syntax error: invalid comment token;/);
    expect(errorFor('').message).toMatch(/^my-config\.json:1:1: JSON syntax error: value expected;/);
  });

  test('a misspelt top-level key: the unknown key with "did you mean", and the missing one', () => {
    const problems = problemsFor((c) => {
      c.acounts = c.accounts;
      delete c.accounts;
    });
    expect(problems).toEqual([
      { field: 'accounts', value: undefined, fix: 'add this key (object).' },
      { field: 'acounts', value: exampleConfig.accounts, fix: 'unknown key; did you mean "accounts"?' },
    ]);
  });

  test('an unknown key beside the right ones is refused, listing the keys allowed there', () => {
    expect(problemsFor((c) => (c.environments[0].consumers[0].colour = 'blue'))).toEqual([
      { field: 'environments[dev].consumers[0].colour', value: 'blue', fix: 'unknown key; the keys allowed here are "name", "account", "cidr", "calls", "graphqlAuth", "apiKeys".' },
    ]);
  });

  test('a misspelt optional key is caught (it would otherwise be a silent default)', () => {
    expect(problemsFor((c) => (c.environments[PROD].requireAproval = true))).toEqual([
      { field: 'environments[prod].requireAproval', value: true, fix: 'unknown key; did you mean "requireApproval"?' },
    ]);
  });

  test('wrong types, enum values and union variants name the field and what is expected', () => {
    const problems = problemsFor((c) => {
      c.environments[0].apis[0].service.desiredCount = '2';
      c.environments[0].apis[0].service.architecture = 'arm64';
      c.environments[PROD].transitGateway = { mode: 'imported' };
      c.availabilityZones = 'eu-west-1a';
    });
    expect(problems).toEqual(expect.arrayContaining([
      { field: 'environments[dev].apis[0].service.desiredCount', value: '2', fix: 'expected number, got a string.' },
      { field: 'environments[dev].apis[0].service.architecture', value: 'arm64', fix: 'use one of "ARM64", "X86_64".' },
      { field: 'environments[prod].transitGateway.mode', value: 'imported', fix: 'use one of "create", "import".' },
      { field: 'availabilityZones', value: 'eu-west-1a', fix: 'expected array, got a string.' },
    ]));
    expect(problems).toHaveLength(4);
  });

  test('shape and meaning are reported together: every problem at once', () => {
    const problems = problemsFor((c) => {
      c.acounts = c.accounts;
      delete c.accounts;
      c.region = 'us-east-9';
      c.environments[0].consumers[0].cidr = c.environments[0].apis[0].cidr;
    });
    expect(problems.map((p) => p.field)).toEqual(['accounts', 'acounts', 'region', 'environments[dev].consumers[0].cidr']);
    expect(problems[2].fix).toBe('not a region aws-cdk-lib knows; did you mean "us-east-1"?');
  });

  test('a replaced value never speaks for the user: no problem derived from the stand-in', () => {
    // desiredCount is refused; prod's minCapacity (3) is fine beside the user's 3 but not beside the example's 2.
    expect(problemsFor((c) => (c.environments[PROD].apis[0].service.desiredCount = '3')).map((p) => p.field)).toEqual(['environments[prod].apis[0].service.desiredCount']);
  });

  test.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
  ])('a region of another partition (%s) is refused, saying so', (region, partition) => {
    const problems = problemsFor((c) => {
      c.region = region;
      c.availabilityZones = [`${region}a`, `${region}b`];
      c.pipeline.connectionArn = c.pipeline.connectionArn.replace('arn:aws:codeconnections:eu-west-1', `arn:${partition}:codeconnections:${region}`);
    });
    expect(problems).toEqual([
      expect.objectContaining({ field: 'region', value: region, fix: expect.stringContaining(`is in the "${partition}" partition; this design is built and checked for the "aws" partition only`) }),
    ]);
  });

  test('semantic problems of a well-shaped file: duplicates and overlaps', () => {
    const problems = problemsFor((c) => {
      c.environments[PROD].name = 'dev';
      c.environments[0].consumers[0].cidr = '10.10.0.0/19';
    });
    expect(problems.map((p) => p.field)).toEqual([`environments[${PROD}].name`, 'environments[dev].consumers[0].cidr']);
  });
});

describe('bin/app.ts with a bad configuration file', () => {
  test('prints the problems without a stack trace, exits non-zero and writes no cloud assembly', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, jsonWith((c) => (c.region = 'us-east-9')));
    const outdir = join(dir, 'cdk.out');
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: file }), CDK_OUTDIR: outdir },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration (1 problem); nothing was synthesized:\n  - region = "us-east-9": not a region aws-cdk-lib knows; did you mean "us-east-1"?');
    expect(existsSync(outdir)).toBe(false);
  });
});
