/**
 * Hand-written templates of a lattice-mode environment, in the shape the stacks synthesize (the
 * contract the Lattice call source reads): the service network and its auth policy in the network
 * account, each API's service with its auth policy and association, each consumer's caller roles
 * with their invoke grants, the ARNs travelling as shared SSM parameters. Built from a
 * configuration, so the call source's expectations (also from the configuration) can be checked
 * against templates that follow the matrix, and against copies bent to break it.
 */
import { callersOf } from '../../lib/config/matrix';
import { CALLER_KINDS, callerRoleName } from '../../lib/config/names';
import { AppConfig, EnvironmentConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { CfnResource, StackTemplate } from '../../tools/access-sim/intrinsics';

const INVOKE = 'vpc-lattice-svcs:Invoke';

/** `/internal-api/dev/<key>[/api-<name>]`, as lib/config/shared-parameters.ts names them. */
const parameterName = (config: AppConfig, env: EnvironmentConfig, key: string, api?: string) => `/${config.projectName}/${env.name}/${key}${api ? `/api-${api}` : ''}`;
const parameterArn = (config: AppConfig, account: string, name: string) => `arn:aws:ssm:${config.region}:${account}:parameter${name}`;
const sharedValue = (arn: string) => ({ Type: 'AWS::SSM::Parameter::Value<String>', Default: arn });

/** Every stack of `env`'s lattice wiring. */
export function latticeFixture(config: AppConfig, env: EnvironmentConfig): StackTemplate[] {
  const stage = stageIdFor(env);
  const stack = (name: string, account: string, resources: Record<string, CfnResource>, parameters: Record<string, unknown> = {}): StackTemplate => ({
    stackName: `${stage}-${name}`, path: `${stage}/${name}`, account, region: config.region, template: { Resources: resources, Parameters: parameters },
  });
  const networkArnName = parameterName(config, env, 'service-network-arn');
  const consumerAccounts = [...new Set(env.consumers.map((c) => c.account))];
  const hub = stack('LatticeHub', config.accounts.network, {
    Network: { Type: 'AWS::VpcLattice::ServiceNetwork', Properties: { AuthType: 'AWS_IAM', Name: `${config.projectName}-${env.name}` } },
    NetworkAuthPolicy: {
      Type: 'AWS::VpcLattice::AuthPolicy',
      Properties: {
        ResourceIdentifier: { 'Fn::GetAtt': ['Network', 'Id'] },
        Policy: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow', Action: INVOKE, Resource: '*',
            Principal: { AWS: consumerAccounts.map((a) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${a}:root`]] })) },
            Condition: { StringEquals: { 'vpc-lattice-svcs:SourceVpcOwnerAccount': consumerAccounts } },
          }],
        },
      },
    },
    NetworkArn: { Type: 'AWS::SSM::Parameter', Properties: { Name: networkArnName, Type: 'String', Value: { Ref: 'Network' } } },
  });
  const apis = env.apis.map((api) => stack(`ApiService-${api.name}`, api.account, {
    Service: { Type: 'AWS::VpcLattice::Service', Properties: { AuthType: 'AWS_IAM', Name: `${config.projectName}-${env.name}-${api.name}` } },
    ServiceAuthPolicy: {
      Type: 'AWS::VpcLattice::AuthPolicy',
      Properties: {
        ResourceIdentifier: { Ref: 'Service' },
        Policy: {
          Version: '2012-10-17',
          Statement: callersOf(env, api).map((consumer) => ({
            Effect: 'Allow', Action: INVOKE, Resource: '*',
            Principal: { AWS: `arn:aws:iam::${consumer.account}:root` },
            Condition: {
              StringEquals: {
                'aws:PrincipalArn': CALLER_KINDS.map((kind) => `arn:aws:iam::${consumer.account}:role/${callerRoleName(config, env, consumer, api, kind)}`),
                'vpc-lattice-svcs:SourceVpcOwnerAccount': consumer.account,
              },
            },
          })),
        },
      },
    },
    Association: { Type: 'AWS::VpcLattice::ServiceNetworkServiceAssociation', Properties: { ServiceIdentifier: { Ref: 'Service' }, ServiceNetworkIdentifier: { Ref: 'ServiceNetworkArn' } } },
    ServiceArn: { Type: 'AWS::SSM::Parameter', Properties: { Name: parameterName(config, env, 'lattice-service-arn', api.name), Type: 'String', Value: { 'Fn::GetAtt': ['Service', 'Arn'] } } },
  }, { ServiceNetworkArn: sharedValue(parameterArn(config, config.accounts.network, networkArnName)) }));
  const consumers = env.consumers.map((consumer) => {
    const resources: Record<string, CfnResource> = {};
    const parameters: Record<string, unknown> = {};
    for (const api of env.apis.filter((a) => consumer.calls.includes(a.name))) {
      parameters[`ServiceArn${api.name}`] = sharedValue(parameterArn(config, api.account, parameterName(config, env, 'lattice-service-arn', api.name)));
      for (const kind of CALLER_KINDS) {
        const role = `${kind}${api.name}Role`;
        resources[role] = {
          Type: 'AWS::IAM::Role',
          Properties: { RoleName: callerRoleName(config, env, consumer, api, kind), AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
        };
        resources[`${role}DefaultPolicy`] = {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: `${role}DefaultPolicy`, Roles: [{ Ref: role }],
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: INVOKE, Resource: { 'Fn::Join': ['', [{ Ref: `ServiceArn${api.name}` }, '/*']] } }] },
          },
        };
      }
    }
    return stack(`ConsumerApp-${consumer.name}`, consumer.account, resources, parameters);
  });
  return [hub, ...apis, ...consumers];
}

/**
 * A deep copy of `stacks` with `edit` applied to the properties of the one resource `pick` chooses:
 * a template bent for a mutation check. Throws unless exactly one resource is picked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withEdit(stacks: readonly StackTemplate[], pick: (stack: StackTemplate, resource: CfnResource) => boolean, edit: (properties: Record<string, any>) => void): StackTemplate[] {
  const copy = structuredClone(stacks) as StackTemplate[];
  const picked = copy.flatMap((stack) => Object.values(stack.template.Resources ?? {}).filter((resource) => pick(stack, resource)));
  if (picked.length !== 1) throw new Error(`the mutation picks ${picked.length} resources; pick one`);
  edit(picked[0].Properties!);
  return copy;
}

/** `statement` without the condition key `key`, under whichever operator it sits (an operator left empty goes too). */
export function dropConditionKey(statement: { Condition?: Record<string, Record<string, unknown>> }, key: string): void {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const found = Object.keys(keys).find((k) => k.toLowerCase() === key.toLowerCase());
    if (found === undefined) continue;
    delete keys[found];
    if (Object.keys(keys).length === 0) delete statement.Condition![operator];
  }
}
