/**
 * VPC Lattice mode: who may invoke each API's Lattice service. Found in the templates: the service
 * (the API's Lattice service and its auth policy), the service network it is associated with (and
 * that network's auth policy), the identity policies of each consumer's caller roles. Expected
 * from the configuration: allowed exactly for the pairs the access matrix (`consumers[].calls`)
 * lists, so an auth policy that names one role too many, or a grant the matrix does not list,
 * shows as a mismatch instead of redefining what is expected.
 */
import { connectivityOf } from '../../lib/config/connectivity';
import { apisCalledBy } from '../../lib/config/matrix';
import { CALLER_KINDS, CallerKind, callerRoleName, partitionOf } from '../../lib/config/names';
import { ApiConfig, EnvironmentConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { AssemblyIndex, Located, PolicyDocument } from './assembly-index';
import { CallSource, STRANGER_ACCOUNT } from './call-source';
import { AccessCall, ANONYMOUS } from './simulate';

const INVOKE = 'vpc-lattice-svcs:Invoke';

/** A Lattice service or service network as AWS evaluates a request to it: its ARN, id and the auth policy that applies. */
interface AuthGuarded {
  readonly located: Located;
  readonly arn: string;
  readonly id: string;
  readonly authPolicy: PolicyDocument;
}

/**
 * A principal that VPC Lattice lets through without checking an auth policy: what a service or
 * network with auth type NONE amounts to (the identity policy is then all that is left).
 */
const NO_AUTH: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: INVOKE, Resource: '*' }] };

/**
 * The identity policy of a role the design never grants anything: it may sign requests, and its
 * own account lets it invoke any Lattice service, so only the auth policies stand in its way.
 */
const ANY_INVOKE = { name: 'invokes any Lattice service', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: INVOKE, Resource: '*' }] } as PolicyDocument };

/** The path each caller kind requests: the health check its route, the resolver any other. */
const PATH: Record<CallerKind, string> = { resolver: '/items', check: '/healthz' };

/** A property of `found` (an identifier), resolved. */
const identifierOf = (index: AssemblyIndex, found: Located, property: string): string => index.resolve<string>(found.stack, found.resource.Properties?.[property]);

/** The resource among `candidates` that `identifier` names (an ARN or an id: Lattice accepts both). */
function named(index: AssemblyIndex, candidates: Located[], identifier: string): AuthGuarded | undefined {
  for (const located of candidates) {
    const arn = index.resolve<string>(located.stack, { 'Fn::GetAtt': [located.logicalId, 'Arn'] });
    const id = index.resolve<string>(located.stack, { 'Fn::GetAtt': [located.logicalId, 'Id'] });
    if (identifier === arn || identifier === id) return { located, arn, id, authPolicy: authPolicyOf(index, located, arn, id) };
  }
  return undefined;
}

/**
 * The auth policy VPC Lattice applies to a service or service network: with auth type AWS_IAM its
 * `AWS::VpcLattice::AuthPolicy` (none at all refuses every request, as AWS documents), with NONE
 * no check at that level.
 */
function authPolicyOf(index: AssemblyIndex, located: Located, arn: string, id: string): PolicyDocument {
  if (located.resource.Properties?.AuthType !== 'AWS_IAM') return NO_AUTH;
  const policies = index.resourcesOfType('AWS::VpcLattice::AuthPolicy').filter((p) => [arn, id].includes(identifierOf(index, p, 'ResourceIdentifier')));
  if (policies.length > 1) throw new Error(`${located.stack.path}/${located.logicalId}: ${policies.length} auth policies name it; VPC Lattice takes one per resource.`);
  if (policies.length === 0) return { Version: '2012-10-17', Statement: [] };
  return index.resolve<PolicyDocument>(policies[0].stack, policies[0].resource.Properties!.Policy);
}

/** The Lattice service of `api`: the one in its `<Stage>-ApiService-<api>` stack, in the API's account. */
function serviceOf(index: AssemblyIndex, env: EnvironmentConfig, api: ApiConfig): AuthGuarded {
  const stackName = `${stageIdFor(env)}-ApiService-${api.name}`;
  const found = index.resourcesOfType('AWS::VpcLattice::Service').filter((s) => s.stack.stackName === stackName && s.stack.account === api.account);
  if (found.length !== 1) {
    throw new Error(`environment "${env.name}" is in lattice mode: expected one AWS::VpcLattice::Service for API "${api.name}" in stack ${stackName} of account ${api.account}, found ${found.length}.`);
  }
  const [located] = found;
  const arn = index.resolve<string>(located.stack, { 'Fn::GetAtt': [located.logicalId, 'Arn'] });
  const id = index.resolve<string>(located.stack, { 'Fn::GetAtt': [located.logicalId, 'Id'] });
  return { located, arn, id, authPolicy: authPolicyOf(index, located, arn, id) };
}

/**
 * The service network whose auth policy applies to requests to `service`: the one it is
 * associated with. An unassociated service is reachable from no VPC, so that is an error here.
 */
function networkOf(index: AssemblyIndex, env: EnvironmentConfig, service: AuthGuarded): AuthGuarded {
  const networks = index.resourcesOfType('AWS::VpcLattice::ServiceNetwork');
  const associated = index.resourcesOfType('AWS::VpcLattice::ServiceNetworkServiceAssociation')
    .filter((a) => [service.arn, service.id].includes(identifierOf(index, a, 'ServiceIdentifier')))
    .map((a) => named(index, networks, identifierOf(index, a, 'ServiceNetworkIdentifier')));
  if (associated.length !== 1 || associated[0] === undefined) {
    throw new Error(`${service.located.stack.path}/${service.located.logicalId}: expected one association with a service network of the assembly, found ${associated.filter((n) => n).length}; environment "${env.name}" is in lattice mode.`);
  }
  return associated[0];
}

/**
 * Every caller role's invocation of every API's Lattice service, in each environment in lattice
 * mode, and the principals that must be refused. AWS evaluates a request to a service in a network
 * with auth type AWS_IAM against the caller's identity policies, the service network's auth
 * policy and the service's auth policy, and every one must allow it ("For authorization to
 * succeed, both auth policies and identity-based policies need to have explicit allow
 * statements", VPC Lattice User Guide, auth policies): so the identity policy is required even
 * where IAM would let a resource policy alone allow a principal of its own account, and across
 * accounts (each consumer is in its own) it is required by IAM's rules anyway. The request
 * context is what Lattice sets: the caller's role (`aws:PrincipalArn`, `aws:PrincipalAccount`),
 * the owner of the VPC the request comes from, the service and the network.
 */
export const latticeInvokeCalls: CallSource = (index, config) => {
  const partition = partitionOf(config);
  const roleArn = (account: string, name: string) => `arn:${partition}:iam::${account}:role/${name}`;
  return config.environments.filter((env) => connectivityOf(env) === 'lattice').flatMap((env) => {
    const guards = new Map(env.apis.map((api) => {
      const service = serviceOf(index, env, api);
      return [api.name, { service, network: networkOf(index, env, service) }];
    }));
    const invoke = (call: string, principal: string, identityPolicies: AccessCall['identityPolicies'], api: ApiConfig, sourceVpcOwner: string, path: string, expected: 'allowed' | 'denied'): AccessCall => {
      const { service, network } = guards.get(api.name)!;
      return {
        call, principal, action: INVOKE, resource: `${service.arn}${path}`, resourceAccount: api.account,
        identityPolicies, resourcePolicy: service.authPolicy, resourcePolicyName: 'service auth policy', furtherResourcePolicies: [{ name: 'service network auth policy', policy: network.authPolicy }], explicitAllowRequired: true,
        context: { 'vpc-lattice-svcs:SourceVpcOwnerAccount': sourceVpcOwner, 'vpc-lattice-svcs:ServiceArn': service.arn, 'vpc-lattice-svcs:ServiceNetworkArn': network.arn },
        expected,
      };
    };
    const consumerAccounts = [...new Set(env.consumers.map((c) => c.account))];
    const calls: AccessCall[] = [];
    for (const consumer of env.consumers) {
      for (const own of apisCalledBy(env, consumer)) {
        for (const kind of CALLER_KINDS) {
          const role = roleArn(consumer.account, callerRoleName(config, env, consumer, own, kind));
          const identity = index.identityPolicies(role);
          const who = `${consumer.name}'s ${kind} role for ${own.name}`;
          for (const api of env.apis) {
            calls.push(invoke(`${who} invokes ${api.name}`, role, identity, api, consumer.account, PATH[kind], api.name === own.name ? 'allowed' : 'denied'));
          }
          // The same role from a VPC its account does not own: another consumer's (the service
          // network admits that account, only the service's condition refuses it), a stranger's.
          const elsewhere = [consumerAccounts.find((a) => a !== consumer.account), STRANGER_ACCOUNT].filter((a): a is string => a !== undefined);
          for (const vpcOwner of elsewhere) {
            calls.push(invoke(`${who} invokes ${own.name} from a VPC of ${vpcOwner}`, role, identity, own, vpcOwner, PATH[kind], 'denied'));
          }
        }
      }
    }
    // Principals no policy of the design names, each from a VPC of its own account.
    const apiAccounts = [...new Set(env.apis.map((a) => a.account))].filter((a) => !consumerAccounts.includes(a));
    const others = [
      ...consumerAccounts.map((account) => ({ account, who: 'another role of a consumer account' })),
      ...apiAccounts.map((account) => ({ account, who: 'a role of an API account' })),
      { account: STRANGER_ACCOUNT, who: 'a role of an account outside the configuration' },
    ];
    for (const { account, who } of others) {
      for (const api of env.apis) {
        calls.push(invoke(`${who} (${account}) invokes ${api.name}`, roleArn(account, 'any-other-role'), [ANY_INVOKE], api, account, '/items', 'denied'));
      }
    }
    // An unsigned request, even from a caller's own VPC: Lattice evaluates it as an anonymous
    // principal, which only an auth policy allowing `*` admits.
    for (const api of env.apis) {
      for (const account of [...new Set(env.consumers.filter((c) => c.calls.includes(api.name)).map((c) => c.account))]) {
        calls.push(invoke(`an unsigned request from a VPC of ${account} invokes ${api.name}`, ANONYMOUS, [], api, account, '/items', 'denied'));
      }
    }
    return calls;
  });
};
