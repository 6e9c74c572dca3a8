/**
 * The pure helpers of tools/bench (the benchmark itself runs with `npm run bench`, never in jest:
 * it is slow and its numbers depend on the machine).
 */
import { buildSchema } from 'graphql';
import { apiRuntimeOf, mergedSchema } from '../../../lib/config/api-runtime';
import { exampleConfig } from '../../../lib/config/environments';
import { apisCalledBy } from '../../../lib/config/matrix';
import { validateConfig } from '../../../lib/config/validate';
import { USAGE, Report, failures, parseOptions, renderReport } from '../../../tools/bench/report';
import { parseTime, summarize } from '../../../tools/bench/run';
import { configWithConsumers, consumerCidr, contextJson, platformConfig, rewriteDirname, shellWord } from '../../../tools/bench/synth';
import { UsageError } from '../../../tools/shared/cli';
import { summarizeRounds } from '../../../tools/bench/http';

test('the summary of repeated runs: medians of the finite values, wall min-max, ok count', () => {
  const runs = [{ ok: true, wallMs: 1000.4, cpuMs: 900, rssKib: 100 }, { ok: false, wallMs: 3000, error: 'exit 1' }, { ok: true, wallMs: 2000, cpuMs: 1100, rssKib: 300 }];
  expect(summarize(runs)).toEqual({ medianMs: 2000, minMs: 1000, maxMs: 3000, cpuMs: 1000, rssKib: 200, ok: 2, runs });
});

test('GNU time output: the last "%M %U %S" line, after an optional status line', () => {
  expect(parseTime('123456 1.50 0.25\n')).toEqual({ rssKib: 123456, cpuMs: 1750 });
  expect(parseTime('Command exited with non-zero status 1\n2048 0.01 0.00')).toEqual({ rssKib: 2048, cpuMs: 10 });
  expect(parseTime('Command terminated by signal 9')).toBeUndefined();
});

describe('options', () => {
  test('defaults, both value forms, --skip-tests and --only', () => {
    expect(parseOptions([])).toEqual({ runs: 3, duration: 10, connections: 50, warmup: 2, invocations: 1000, 'import-runs': 10, timeout: 600, consumers: [1, 5, 20], platform: [{ apis: 2, consumers: 5 }, { apis: 10, consumers: 25 }, { apis: 20, consumers: 50 }], sections: ['synth', 'tests', 'http', 'resolver', 'scale', 'platform'], out: 'bench-results/latest.json', help: false });
    const o = parseOptions(['--runs', '5', '--duration=3', '--skip-tests', '--consumers', '20,1,5,5', '--config', 'c.json']);
    expect([o.runs, o.duration, o.consumers, o.sections, o.config]).toEqual([5, 3, [1, 5, 20], ['synth', 'http', 'resolver', 'scale', 'platform'], 'c.json']);
    expect(parseOptions(['--platform', '3x7,20x50']).platform).toEqual([{ apis: 3, consumers: 7 }, { apis: 20, consumers: 50 }]);
    expect(parseOptions(['--only', 'http,tests', '--skip-tests']).sections).toEqual(['http']);
    expect(parseOptions(['--only=scale,synth', '--warmup', '0']).sections).toEqual(['synth', 'scale']);
  });

  test.each([['--runs', '0'], ['--runs', 'abc'], ['--runs'], ['--timeout', '5'], ['--only', 'nope'], ['--only', ','], ['--consumers', '1,x'], ['--consumers', '201'], ['--platform', '20'], ['--platform', '0x5'], ['--platform', '2x201'], ['--wat'], ['--skip-tests=1']])('rejects %s %s', (...argv) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
  });

  test('the usage text lists every option', () => {
    for (const option of ['runs', 'duration', 'connections', 'warmup', 'invocations', 'import-runs', 'consumers', 'platform', 'only', 'skip-tests', 'out', 'timeout', 'config', 'help']) expect(USAGE).toContain(`--${option}`);
  });
});

test('the report: header, ratios against fastify, failed and erroring sections; failures() says what could not be measured', () => {
  const server = (kind: string, reqPerSec: number, p99: number, cpuMsPer1k: number) => ({ kind, label: kind, path: '/', reqPerSec, requests: reqPerSec * 3, p50: 1, p90: 2, p99, max: 9, errors: 0, bodyBytes: 11, cpuMsPer1k, rssKib: 51200, reqPerSecRounds: [reqPerSec] });
  const report: Report = {
    startedAt: 'a', finishedAt: 'b', machine: '2 x CPU', load: { start: [1.5, 1, 1], end: [2, 1, 1] }, git: { commit: 'abc1234', modified: 0 }, options: parseOptions([]),
    sections: {
      http: { duration: 3, warmup: 1, connections: 50, runs: 1, servers: [server('hello', 20000, 4, 50), server('api', 12000, 6, 80), server('fastify', 10000, 8, 100), server('api-identity', 11000, 7, 85)], failures: ['api-nolog: the server exited (1)'], apiVsHello: { reqPerSec: 0.6, p99: 1.5 }, apiVsFastify: { reqPerSec: 1.2, p99: 0.75, cpuPerRequest: 0.8 }, identityVsApi: { reqPerSec: 11000 / 12000, p99: 7 / 6 }, identityVsFastify: { reqPerSec: 1.1, p99: 0.875 } },
      tests: { steps: [{ step: 'tsc --noEmit -p .', ok: true, wallMs: 12000, cpuMs: 15000, rssKib: 1048576 }], failures: [] },
      scale: { error: 'generated configuration invalid' },
    },
  };
  const text = renderReport(report);
  expect(text).toContain('load average (1/5/15 min): start 1.5 / 1 / 1, end 2 / 1 / 1');
  expect(text).toContain('git: abc1234');
  expect(text).toContain('api-service / fastify + pino: req/s 1.20x (target >= 1.2), p99 0.75x (target <= 1), CPU per request 0.80x');
  expect(text).toContain('caller identity on / off: req/s 0.92x, p99 1.17x; on / fastify + pino: req/s 1.10x (target >= 1.2)');
  expect(text).toMatch(/tsc --noEmit -p \.\s+12\.0 s\s+15\.0 s\s+1024 MiB\s+ok/);
  expect(text).toContain('FAILED api-nolog: the server exited (1)');
  expect(text).toMatch(/ERROR\s+generated configuration invalid/);
  expect(failures(report.sections)).toEqual(['http: api-nolog: the server exited (1)', 'scale: generated configuration invalid']);
});

test('scale configurations: consecutive /20 blocks, valid for 1 to 40 consumers', () => {
  expect([0, 1, 15, 16].map(consumerCidr)).toEqual(['10.20.0.0/20', '10.20.16.0/20', '10.20.240.0/20', '10.21.0.0/20']);
  for (const n of [1, 5, 20, 40]) {
    const config = configWithConsumers(exampleConfig, n);
    expect([config.environments.length, config.environments[0].name, config.environments[0].consumers.length]).toEqual([1, exampleConfig.environments[0].name, n]);
    expect(validateConfig(config)).toEqual([]);
  }
});

test('the floor: CDK context as the CLI passes it, __dirname kept, --app quoting', () => {
  const context = JSON.parse(contextJson({ config: '/x.json' }));
  expect(context).toMatchObject({ 'aws:cdk:bundling-stacks': ['**'], 'aws:cdk:enable-path-metadata': true, config: '/x.json' });
  expect(Object.keys(context).some((key) => key.startsWith('@aws-cdk/'))).toBe(true); // cdk.json's feature flags
  expect(rewriteDirname('path.join(__dirname, "x"); obj.__dirname; __dirnameX', '/repo/lib')).toBe('path.join("/repo/lib", "x"); obj.__dirname; __dirnameX');
  expect([shellWord('/usr/bin/node'), shellWord("/tmp/a b/it's")]).toEqual(['/usr/bin/node', "'/tmp/a b/it'\\''s'"]);
});

test('http rounds: the median per server, in the servers\' order, whatever order the rounds ran in', () => {
  const run = (kind: string, reqPerSec: number, max: number) => ({ kind, label: kind, path: '/', reqPerSec, requests: 10, p50: 1, p90: 2, p99: reqPerSec / 1000, max, errors: kind === 'api' ? 1 : 0, bodyBytes: 11, cpuMsPer1k: reqPerSec / 100, rssKib: 1 });
  const summary = summarizeRounds([run('api', 300, 5), run('hello', 900, 1), run('api', 100, 9), run('api', 200, 7), run('hello', 700, 3)]);
  expect(summary.map((s) => [s.kind, s.reqPerSec, s.p99, s.cpuMsPer1k, s.max, s.errors, s.requests, s.reqPerSecRounds])).toEqual([
    ['hello', 800, 0.8, 8, 3, 0, 20, [900, 700]],
    ['api', 200, 0.2, 2, 9, 3, 30, [300, 100, 200]],
  ]);
});


describe('platformConfig: 20 APIs x 50 consumers in one environment', () => {
  const config = platformConfig(exampleConfig, 20, 50);
  const [env] = config.environments;

  test('is valid: every API called, every consumer calling at least one, disjoint CIDRs, the route table quota declared raised', () => {
    expect(validateConfig(config)).toEqual([]);
    expect(env.apis).toHaveLength(20);
    expect(env.consumers.length).toBeGreaterThanOrEqual(50);
    for (const api of env.apis) expect(env.consumers.some((c) => c.calls.includes(api.name))).toBe(true);
    expect(config.quotas?.transitGatewayRouteTables).toBe(env.apis.length + env.consumers.length);
  });

  test('each consumer calls 1 to 5 APIs, every count in use, several of one runtime under prefixes, and it still validates', () => {
    const counts = env.consumers.map((c) => c.calls.length);
    expect(Math.min(...counts)).toBe(1);
    expect(Math.max(...counts)).toBe(5);
    expect(new Set(counts)).toEqual(new Set([1, 2, 3, 4, 5]));
    for (const c of env.consumers) expect(new Set(c.calls).size).toBe(c.calls.length);
    // The reason prefixes exist: some consumer calls two APIs of one runtime, and every one's schema is valid GraphQL.
    const runtimeOf = (name: string) => env.apis.find((a) => a.name === name)!.runtime ?? 'api-service';
    expect(env.consumers.some((c) => new Set(c.calls.map(runtimeOf)).size < c.calls.length)).toBe(true);
    for (const c of env.consumers) expect(() => buildSchema(mergedSchema(apisCalledBy(env, c).map(apiRuntimeOf)))).not.toThrow();
    expect(validateConfig(config)).toEqual([]);
  });

  test('the same configuration on every call: runs of the bench are comparable', () => {
    expect(platformConfig(exampleConfig, 20, 50)).toEqual(config);
  });

  test('a small shape is valid too: the route table quota never declared below AWS\'s default', () => {
    expect(validateConfig(platformConfig(exampleConfig, 2, 5))).toEqual([]);
  });

  test('without the declared quota, synth refuses it with the quota\'s name', () => {
    expect(validateConfig({ ...config, quotas: undefined }).map((p) => p.fix).join('\n')).toMatch(/Transit gateway route tables per transit gateway/);
  });
});
