/**
 * The update-safety table of docs/deploying.md: the example configuration and changed ones are
 * synthesized once each, and every stack's templates are diffed with @aws-cdk/cloudformation-diff,
 * the library behind `cdk diff`, so the table shows what a reviewer sees for each kind of update a
 * deployment lives through. `npm run docs -- --write` writes it; test/update-safety.test.ts asserts
 * on the same diffs (no stateful resource replaced, every consumer's check re-run) and that the
 * table in docs/deploying.md is this one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullDiff, ResourceImpact, TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { buildApp } from '../../lib/app';
import { exampleConfig } from '../../lib/config/environments';
import { AppConfig } from '../../lib/config/types';
import { assertValidConfig } from '../../lib/config/validate';
import { apiRuntimeOf } from '../../lib/config/api-runtime';
import { cidrToId } from '../../lib/config/cidr';
import { EnvironmentConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { GeneratedBlock } from '../shared/blocks';

/** Impacts that recreate a resource. */
export const REPLACING: ReadonlySet<ResourceImpact> = new Set([ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE]);
/** The deploy-time health check of a (consumer, API) pair: an update to its inputs re-runs it. */
export const GATE_TYPE = 'Custom::HealthCheckGate';
/** The API of a gate, from its logical id (`Graphql<api>HealthCheckGate...`). */
const GATE_ID = /^Graphql(.+?)HealthCheckGate/;

type Templates = ReadonlyMap<string, Record<string, unknown>>;

/** One kind of update: the changed configuration it is part of, and the stacks it concerns. */
export interface Scenario {
  readonly name: string;
  /** Which of the changed configurations ({@link changedConfigs}) carries this change. */
  readonly changed: number;
  /** Stack names this change concerns (existing or new). */
  readonly stacks: (stackName: string) => boolean;
  /**
   * The (consumer, API) health checks that existed before and must run again, as
   * `<consumer app stack>/<api>`; the others must not (a change to one API re-runs its callers'
   * checks of that API only). Undefined when the scenario makes no claim (a new environment).
   */
  readonly rerun?: readonly string[];
  /**
   * For a revocation: whether a removed resource belongs to the revoked pair. Every removal must,
   * and nothing stateful outside the pair may be removed or replaced.
   * @default - nothing may be removed
   */
  readonly pairOwns?: (stackName: string, logicalId: string) => boolean;
}

/** What a scenario's change does: the diff of each concerned stack that exists before and after. */
export interface ScenarioResult {
  readonly diffs: ReadonlyMap<string, TemplateDiff>;
  readonly newStacks: readonly string[];
  readonly removedStacks: readonly string[];
  /** The health checks of the concerned consumer stacks before the change, as {@link gateReruns} names them. */
  readonly checksBefore: readonly string[];
}

/** Every scenario's result by scenario name, and the markdown table of docs/deploying.md. */
export interface UpdateSafety {
  readonly results: ReadonlyMap<string, ScenarioResult>;
  readonly table: string;
}

/** Every stack's template by stack name (`Dev-ApiService`), as `cdk synth` builds them, with Lambda bundling skipped. */
function synthesize(config: AppConfig): Templates {
  assertValidConfig(config);
  const outdir = mkdtempSync(join(tmpdir(), 'docs-update-safety-'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const context = { ...(require('../../cdk.json').context as Record<string, unknown>), 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-creation-stack-traces': true };
    const { app } = buildApp(config, { outdir, context, builtinCloudFormationValidation: false });
    return new Map(app.synth().stacksRecursively.map((s) => [s.stackName, s.template as Record<string, unknown>]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const edit = (config: AppConfig, change: (c: any) => void): AppConfig => {
  const copy = structuredClone(config);
  change(copy);
  return copy;
};

const FIRST = 0;
const last = (config: AppConfig) => config.environments.length - 1;

/** The environment's health checks as `<stage>-ConsumerApp-<consumer>/<api>`, for the pairs `keep` selects. */
function checks(env: EnvironmentConfig, keep: (consumer: string, api: string) => boolean = () => true): string[] {
  return env.consumers.flatMap((c) => c.calls.filter((a) => keep(c.name, a)).map((a) => `${stageIdFor(env)}-ConsumerApp-${c.name}/${a.replace(/-/g, '')}`)).sort();
}

/**
 * The changed configurations, each holding changes to different environments (the first and the
 * last, whatever the configuration holds) so that each scenario's stacks see one kind of change
 * only. The matrix changes use the first API, the last API and the last environment's consumers
 * that call or do not call it; {@link updateScenarios} says which is which.
 */
function changedConfigs(config: AppConfig): AppConfig[] {
  const LAST = last(config);
  const { granted, revoked } = matrixChanges(config);
  return [
    edit(config, (c) => {
      c.environments[FIRST].consumers.push({ name: 'billing', account: '919191919191', cidr: '10.21.0.0/20', calls: [c.environments[FIRST].apis[0].name] });
      c.environments[LAST].apis[0].service.image = { kind: 'ecr', repositoryName: 'team/internal-api', tag: '1.4.2' };
      const qa = structuredClone(c.environments[FIRST]);
      c.environments.push({
        ...qa,
        name: 'qa',
        apis: qa.apis.map((a: { name: string }, i: number) => ({ ...a, account: `12121212121${i}`, cidr: `10.${30 + i}.0.0/20`, domain: `${a.name}.qa.example.com` })),
        consumers: [{ name: 'storefront', account: '141414141414', cidr: '10.40.0.0/20', calls: qa.apis.map((a: { name: string }) => a.name) }],
      });
    }),
    edit(config, (c) => {
      // A new API, with the catalogue's code, and the consumer that calls it (an API nobody calls is refused).
      c.environments[FIRST].apis.push({ ...structuredClone(c.environments[FIRST].apis[0]), name: 'archive', account: '151515151515', cidr: '10.12.0.0/20', domain: 'archive.dev.example.com', runtime: 'api-service' });
      c.environments[FIRST].consumers.push({ name: 'auditor', account: '161616161616', cidr: '10.22.0.0/20', calls: ['archive'] });
      if (granted) c.environments[LAST].consumers.find((x: { name: string }) => x.name === granted.consumer).calls.push(granted.api);
    }),
    edit(config, (c) => {
      c.environments[FIRST].apis[0].service = { ...c.environments[FIRST].apis[0].service, cpu: 512, memoryMiB: 1024 };
      c.environments[LAST].apis[0].service = { ...c.environments[LAST].apis[0].service, desiredCount: 4, logRetentionDays: 180 };
    }),
    edit(config, (c) => {
      if (revoked) {
        const consumer = c.environments[LAST].consumers.find((x: { name: string }) => x.name === revoked.consumer);
        consumer.calls = consumer.calls.filter((a: string) => a !== revoked.api);
      }
    }),
    edit(config, (c) => c.availabilityZones.push('euw1-az3')),
  ];
}

/**
 * In the last environment: a consumer that does not call the last API (granted it), and a pair
 * whose revocation keeps the matrix valid (revoked).
 */
function matrixChanges(config: AppConfig): { granted?: { consumer: string; api: string }; revoked?: { consumer: string; api: string } } {
  const env = config.environments[last(config)];
  const api = env.apis[env.apis.length - 1].name;
  const grantee = env.consumers.find((c) => !c.calls.includes(api));
  // A pair whose revocation leaves both sides valid: the consumer keeps another API, the API another caller.
  const revoked = [...env.apis].reverse().flatMap((a) => env.consumers
    .filter((c) => c.calls.includes(a.name) && c.calls.length > 1 && env.consumers.some((o) => o !== c && o.calls.includes(a.name)))
    .map((c) => ({ consumer: c.name, api: a.name })))[0];
  return { granted: grantee && { consumer: grantee.name, api }, revoked };
}

/** The kinds of update, each against `config` (cheap: nothing is synthesized). */
export function updateScenarios(config: AppConfig = exampleConfig): Scenario[] {
  const [first, lastEnv] = [config.environments[FIRST], config.environments[last(config)]];
  const inEnv = (...prefixes: string[]) => (name: string) => prefixes.some((p) => name.startsWith(`${p}-`));
  const [firstStage, lastStage] = [stageIdFor(first), stageIdFor(lastEnv)];
  const qaStage = stageIdFor({ ...first, name: 'qa' });
  const { granted, revoked } = matrixChanges(config);
  const firstApi = (env: EnvironmentConfig) => env.apis[0].name;
  const scenarios: Scenario[] = [
    // The gateway's RAM share gains an account: part of every API's revision, so every check runs.
    { name: `add a consumer account (${first.name})`, changed: 0, stacks: inEnv(firstStage), rerun: checks(first) },
    { name: `new image of one API: ECR repository and tag (${lastEnv.name})`, changed: 0, stacks: inEnv(lastStage), rerun: checks(lastEnv, (_c, a) => a === firstApi(lastEnv)) },
    { name: 'add an environment (qa)', changed: 0, stacks: (n) => n === 'Pipeline' || inEnv(qaStage)(n) },
    { name: `add an API and its consumer (${first.name})`, changed: 1, stacks: inEnv(firstStage), rerun: checks(first) },
    { name: `task CPU/memory of one API (${first.name})`, changed: 2, stacks: inEnv(firstStage), rerun: checks(first, (_c, a) => a === firstApi(first)) },
    { name: `desired count, log retention of one API (${lastEnv.name})`, changed: 2, stacks: inEnv(lastStage), rerun: checks(lastEnv, (_c, a) => a === firstApi(lastEnv)) },
    { name: 'add a third AZ (all)', changed: 4, stacks: () => true, rerun: config.environments.flatMap((e) => checks(e)) },
  ];
  if (granted) {
    // The API's side changes (its callers' checks of it run), and the grantee's own route table (its other checks run).
    scenarios.splice(4, 0, {
      name: `grant a consumer one more API (${lastEnv.name}: ${granted.consumer} -> ${granted.api})`, changed: 1, stacks: inEnv(lastStage),
      rerun: checks(lastEnv, (c, a) => a === granted.api || c === granted.consumer),
    });
  }
  if (revoked) {
    const api = lastEnv.apis.find((a) => a.name === revoked.api)!;
    const consumer = lastEnv.consumers.find((c) => c.name === revoked.consumer)!;
    const apiPart = new RegExp(`${revoked.api.replace(/-/g, '')}|${cidrToId(consumer.cidr).replace(/-/g, '')}`, 'i');
    // The consumer's side: what its construct ids name by the API, its route to the API's CIDR, and the resolvers of the API's fields.
    const fields = apiRuntimeOf(api).graphql.queryFields.map((f) => `^GraphqlApiQuery${f}[0-9A-F]{8}$`);
    const consumerPart = new RegExp([revoked.api.replace(/-/g, ''), cidrToId(api.cidr).replace(/-/g, ''), ...fields].join('|'), 'i');
    scenarios.push({
      name: `revoke one API of a consumer (${lastEnv.name}: ${revoked.consumer} -/-> ${revoked.api})`, changed: 3, stacks: inEnv(lastStage),
      rerun: checks(lastEnv, (c, a) => (a === revoked.api && c !== revoked.consumer) || (c === revoked.consumer && a !== revoked.api)),
      pairOwns: (stack, id) =>
        (stack.includes(`-ConsumerApp-${revoked.consumer}`) && consumerPart.test(id)) ||
        (stack.includes(`-ConsumerNetwork-${revoked.consumer}`) && consumerPart.test(id)) ||
        (stack.includes(`-ApiNetwork-${revoked.api}`) && apiPart.test(id)) ||
        (stack.endsWith('-TransitRouting') && id.includes(revoked.api.replace(/-/g, '')) && id.includes(revoked.consumer.replace(/-/g, ''))),
    });
  }
  return scenarios;
}

function run(scenario: Scenario, before: Templates, after: Templates): ScenarioResult {
  const diffs = new Map<string, TemplateDiff>();
  const checksBefore: string[] = [];
  for (const [name, template] of after) {
    if (!scenario.stacks(name) || !before.has(name)) continue;
    diffs.set(name, fullDiff(before.get(name)!, template));
    const resources = (before.get(name)!.Resources ?? {}) as Record<string, { Type: string }>;
    for (const [id, r] of Object.entries(resources)) if (r.Type === GATE_TYPE) checksBefore.push(`${name}/${gateApi(id)}`);
  }
  return {
    diffs,
    newStacks: [...after.keys()].filter((n) => scenario.stacks(n) && !before.has(n)),
    removedStacks: [...before.keys()].filter((n) => scenario.stacks(n) && !after.has(n)),
    checksBefore: checksBefore.sort(),
  };
}

/** The API of a gate, as its logical id spells it (no dashes): `Graphql<api>HealthCheckGate...`. */
const gateApi = (logicalId: string) => GATE_ID.exec(logicalId)?.[1] ?? logicalId;

/**
 * The health checks that existed before (`<consumer app stack>/<api>`, the API as logical ids
 * spell it), and those whose inputs changed: CloudFormation updates those gates, which runs the
 * checks again.
 */
export function gateReruns(result: ScenarioResult): { checks: readonly string[]; rerun: string[] } {
  const rerun: string[] = [];
  for (const [stack, diff] of result.diffs) {
    if (!/-ConsumerApp-/.test(stack)) continue;
    diff.resources.forEachDifference((id, change) => {
      if (change.resourceType === GATE_TYPE && change.isUpdate && change.propertyUpdates.CheckedInputs) rerun.push(`${stack}/${gateApi(id)}`);
    });
  }
  return { checks: result.checksBefore, rerun: rerun.sort() };
}

/** One markdown row: what the change does to the templates. */
function summaryRow(scenario: Scenario, result: ScenarioResult, after: Templates): string {
  let added = 0;
  let modified = 0;
  const replaced = new Map<string, number>();
  const removed = new Map<string, number>();
  const count = (byType: Map<string, number>, type = '?') => byType.set(type, (byType.get(type) ?? 0) + 1);
  for (const diff of result.diffs.values()) {
    diff.resources.forEachDifference((_id, change) => {
      if (change.isAddition) added++;
      else if (change.isRemoval) count(removed, change.resourceType);
      else if (REPLACING.has(change.changeImpact)) count(replaced, change.resourceType);
      else modified++;
    });
  }
  const byType = (counts: Map<string, number>) => [...counts].map(([type, n]) => `${n} ${type.replace(/^AWS::/, '')}`).join(', ') || '0';
  for (const stack of result.newStacks) added += Object.keys((after.get(stack)!.Resources ?? {}) as object).length;
  const changedStacks = [...result.diffs].filter(([, d]) => d.resources.differenceCount > 0).length;
  const stacks = `${changedStacks}${result.newStacks.length ? ` + ${result.newStacks.length} new` : ''}`;
  const { checks, rerun } = gateReruns(result);
  const gate = scenario.rerun ? `${rerun.length} of ${checks.length}` : '-';
  return `| ${scenario.name} | ${stacks} | ${added} | ${modified} | ${byType(replaced)} | ${byType(removed)} | ${gate} |`;
}

const computed = new WeakMap<AppConfig, UpdateSafety>();

/**
 * Each scenario's diffs and the table, from four whole-app synths (`config` and its three changed
 * configurations); memoized per configuration object.
 */
export function updateSafety(config: AppConfig = exampleConfig): UpdateSafety {
  const cached = computed.get(config);
  if (cached) return cached;
  const before = synthesize(config);
  const changed = changedConfigs(config).map(synthesize);
  const scenarios = updateScenarios(config);
  const results = new Map(scenarios.map((s) => [s.name, run(s, before, changed[s.changed])]));
  const table = [
    '| change | stacks changed | resources added | modified | replaced | removed | consumer checks re-run |',
    '|---|---|---|---|---|---|---|',
    ...scenarios.map((s) => summaryRow(s, results.get(s.name)!, changed[s.changed])),
  ].join('\n');
  const value = { results, table };
  computed.set(config, value);
  return value;
}

/**
 * Each `[before, after]` pair of configurations synthesized (each distinct configuration once) and
 * every stack of `after` diffed against `before`, for a change no scenario above covers (a mode the
 * example does not use).
 */
export function compareConfigs(pairs: readonly (readonly [AppConfig, AppConfig])[]): ScenarioResult[] {
  const templates = new Map<AppConfig, Templates>();
  const of = (config: AppConfig) => templates.get(config) ?? templates.set(config, synthesize(config)).get(config)!;
  const every: Scenario = { name: 'compare', changed: 0, stacks: () => true };
  return pairs.map(([before, after]) => run(every, of(before), of(after)));
}

/** The `update-safety` block of docs/deploying.md. */
export const updateSafetyBlock = (config: AppConfig = exampleConfig): GeneratedBlock => ({ name: 'update-safety', content: `\n${updateSafety(config).table}\n` });
