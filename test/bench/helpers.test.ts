/**
 * Unit tests for the pure helpers of scripts/bench (the benchmark itself is run with `npm run bench`,
 * never from jest: it is slow and its numbers depend on the machine).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleConfig } from '../../lib/config/environments';
import { validateConfig } from '../../lib/config/validate';
import { DEFAULT_OPTIONS, SECTIONS, UsageError, parseArgs } from '../../scripts/bench/args';
import { compareAssemblies, readAssemblyStacks } from '../../scripts/bench/assembly';
import { MAX_CONSUMERS, configWithConsumers, consumerCidr } from '../../scripts/bench/consumers-config';
import { CLI_CONTEXT, mergeContext } from '../../scripts/bench/context';
import { rewriteDirname } from '../../scripts/bench/floor';
import { parseTimeOutput } from '../../scripts/bench/proc';
import { formatKib, formatRatio, median, percentile, range, ratio, round } from '../../scripts/bench/stats';
import { shellWord } from '../../scripts/bench/synth';

describe('stats', () => {
  test('median of odd and even counts, ignoring non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 5, Infinity])).toBe(5);
    expect(median([])).toBeNaN();
  });

  test('nearest-rank percentile', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  test('range, ratio, round and formatting', () => {
    expect(range([2, 9, 4])).toEqual({ min: 2, max: 9 });
    expect(range([])).toEqual({ min: NaN, max: NaN });
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(NaN)).toBeNaN();
    expect(formatKib(512 * 1024)).toBe('512 MiB');
    expect(formatKib(undefined)).toBe('n/a');
    expect(formatRatio(1.234)).toBe('1.23x');
  });
});

describe('parseArgs', () => {
  test('defaults', () => {
    expect(parseArgs([])).toEqual(DEFAULT_OPTIONS);
    expect(parseArgs([]).sections).toEqual(SECTIONS);
  });

  test('values in both forms, --skip-tests and --only', () => {
    const o = parseArgs(['--runs', '5', '--duration=3', '--skip-tests', '--consumers', '20,1,5,5']);
    expect(o.runs).toBe(5);
    expect(o.duration).toBe(3);
    expect(o.consumers).toEqual([1, 5, 20]);
    expect(o.sections).toEqual(['synth', 'http', 'resolver', 'scale']);
    expect(parseArgs(['--only', 'http,tests', '--skip-tests']).sections).toEqual(['http']);
    expect(parseArgs(['--only=scale,synth']).sections).toEqual(['synth', 'scale']);
  });

  test.each([
    [['--runs', '0']],
    [['--runs', 'abc']],
    [['--runs']],
    [['--runs', '--skip-tests']],
    [['--only', 'nope']],
    [['--consumers', '1,x']],
    [['--wat']],
    [['--skip-tests=1']],
  ])('rejects %j', (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });
});

describe('consumer configs for the scaling section', () => {
  test('consecutive, disjoint /20 blocks from 10.20.0.0', () => {
    expect(consumerCidr(0)).toBe('10.20.0.0/20');
    expect(consumerCidr(1)).toBe('10.20.16.0/20');
    expect(consumerCidr(15)).toBe('10.20.240.0/20');
    expect(consumerCidr(16)).toBe('10.21.0.0/20');
    expect(() => consumerCidr(MAX_CONSUMERS)).toThrow(RangeError);
  });

  test.each([1, 5, 20, 40])('%i consumers: one environment, valid configuration', (n) => {
    const config = configWithConsumers(exampleConfig, n);
    expect(config.environments).toHaveLength(1);
    expect(config.environments[0].name).toBe(exampleConfig.environments[0].name);
    expect(config.environments[0].consumers).toHaveLength(n);
    expect(validateConfig(config)).toEqual([]);
    // JSON round trip: the file handed to the app through `-c config=...` must be the same config.
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });
});

describe('CDK context like the CLI passes it', () => {
  test('cdk.json, then cdk.context.json, then the CLI keys, then extra', () => {
    const merged = mergeContext({ a: 1, b: 1 }, { b: 2 }, { config: '/x.json' });
    expect(merged).toMatchObject({ a: 1, b: 2, config: '/x.json', ...CLI_CONTEXT });
    expect(merged['aws:cdk:bundling-stacks']).toEqual(['**']);
  });
});

describe('floor build', () => {
  test('rewriteDirname replaces free __dirname only', () => {
    const src = "const a = path.join(__dirname, 'x'); const b = obj.__dirname; const __dirnameX = 1;";
    expect(rewriteDirname(src, '/repo/lib/stacks')).toBe(
      "const a = path.join(\"/repo/lib/stacks\", 'x'); const b = obj.__dirname; const __dirnameX = 1;",
    );
  });

  test('shellWord quotes only when needed', () => {
    expect(shellWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellWord("/tmp/a b/it's")).toBe("'/tmp/a b/it'\\''s'");
  });
});

describe('GNU time output', () => {
  test('reads the last "%M %U %S" line, after an optional status line', () => {
    expect(parseTimeOutput('123456 1.50 0.25\n')).toEqual({ maxRssKib: 123456, cpuMs: 1750 });
    expect(parseTimeOutput('Command exited with non-zero status 1\n2048 0.01 0.00\n')).toEqual({ maxRssKib: 2048, cpuMs: 10 });
    expect(parseTimeOutput('garbage')).toBeUndefined();
  });
});

describe('assembly reading', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-assembly-test-'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        version: '55.0.0',
        artifacts: {
          'assembly-Dev': { type: 'cdk:cloud-assembly', displayName: 'Dev', properties: { directoryName: 'assembly-Dev' } },
          Pipeline: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', displayName: 'Pipeline', properties: { templateFile: 'Pipeline.template.json' } },
          'Pipeline.assets': { type: 'cdk:asset-manifest', properties: { file: 'Pipeline.assets.json' } },
        },
      }),
    );
    writeFileSync(join(dir, 'Pipeline.template.json'), '{"Resources": {}}');
    mkdirSync(join(dir, 'assembly-Dev'));
    writeFileSync(
      join(dir, 'assembly-Dev', 'manifest.json'),
      JSON.stringify({
        version: '55.0.0',
        artifacts: { DevNetwork: { type: 'aws:cloudformation:stack', environment: 'aws://444444444444/eu-west-1', displayName: 'Dev/Network', properties: { templateFile: 'DevNetwork.template.json' } } },
      }),
    );
    writeFileSync(join(dir, 'assembly-Dev', 'DevNetwork.template.json'), '{ "Resources": { "Vpc": {} } }');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('lists stacks of nested assemblies and compares them', () => {
    const stacks = readAssemblyStacks(dir);
    expect(stacks.map((s) => s.path)).toEqual(['Dev/Network', 'Pipeline']);
    expect(compareAssemblies(stacks, stacks)).toEqual({ sameStacks: true, onlyInA: [], onlyInB: [], differentTemplates: [] });
    const changed = [{ ...stacks[0], templateSha256: 'x' }];
    expect(compareAssemblies(stacks, changed)).toEqual({ sameStacks: false, onlyInA: ['Pipeline'], onlyInB: [], differentTemplates: ['Dev/Network'] });
  });
});
