/**
 * Update safety (#12): the example configuration and changed ones are synthesized once each, and
 * every stack's templates are diffed with @aws-cdk/cloudformation-diff, the library behind
 * `cdk diff`, so these tests see what a reviewer sees. For each kind of update a deployment lives
 * through, no stateful resource may be replaced or removed, and every API-side change must re-run
 * the health check of every consumer of that environment (the promotion gate).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullDiff, ResourceImpact, TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { AppConfig } from '../lib/config/types';
import { exampleConfig } from '../lib/config/environments';
import { stageIdFor } from '../lib/stages/environment-stage';
import { buildTestApp, configWith, MutableConfig } from './helpers';

/** Resource types whose replacement or removal loses data, traffic or identity. */
const STATEFUL_TYPES = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::TransitGateway',
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::EC2::TransitGatewayRouteTable',
  'AWS::Route53::HostedZone',
  'Custom::CrossAccountZoneDelegation',
  'AWS::CertificateManager::Certificate',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::AppSync::GraphQLApi',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
]);
const REPLACING = new Set([ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE]);
const REMOVING = new Set([ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN]);
const GATE_TYPE = 'Custom::HealthCheckGate';

type Templates = ReadonlyMap<string, Record<string, unknown>>;

/** Every stack's template by stack name (`Dev-ApiService`), with Lambda bundling skipped. */
function synthesize(config: AppConfig): Templates {
  const { app } = buildTestApp(config, { bundling: false });
  return new Map(app.synth().stacksRecursively.map((s) => [s.stackName, s.template as Record<string, unknown>]));
}

const edit = (change: (c: MutableConfig) => void) => configWith(change);

// Four synths for the whole suite: the example, and three changed configurations whose changes are
// spread over the environments (the first and the last, whatever the example holds) so that each
// scenario's stacks see one kind of change only.
const FIRST = 0;
const LAST = exampleConfig.environments.length - 1;
const [first, last] = [exampleConfig.environments[FIRST], exampleConfig.environments[LAST]];
const example = synthesize(edit(() => {}));
const changed1 = synthesize(
  edit((c) => {
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
);
const changed2 = synthesize(
  edit((c) => {
    c.environments[FIRST].service = { ...c.environments[FIRST].service, cpu: 512, memoryMiB: 1024 };
    c.environments[LAST].service = { ...c.environments[LAST].service, desiredCount: 4, logRetentionDays: 180 };
  }),
);
const changed3 = synthesize(edit((c) => c.availabilityZones.push('euw1-az3')));

interface Scenario {
  readonly name: string;
  readonly before: Templates;
  readonly after: Templates;
  /** Stack names this change concerns (existing or new). */
  readonly stacks: (stackName: string) => boolean;
  /** Whether the API side changes, so every consumer's check must run again. */
  readonly apiSide: boolean;
}

const inEnv = (...prefixes: string[]) => (name: string) => prefixes.some((p) => name.startsWith(`${p}-`));
const [firstStage, lastStage] = [stageIdFor(first), stageIdFor(last)];
const qaStage = stageIdFor({ ...first, name: 'qa' });
const SCENARIOS: readonly Scenario[] = [
  { name: `add a consumer account (${first.name})`, before: example, after: changed1, stacks: inEnv(firstStage), apiSide: true },
  { name: `new image: ECR repository and tag (${last.name})`, before: example, after: changed1, stacks: inEnv(lastStage), apiSide: true },
  { name: 'add an environment (qa)', before: example, after: changed1, stacks: (n) => n === 'Pipeline' || inEnv(qaStage)(n), apiSide: false },
  { name: `task CPU/memory (${first.name})`, before: example, after: changed2, stacks: inEnv(firstStage), apiSide: true },
  { name: `desired count, log retention (${last.name})`, before: example, after: changed2, stacks: inEnv(lastStage), apiSide: true },
  { name: 'add a third AZ (all)', before: example, after: changed3, stacks: () => true, apiSide: true },
];

interface ScenarioResult {
  readonly diffs: ReadonlyMap<string, TemplateDiff>;
  readonly newStacks: readonly string[];
  readonly removedStacks: readonly string[];
}

function run(scenario: Scenario): ScenarioResult {
  const diffs = new Map<string, TemplateDiff>();
  for (const [name, template] of scenario.after) {
    if (scenario.stacks(name) && scenario.before.has(name)) diffs.set(name, fullDiff(scenario.before.get(name)!, template));
  }
  return {
    diffs,
    newStacks: [...scenario.after.keys()].filter((n) => scenario.stacks(n) && !scenario.before.has(n)),
    removedStacks: [...scenario.before.keys()].filter((n) => scenario.stacks(n) && !scenario.after.has(n)),
  };
}

/** `Dev-ApiNetwork/NetworkVpctransitSubnet1Subnet... (AWS::EC2::Subnet): WILL_REPLACE`, for every unsafe stateful change. */
function unsafeStatefulChanges(result: ScenarioResult): string[] {
  const unsafe: string[] = [];
  for (const [stack, diff] of result.diffs) {
    diff.resources.forEachDifference((logicalId, change) => {
      const type = change.oldResourceType ?? change.resourceType ?? '';
      if (STATEFUL_TYPES.has(type) && (REPLACING.has(change.changeImpact) || REMOVING.has(change.changeImpact))) {
        unsafe.push(`${stack}/${logicalId} (${type}): ${change.changeImpact}`);
      }
    });
  }
  return unsafe;
}

/** Consumer app stacks that existed before, and those whose health-check gate changed. */
function gateReruns(result: ScenarioResult): { consumers: string[]; rerun: string[] } {
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
function summaryRow(scenario: Scenario, result: ScenarioResult): string {
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
  for (const stack of result.newStacks) added += Object.keys((scenario.after.get(stack)!.Resources ?? {}) as object).length;
  const changedStacks = [...result.diffs].filter(([, d]) => d.resources.differenceCount > 0).length;
  const stacks = `${changedStacks}${result.newStacks.length ? ` + ${result.newStacks.length} new` : ''}`;
  const { consumers, rerun } = gateReruns(result);
  const gate = scenario.apiSide ? `${rerun.length} of ${consumers.length}` : '-';
  return `| ${scenario.name} | ${stacks} | ${added} | ${modified} | ${byType(replaced)} | ${byType(removed)} | ${gate} |`;
}

const results = new Map(SCENARIOS.map((s) => [s, run(s)]));

describe('update safety: what `cdk diff` shows for each kind of update (#12)', () => {
  describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const result = results.get(scenario)!;

    test('changes at least one stack, removes none', () => {
      expect(result.diffs.size + result.newStacks.length).toBeGreaterThan(0);
      expect([...result.diffs.values()].some((d) => d.resources.differenceCount > 0) || result.newStacks.length > 0).toBe(true);
      expect(result.removedStacks).toEqual([]);
    });

    test('replaces and removes no stateful resource', () => {
      expect(unsafeStatefulChanges(result)).toEqual([]);
    });

    if (scenario.apiSide) {
      test('re-runs the health check of every consumer of the environment (the promotion gate)', () => {
        const { consumers, rerun } = gateReruns(result);
        expect(consumers.length).toBeGreaterThan(0);
        expect(rerun).toEqual(consumers);
      });
    }
  });

  const table = [
    '| change | stacks changed | resources added | modified | replaced | removed | consumer checks re-run |',
    '|---|---|---|---|---|---|---|',
    ...SCENARIOS.map((s) => summaryRow(s, results.get(s)!)),
  ].join('\n');

  test('docs/deploying.md shows this summary (npm run docs -- --write rewrites it, through WRITE_DOCS=1)', () => {
    const file = join(__dirname, '..', 'docs', 'deploying.md');
    const text = readFileSync(file, 'utf8');
    const block = /(<!-- update-safety:start -->\n)([\s\S]*?)(<!-- update-safety:end -->)/;
    expect(text).toMatch(block);
    if (process.env.WRITE_DOCS === '1') writeFileSync(file, text.replace(block, `$1${table}\n$3`));
    expect(block.exec(readFileSync(file, 'utf8'))![2]).toBe(`${table}\n`);
  });
});
