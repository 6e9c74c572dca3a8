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
import { stageIdFor } from '../../lib/stages/environment-stage';
import { GeneratedBlock } from '../shared/blocks';

/** Impacts that recreate a resource. */
export const REPLACING: ReadonlySet<ResourceImpact> = new Set([ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE]);
/** The deploy-time health check of a consumer: an update to its inputs re-runs it. */
export const GATE_TYPE = 'Custom::HealthCheckGate';

type Templates = ReadonlyMap<string, Record<string, unknown>>;

/** One kind of update: the changed configuration it is part of, and the stacks it concerns. */
export interface Scenario {
  readonly name: string;
  /** Which of the changed configurations ({@link changedConfigs}) carries this change. */
  readonly changed: number;
  /** Stack names this change concerns (existing or new). */
  readonly stacks: (stackName: string) => boolean;
  /** Whether the API side changes, so every consumer's check must run again. */
  readonly apiSide: boolean;
}

/** What a scenario's change does: the diff of each concerned stack that exists before and after. */
export interface ScenarioResult {
  readonly diffs: ReadonlyMap<string, TemplateDiff>;
  readonly newStacks: readonly string[];
  readonly removedStacks: readonly string[];
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

/**
 * Three changed configurations whose changes are spread over the environments (the first and the
 * last, whatever the configuration holds) so that each scenario's stacks see one kind of change only.
 */
function changedConfigs(config: AppConfig): AppConfig[] {
  const LAST = last(config);
  return [
    edit(config, (c) => {
      c.environments[FIRST].consumers.push({ name: 'billing', account: '999999999999', cidr: '10.21.0.0/20' });
      c.environments[LAST].service.image = { kind: 'ecr', repositoryName: 'team/internal-api', tag: '1.4.2' };
      c.environments.push({
        ...structuredClone(c.environments[FIRST]),
        name: 'qa',
        apiAccount: '121212121212',
        apiCidr: '10.30.0.0/20',
        consumers: [{ name: 'storefront', account: '131313131313', cidr: '10.40.0.0/20' }],
        apiDomain: 'api.qa.example.com',
      });
    }),
    edit(config, (c) => {
      c.environments[FIRST].service = { ...c.environments[FIRST].service, cpu: 512, memoryMiB: 1024 };
      c.environments[LAST].service = { ...c.environments[LAST].service, desiredCount: 4, logRetentionDays: 180 };
    }),
    edit(config, (c) => c.availabilityZones.push('euw1-az3')),
  ];
}

/** The kinds of update, each against `config` (cheap: nothing is synthesized). */
export function updateScenarios(config: AppConfig = exampleConfig): Scenario[] {
  const [first, lastEnv] = [config.environments[FIRST], config.environments[last(config)]];
  const inEnv = (...prefixes: string[]) => (name: string) => prefixes.some((p) => name.startsWith(`${p}-`));
  const [firstStage, lastStage] = [stageIdFor(first), stageIdFor(lastEnv)];
  const qaStage = stageIdFor({ ...first, name: 'qa' });
  return [
    { name: `add a consumer account (${first.name})`, changed: 0, stacks: inEnv(firstStage), apiSide: true },
    { name: `new image: ECR repository and tag (${lastEnv.name})`, changed: 0, stacks: inEnv(lastStage), apiSide: true },
    { name: 'add an environment (qa)', changed: 0, stacks: (n) => n === 'Pipeline' || inEnv(qaStage)(n), apiSide: false },
    { name: `task CPU/memory (${first.name})`, changed: 1, stacks: inEnv(firstStage), apiSide: true },
    { name: `desired count, log retention (${lastEnv.name})`, changed: 1, stacks: inEnv(lastStage), apiSide: true },
    { name: 'add a third AZ (all)', changed: 2, stacks: () => true, apiSide: true },
  ];
}

function run(scenario: Scenario, before: Templates, after: Templates): ScenarioResult {
  const diffs = new Map<string, TemplateDiff>();
  for (const [name, template] of after) {
    if (scenario.stacks(name) && before.has(name)) diffs.set(name, fullDiff(before.get(name)!, template));
  }
  return {
    diffs,
    newStacks: [...after.keys()].filter((n) => scenario.stacks(n) && !before.has(n)),
    removedStacks: [...before.keys()].filter((n) => scenario.stacks(n) && !after.has(n)),
  };
}

/** Consumer app stacks that existed before, and those whose health-check gate changed. */
export function gateReruns(result: ScenarioResult): { consumers: string[]; rerun: string[] } {
  const consumers = [...result.diffs.keys()].filter((n) => /-ConsumerApp-/.test(n));
  const rerun = consumers.filter((stack) => {
    let changed = false;
    result.diffs.get(stack)!.resources.forEachDifference((_id, change) => {
      if (change.resourceType === GATE_TYPE && change.isUpdate && change.propertyUpdates.CheckedInputs) changed = true;
    });
    return changed;
  });
  return { consumers, rerun };
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
  const { consumers, rerun } = gateReruns(result);
  const gate = scenario.apiSide ? `${rerun.length} of ${consumers.length}` : '-';
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

/** The `update-safety` block of docs/deploying.md. */
export const updateSafetyBlock = (config: AppConfig = exampleConfig): GeneratedBlock => ({ name: 'update-safety', content: `\n${updateSafety(config).table}\n` });
