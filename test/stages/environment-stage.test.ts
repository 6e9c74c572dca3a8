import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { exampleConfig } from '../../lib/config/environments';
import { SHARED_PARAMETERS, SharedParameterKey, sharedParameterArn, sharedParameterName } from '../../lib/config/shared-parameters';
import { EnvironmentStage } from '../../lib/stages/environment-stage';
import { buildTestApp, configWith, resourcesOf, templateOf } from '../helpers';

const { stages } = buildTestApp();
const [dev, prod] = stages;

/** Every stack of a stage. */
const stacksOf = (stage: EnvironmentStage) => stage.node.children.filter((c): c is Stack => c instanceof Stack);

describe('EnvironmentStage', () => {
  test('one stage per environment, each stack pinned to its account and the region', () => {
    expect(stages.map((s) => s.stageName)).toEqual(['Dev', 'Prod']);
    const accounts = Object.fromEntries(stacksOf(prod).map((s) => [s.node.id, s.account]));
    expect(accounts).toMatchObject({
      TransitHub: '222222222222',
      ApiNetwork: '666666666666',
      'ConsumerNetwork-storefront': '777777777777',
      'ConsumerNetwork-reporting': '888888888888',
    });
    for (const stack of stacksOf(prod)) expect(stack.region).toBe('eu-west-1');
  });

  test('the networks deploy after the transit hub', () => {
    for (const stage of stages) {
      for (const network of [stage.apiNetwork, ...stage.consumerNetworks.values()]) {
        expect(network.dependencies).toContain(stage.transitHub);
      }
    }
  });

  test('the transit gateway auto-accepts shared attachments and has DNS support', () => {
    templateOf(dev.transitHub!).hasResourceProperties('AWS::EC2::TransitGateway', {
      AutoAcceptSharedAttachments: 'enable',
      DefaultRouteTableAssociation: 'enable',
      DefaultRouteTablePropagation: 'enable',
      DnsSupport: 'enable',
    });
  });

  test('the gateway is shared through RAM with exactly the environment\'s api and consumer accounts', () => {
    const shares = resourcesOf(templateOf(prod.transitHub!), 'AWS::RAM::ResourceShare');
    const gatewayShare = shares.find(([id]) => id.startsWith('GatewayShare'))![1];
    expect((gatewayShare.Properties!.Principals as string[]).sort()).toEqual(['666666666666', '777777777777', '888888888888']);
    expect(gatewayShare.Properties!.AllowExternalPrincipals).toBe(false);
    expect(JSON.stringify(gatewayShare.Properties!.ResourceArns)).toMatch(/transit-gateway\//);
  });

  test('the API VPC routes to each consumer; a consumer VPC routes to the API only', () => {
    const apiRoutes = resourcesOf(templateOf(prod.apiNetwork), 'AWS::EC2::Route').map(([, r]) => r.Properties!.DestinationCidrBlock);
    expect([...new Set(apiRoutes)].sort()).toEqual(['10.120.0.0/20', '10.121.0.0/20']);
    const consumerRoutes = resourcesOf(templateOf(prod.consumerNetworks.get('storefront')!), 'AWS::EC2::Route').map(([, r]) => r.Properties!.DestinationCidrBlock);
    expect([...new Set(consumerRoutes)]).toEqual(['10.110.0.0/20']);
  });

  describe.each(Object.keys(SHARED_PARAMETERS) as SharedParameterKey[])('shared parameter %s', (key) => {
    test.each(exampleConfig.environments.map((e, i) => [e.name, i] as const))('in %s: written by its owner, shared with and read by exactly its readers', (_name, index) => {
      const env = exampleConfig.environments[index];
      const stage = stages[index];
      const spec = SHARED_PARAMETERS[key];
      const name = sharedParameterName(exampleConfig, env, key);
      const arn = sharedParameterArn(exampleConfig, env, key);

      const writers = stacksOf(stage).filter((s) => resourcesOf(templateOf(s), 'AWS::SSM::Parameter').some(([, p]) => p.Properties!.Name === name));
      expect(writers.map((s) => s.account)).toEqual([spec.owner(exampleConfig, env)]);
      const writer = templateOf(writers[0]);
      writer.hasResourceProperties('AWS::SSM::Parameter', { Name: name, Tier: 'Advanced' });
      const share = resourcesOf(writer, 'AWS::RAM::ResourceShare').find(([, s]) => JSON.stringify(s.Properties!.ResourceArns).includes(`parameter${name}`));
      expect((share![1].Properties!.Principals as string[]).sort()).toEqual([...spec.readers(exampleConfig, env)].sort());

      const readers = stacksOf(stage).filter((s) => Object.values(templateOf(s).toJSON().Parameters ?? {}).some((p) => (p as { Default?: string }).Default === arn));
      // Every reader account has a stack reading it, and no other account reads it.
      expect([...new Set(readers.map((s) => s.account))].sort()).toEqual([...spec.readers(exampleConfig, env)].sort());
    });
  });
});

describe('logical ids of stateful resources stay stable (a rename replaces a live resource)', () => {
  test.each<[string, () => Stack, string, string]>([
    ['the transit gateway', () => dev.transitHub!, 'AWS::EC2::TransitGateway', 'TransitGateway'],
    ['the API VPC', () => dev.apiNetwork, 'AWS::EC2::VPC', 'NetworkVpc7FB7348F'],
    ['the API subzone', () => dev.apiDns, 'AWS::Route53::HostedZone', 'SubdomainZoneFD7D4706'],
    ['the NS delegation', () => dev.apiDns, 'Custom::CrossAccountZoneDelegation', 'SubdomainDelegationCrossAccountZoneDelegationCustomResource524B281B'],
    ['the certificate', () => dev.apiDns, 'AWS::CertificateManager::Certificate', 'SubdomainCertificate23EB9419'],
    ['the load balancer', () => dev.apiService, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'ApiLoadBalancer9F78B8A1'],
    ['the GraphQL API', () => dev.consumerApps.get('storefront')!, 'AWS::AppSync::GraphQLApi', 'GraphqlApi5FB08D89'],
  ])('%s', (_name, stack, type, logicalId) => {
    expect(Object.keys(templateOf(stack()).findResources(type))).toEqual([logicalId]);
  });
});

describe('EnvironmentStage variants', () => {
  test('import mode: no TransitHub stack, the gateway id comes from config', () => {
    const { stages: [stage] } = buildTestApp(configWith((c) => {
      c.environments[0].transitGateway = { mode: 'import', transitGatewayId: 'tgw-0123456789abcdef0' };
    }));
    expect(stage.transitHub).toBeUndefined();
    expect(stage.node.tryFindChild('TransitHub')).toBeUndefined();
    templateOf(stage.apiNetwork).hasResourceProperties('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: 'tgw-0123456789abcdef0' });
    expect(templateOf(stage.apiNetwork).toJSON().Parameters).not.toHaveProperty('TransitGatewayIdParameter');
  });

  test('a single-account sandbox synthesizes without sharing anything with itself', () => {
    const one = '123456789012';
    const { app, stages: [stage] } = buildTestApp(configWith((c) => {
      c.accounts = { tools: one, network: one, dns: one };
      c.environments = [{ ...c.environments[0], apiAccount: one, consumers: [{ ...c.environments[0].consumers[0], account: one }] }];
    }));
    app.synth();
    templateOf(stage.transitHub!).resourceCountIs('AWS::RAM::ResourceShare', 0);
    templateOf(stage.transitHub!).hasResourceProperties('AWS::SSM::Parameter', { Name: '/internal-api/dev/transit-gateway-id' });
    templateOf(stage.apiNetwork).hasParameter('TransitGatewayIdParameter', { Default: Match.stringLikeRegexp(`:${one}:parameter/internal-api/dev/transit-gateway-id$`) });
  });
});
