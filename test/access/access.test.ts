/**
 * The access simulation: for every call the design depends on at deploy or run time (derived from
 * the synthesized templates, see tools/access-sim/calls.ts), evaluates identity policy + resource policy + KMS key
 * policy together with an IAM evaluation library, and asserts allowed; for the boundaries the
 * design relies on (another VPC, another record, another principal), asserts denied.
 * The full table of each configuration is written to cdk.out.access/<configuration>.txt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleConfig } from '../../lib/config/environments';
import { connectivityOf } from '../../lib/config/connectivity';
import { AppConfig, Connectivity } from '../../lib/config/types';
import { sharedParameterArn } from '../../lib/config/shared-parameters';
import { bootstrapTemplate } from '../../tools/deploy/bootstrap-template';
import { buildTestApp, configWith, exampleTestApp } from '../helpers';
import { latticeConfig } from '../stages/lattice-config';
import { privateLinkConfig } from '../stages/privatelink-config';
import { AssemblyIndex, stacksOf } from '../../tools/access-sim/assembly-index';
import { StackTemplate } from '../../tools/access-sim/intrinsics';
import { CALL_SOURCES, endpointServiceCalls } from '../../tools/access-sim/calls';
import { latticeInvokeCalls } from '../../tools/access-sim/lattice-calls';
import { admits, evaluate, Evaluated, formatTable } from '../../tools/access-sim/simulate';
import { dropConditionKey, withEdit } from './lattice-fixture';

/** Three environments of two APIs and three consumer accounts each, every account distinct, each consumer calling a different set. */
const threeByThree = configWith((c) => {
  const [dev] = c.environments;
  c.environments = ['dev', 'staging', 'prod'].map((name, e) => ({
    ...dev,
    name,
    apis: dev.apis.map((api: { name: string }, a: number) => ({
      ...api,
      account: `4${e}${a}000000000`,
      cidr: `10.${10 + e * 100 + a}.0.0/20`,
      domain: name === 'prod' ? `${api.name}.example.com` : `${api.name}.${name}.example.com`,
    })),
    requireApproval: name === 'prod',
    consumers: ['storefront', 'reporting', 'billing'].map((consumer, i) => ({
      name: consumer,
      account: `5${e}${i}000000000`,
      cidr: `10.${20 + e * 100 + i}.0.0/20`,
      // storefront calls every API, reporting the first only, billing the last only.
      calls: i === 0 ? dev.apis.map((api: { name: string }) => api.name) : [dev.apis[i === 1 ? 0 : dev.apis.length - 1].name],
    })),
  }));
});

const OUT = join(__dirname, '..', '..', 'cdk.out.access');

/** Each configuration's synthesized stacks, built once for this file (the lattice ones are bent below). */
const built = new Map<AppConfig, StackTemplate[]>();
const stacksFor = (config: AppConfig): StackTemplate[] => {
  if (!built.has(config)) built.set(config, stacksOf((config === exampleConfig ? exampleTestApp() : buildTestApp(config)).app));
  return built.get(config)!;
};

describe.each<[string, AppConfig]>([
  ['example', exampleConfig],
  ['three-environments-three-consumers', threeByThree],
  // Dev in PrivateLink mode: the endpoint service's provider log group gets the stack key through an
  // escape hatch (private-link-endpoint-service.ts), which CDK's grants do not see.
  ['privatelink-dev', privateLinkConfig],
  // Dev in lattice mode: the Lattice invocations (tools/access-sim/lattice-calls.ts).
  ['lattice-dev', latticeConfig],
])('access simulation: %s configuration', (name, config) => {
  let rows: Evaluated[];
  let callsPerSource: Record<string, number>;
  beforeAll(async () => {
    // Every account bootstrapped as docs/deploying.md says: with the template deploy-commands writes.
    const index = new AssemblyIndex(stacksFor(config), bootstrapTemplate(config));
    const calls = CALL_SOURCES.map((source) => source(index, config));
    callsPerSource = Object.fromEntries(CALL_SOURCES.map((source, i) => [source.name, calls[i].length]));
    rows = await Promise.all(calls.flat().map(evaluate));
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${name}.txt`), `${formatTable(`access simulation, ${name} configuration`, rows)}\n`);
  });

  test('every kind of call is found in the templates', () => {
    // A refactoring that hides resources from a source (renamed type, moved property) fails here
    // instead of silently checking nothing.
    // Endpoint services exist only where an environment uses PrivateLink, Lattice services only in lattice mode.
    const inMode = (mode: Connectivity) => config.environments.some((e) => connectivityOf(e) === mode);
    const onlyIn: Record<string, Connectivity> = { [endpointServiceCalls.name]: 'privatelink', [latticeInvokeCalls.name]: 'lattice' };
    for (const [source, count] of Object.entries(callsPerSource)) {
      expect({ source, found: count > 0 }).toEqual({ source, found: onlyIn[source] === undefined || inMode(onlyIn[source]) });
    }
  });

  test('per pair the matrix denies: the consumer\'s account is refused each shared parameter of that API', () => {
    for (const env of config.environments) {
      for (const consumer of env.consumers) {
        for (const api of env.apis.filter((a) => !consumer.calls.includes(a.name))) {
          for (const key of ['api-endpoint', 'api-revision', 'api-certificate-arn'] as const) {
            const arn = sharedParameterArn(config, env, key, { kind: 'api', name: api.name });
            const row = rows.find((r) => r.call.resource === arn && r.call.principal.includes(`::${consumer.account}:`));
            expect({ consumer: consumer.name, api: api.name, key, decision: row?.decision }).toEqual({ consumer: consumer.name, api: api.name, key, decision: 'denied' });
          }
        }
      }
    }
  });

  test('every call the design depends on is allowed, every boundary denied (table: cdk.out.access/)', () => {
    const mismatches = rows.filter((r) => r.decision !== r.call.expected);
    expect(mismatches.length === 0 ? 'none' : formatTable('mismatches', mismatches)).toBe('none');
  });
});

describe('access simulation: the lattice configuration\'s templates bent to break the matrix are flagged', () => {
  const env = latticeConfig.environments.find((e) => connectivityOf(e) === 'lattice')!;
  // An API some consumer may not call, one that may, and another account's VPC for the caller.
  const api = env.apis.find((a) => env.consumers.some((c) => !c.calls.includes(a.name)))!;
  const outsider = env.consumers.find((c) => !c.calls.includes(api.name))!;
  const caller = env.consumers.find((c) => c.calls.includes(api.name) && c.account !== outsider.account)!;
  const serviceAuthPolicy = (s: StackTemplate, r: { Type: string }) => s.stackName.endsWith(`-ApiService-${api.name}`) && r.Type === 'AWS::VpcLattice::AuthPolicy';
  const flagged = async (stacks: StackTemplate[]) => (await Promise.all(latticeInvokeCalls(new AssemblyIndex(stacks), latticeConfig).map(evaluate)))
    .filter((r) => r.decision !== r.call.expected).map((r) => r.call.call);

  test('as synthesized: nothing flagged (the baseline the bends are measured against)', async () => {
    expect(await flagged(stacksFor(latticeConfig))).toEqual([]);
  });

  test(`${api.name}'s auth policy admitting a consumer account the matrix does not let call it`, async () => {
    const bent = withEdit(stacksFor(latticeConfig), serviceAuthPolicy, (p) => {
      p.Policy.Statement.push({ Effect: 'Allow', Action: 'vpc-lattice-svcs:Invoke', Resource: '*', Principal: { AWS: `arn:aws:iam::${outsider.account}:root` } });
    });
    expect(await flagged(bent)).toContain(`another role of a consumer account (${outsider.account}) invokes ${api.name}`);
  });

  test(`${api.name}'s auth policy without its source-VPC condition`, async () => {
    const bent = withEdit(stacksFor(latticeConfig), serviceAuthPolicy, (p) => {
      for (const statement of p.Policy.Statement) dropConditionKey(statement, 'vpc-lattice-svcs:SourceVpcOwnerAccount');
    });
    const otherConsumer = env.consumers.find((c) => c.account !== caller.account)!.account;
    expect(await flagged(bent)).toContain(`${caller.name}'s resolver role for ${api.name} invokes ${api.name} from a VPC of ${otherConsumer}`);
  });
});

describe('allowed principals (an endpoint service\'s list, checked after IAM)', () => {
  const role = 'arn:aws:iam::555555555555:role/cdk-hnb659fds-cfn-exec-role-555555555555-eu-west-1';
  test.each<[string[], boolean]>([
    [['arn:aws:iam::555555555555:root'], true],
    [[role], true],
    [['*'], true],
    [['arn:aws:iam::121212121212:root'], false],
    [['arn:aws:iam::555555555555:role/another-role'], false],
    [[], false],
  ])('%j admits the role: %s', (allowed, expected) => {
    expect(admits(allowed, role)).toBe(expected);
  });
});
