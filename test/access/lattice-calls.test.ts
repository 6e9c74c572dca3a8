/**
 * The Lattice call source (tools/access-sim/lattice-calls.ts) on templates in the shape the
 * lattice stacks synthesize, and on copies bent to break the matrix: each bend must show as a
 * mismatch, or the simulation would prove nothing about the auth policies.
 */
import { CALLER_KINDS, callerRoleName } from '../../lib/config/names';
import { AppConfig, EnvironmentConfig } from '../../lib/config/types';
import { AssemblyIndex } from '../../tools/access-sim/assembly-index';
import { StackTemplate } from '../../tools/access-sim/intrinsics';
import { latticeInvokeCalls } from '../../tools/access-sim/lattice-calls';
import { evaluate, Evaluated, formatTable } from '../../tools/access-sim/simulate';
import { configWith } from '../helpers';
import { dropConditionKey, latticeFixture, withEdit } from './lattice-fixture';

/**
 * `dev` in lattice mode with three APIs (each in its own account) and three consumers calling
 * different sets: wider than the synthesized lattice test configuration, as templates written by
 * hand cost nothing to build.
 */
const config: AppConfig = configWith((c) => {
  const dev = c.environments[0];
  dev.connectivity = 'lattice';
  delete dev.transitGateway;
  const [catalogue, stock] = dev.apis;
  dev.apis = [catalogue, stock, { ...catalogue, name: 'pricing', account: '141414141414', cidr: '10.12.0.0/20', domain: 'pricing.dev.example.com' }];
  // pricing runs the catalogue's runtime: one consumer cannot serve both schemas.
  dev.consumers = [
    { name: 'storefront', account: '555555555555', cidr: '10.20.0.0/20', calls: [catalogue.name, stock.name] },
    { name: 'billing', account: '121212121212', cidr: '10.20.0.0/20', calls: [catalogue.name] },
    { name: 'reporting', account: '151515151515', cidr: '10.21.0.0/20', calls: [stock.name, 'pricing'] },
  ];
});
const env: EnvironmentConfig = config.environments.find((e) => e.connectivity === 'lattice')!;
const stacks = latticeFixture(config, env);

const run = (s: readonly StackTemplate[]): Promise<Evaluated[]> => Promise.all(latticeInvokeCalls(new AssemblyIndex(s), config).map(evaluate));
/** The ARN the call source found for `api`'s service (the context of its rows). */
const serviceArnOf = (api: string) => latticeInvokeCalls(new AssemblyIndex(stacks), config).find((c) => c.call.endsWith(`invokes ${api}`))!.context!['vpc-lattice-svcs:ServiceArn'] as string;
const mismatches = (rows: Evaluated[]) => rows.filter((r) => r.decision !== r.call.expected).map((r) => r.call.call);
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const serviceStack = (api: string) => (s: StackTemplate) => s.stackName.endsWith(`-ApiService-${api}`);
const authPolicyIn = (inStack: (s: StackTemplate) => boolean) => (s: StackTemplate, r: { Type: string }) => inStack(s) && r.Type === 'AWS::VpcLattice::AuthPolicy';

describe('Lattice invocations on templates that follow the matrix', () => {
  let rows: Evaluated[];
  beforeAll(async () => {
    rows = await run(stacks);
  });

  test('every row as expected: each caller role invokes its own API, every other principal is refused', () => {
    const wrong = rows.filter((r) => r.decision !== r.call.expected);
    expect(wrong.length === 0 ? 'none' : formatTable('mismatches', wrong)).toBe('none');
  });

  test('the allowed rows are exactly the matrix: per consumer, API it calls and caller kind, one', () => {
    const allowed = rows.filter((r) => r.decision === 'allowed').map((r) => `${r.call.principal} -> ${r.call.context?.['vpc-lattice-svcs:ServiceArn']}`).sort();
    const matrix = env.consumers.flatMap((consumer) => env.apis.filter((api) => consumer.calls.includes(api.name)).flatMap((api) =>
      CALLER_KINDS.map((kind) => `${roleArn(consumer.account, callerRoleName(config, env, consumer, api, kind))} -> ${serviceArnOf(api.name)}`))).sort();
    expect(allowed).toEqual(matrix);
    // Distinct services per API: a lookup that found one service for all would pass the line above trivially.
    expect(new Set(env.apis.map((api) => serviceArnOf(api.name))).size).toBe(env.apis.length);
  });

  test('per pair the matrix denies, every principal of the consumer\'s account is refused that API', () => {
    for (const consumer of env.consumers) {
      for (const api of env.apis.filter((a) => !consumer.calls.includes(a.name))) {
        const tried = rows.filter((r) => r.call.principal.includes(`::${consumer.account}:`) && r.call.call.endsWith(`invokes ${api.name}`));
        expect({ consumer: consumer.name, api: api.name, tried: tried.length > 0, allowed: tried.filter((r) => r.decision === 'allowed').length })
          .toEqual({ consumer: consumer.name, api: api.name, tried: true, allowed: 0 });
      }
    }
  });
});

describe('Lattice invocations on templates bent to break the matrix: the simulation flags each', () => {
  const [victim] = env.apis.filter((api) => env.consumers.filter((c) => c.calls.includes(api.name)).length > 0);
  const caller = env.consumers.find((c) => c.calls.includes(victim.name))!;
  const outsider = env.consumers.find((c) => !c.calls.includes(victim.name) && c.account !== caller.account)!;

  test('the service\'s policy without its source-VPC condition: the caller\'s role from another consumer\'s VPC gets in', async () => {
    const bent = withEdit(stacks, authPolicyIn(serviceStack(victim.name)), (p) => {
      for (const statement of p.Policy.Statement) dropConditionKey(statement, 'vpc-lattice-svcs:SourceVpcOwnerAccount');
    });
    const flagged = mismatches(await run(bent));
    expect(flagged).toEqual(expect.arrayContaining(CALLER_KINDS.map((kind) => `${caller.name}'s ${kind} role for ${victim.name} invokes ${victim.name} from a VPC of ${env.consumers.find((c) => c.account !== caller.account)!.account}`)));
  });

  test('the service\'s policy naming a whole caller account (no role condition): any role of that account gets in', async () => {
    const bent = withEdit(stacks, authPolicyIn(serviceStack(victim.name)), (p) => {
      for (const statement of p.Policy.Statement) dropConditionKey(statement, 'aws:PrincipalArn');
    });
    expect(mismatches(await run(bent))).toContain(`another role of a consumer account (${caller.account}) invokes ${victim.name}`);
  });

  test('a consumer the matrix does not let call the API, added to its policy: that consumer gets in', async () => {
    const bent = withEdit(stacks, authPolicyIn(serviceStack(victim.name)), (p) => {
      p.Policy.Statement.push({ Effect: 'Allow', Action: 'vpc-lattice-svcs:Invoke', Resource: '*', Principal: { AWS: `arn:aws:iam::${outsider.account}:root` } });
    });
    expect(mismatches(await run(bent))).toContain(`another role of a consumer account (${outsider.account}) invokes ${victim.name}`);
  });

  test('a service network policy that admits no one: every allowed call is refused (the network\'s policy is evaluated)', async () => {
    const bent = withEdit(stacks, authPolicyIn((s) => s.account === config.accounts.network), (p) => {
      p.Policy.Statement = [];
    });
    const rows = await run(bent);
    const expectedAllowed = rows.filter((r) => r.call.expected === 'allowed');
    expect(expectedAllowed.length).toBeGreaterThan(0);
    expect(expectedAllowed.filter((r) => r.decision === 'allowed')).toEqual([]);
    expect(new Set(expectedAllowed.map((r) => r.detail))).toEqual(new Set(['ImplicitlyDenied (service network auth policy)']));
  });

  test('both auth policies opened to everyone (AWS\'s "authenticated and unauthenticated" template): an unsigned request gets in', async () => {
    const open = (p: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      p.Policy.Statement = [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }];
    };
    const bent = withEdit(withEdit(stacks, authPolicyIn(serviceStack(victim.name)), open), authPolicyIn((s) => s.account === config.accounts.network), open);
    expect(mismatches(await run(bent))).toContain(`an unsigned request from a VPC of ${caller.account} invokes ${victim.name}`);
  });

  test('a caller role without its invoke grant: its call is refused though both auth policies allow it', async () => {
    const role = callerRoleName(config, env, caller, victim, 'resolver');
    const consumerStack = stacks.find((s) => s.account === caller.account && s.stackName.endsWith(`-ConsumerApp-${caller.name}`))!;
    const roleId = Object.entries(consumerStack.template.Resources!).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === role)![0];
    const bent = withEdit(stacks, (s, r) => s.path === consumerStack.path && r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]), (p) => {
      p.PolicyDocument.Statement = [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }];
    });
    expect(mismatches(await run(bent))).toEqual([`${caller.name}'s resolver role for ${victim.name} invokes ${victim.name}`]);
  });

  test('an auth policy dropped from the service: every call to it is refused (auth type AWS_IAM with no policy)', async () => {
    const bent = structuredClone(stacks) as StackTemplate[];
    const service = bent.find(serviceStack(victim.name))!;
    const [policyId] = Object.entries(service.template.Resources!).find(([, r]) => r.Type === 'AWS::VpcLattice::AuthPolicy')!;
    delete service.template.Resources![policyId];
    const toVictim = (await run(bent)).filter((r) => r.call.context?.['vpc-lattice-svcs:ServiceArn'] === serviceArnOf(victim.name));
    expect(toVictim.filter((r) => r.call.expected === 'allowed').length).toBeGreaterThan(0);
    expect(toVictim.filter((r) => r.decision === 'allowed')).toEqual([]);
  });
});

describe('VPC Lattice\'s rule: identity policy and auth policy must both allow, even in the service\'s own account', () => {
  const account = '444444444444';
  const principal = roleArn(account, 'caller');
  const service = `arn:aws:vpc-lattice:eu-west-1:${account}:service/svc-0123456789abcdef0`;
  const invoke = { Effect: 'Allow', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' };
  const base = {
    principal, action: 'vpc-lattice-svcs:Invoke', resource: `${service}/items`, resourceAccount: account,
    context: { 'vpc-lattice-svcs:SourceVpcOwnerAccount': account }, expected: 'denied' as const,
  };
  const onlyAuthPolicy = { ...base, call: 'a role its auth policy names, with no grant of its own', identityPolicies: [], resourcePolicy: { Version: '2012-10-17', Statement: [{ ...invoke, Principal: { AWS: principal } }] } };
  const onlyIdentity = { ...base, call: 'a role with a grant, which the auth policy does not name', identityPolicies: [{ name: 'grant', policy: { Version: '2012-10-17', Statement: [invoke] } }], resourcePolicy: { Version: '2012-10-17', Statement: [] } };
  test.each([
    [onlyAuthPolicy.call, false, 'allowed', onlyAuthPolicy], [onlyAuthPolicy.call, true, 'denied', onlyAuthPolicy],
    [onlyIdentity.call, false, 'allowed', onlyIdentity], [onlyIdentity.call, true, 'denied', onlyIdentity],
  ] as const)('%s, explicitAllowRequired %s: %s', async (_name, explicitAllowRequired, decision, call) => {
    // Without the flag IAM's same-account rule (either policy alone allows) would let it through.
    expect((await evaluate({ ...call, explicitAllowRequired })).decision).toBe(decision);
  });
});
