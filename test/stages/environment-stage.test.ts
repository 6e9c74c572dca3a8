import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { connectivityOf } from '../../lib/config/connectivity';
import { exampleConfig } from '../../lib/config/environments';
import { validateConfig } from '../../lib/config/validate';
import { EnvironmentVpc, environmentVpcs, SHARED_PARAMETERS, SharedParameterKey, sharedParameterArn, sharedParameterName } from '../../lib/config/shared-parameters';
import { EnvironmentStage, stageIdFor } from '../../lib/stages/environment-stage';
import { buildTestApp, buildTestStages, configWith, exampleEnvironment, exampleTestStages, firstEnvironmentOnly, memo, resourcesOf, stageNamed, templateOf } from '../helpers';
import { gatewayRouting } from '../transit-routes';

// The example's stages, built on first use and shared by the tests below that only read them.
const stages = () => exampleTestStages().stages;
const dev = () => stageNamed(stages(), 'dev');
const prod = () => stageNamed(stages(), 'prod');
const prodEnv = exampleEnvironment('prod');

/** Every stack of a stage. */
const stacksOf = (stage: EnvironmentStage) => stage.node.children.filter((c): c is Stack => c instanceof Stack);

describe('EnvironmentStage', () => {
  test('one stage per environment, each stack pinned to its account and the region', () => {
    expect(stages().map((s) => s.stageName)).toEqual(exampleConfig.environments.map(stageIdFor));
    expect(stageIdFor(exampleEnvironment('dev'))).toBe('Dev'); // golden: Stage ids name CloudFormation stacks
    const accounts = Object.fromEntries(stacksOf(prod()).map((s) => [s.node.id, s.account]));
    expect(accounts).toMatchObject({
      TransitHub: exampleConfig.accounts.network,
      ApiNetwork: prodEnv.apiAccount,
      ...Object.fromEntries(prodEnv.consumers.map((c) => [`ConsumerNetwork-${c.name}`, c.account])),
    });
    for (const stack of stacksOf(prod())) expect(stack.region).toBe(exampleConfig.region);
  });

  test('the networks deploy after the transit hub', () => {
    for (const stage of stages()) {
      for (const network of [stage.apiNetwork, ...stage.consumerNetworks.values()]) {
        expect(network.dependencies).toContain(stage.transitHub);
      }
    }
  });

  test('the transit gateway auto-accepts shared attachments and has DNS support', () => {
    templateOf(dev().transitHub!).hasResourceProperties('AWS::EC2::TransitGateway', {
      AutoAcceptSharedAttachments: 'enable',
      DnsSupport: 'enable',
    });
  });

  describe('consumers are isolated from each other at the transit gateway', () => {
    // Evaluated from the synthesized templates of the whole stage, as the gateway would route.
    const routing = memo(() => gatewayRouting(stacksOf(prod())));
    const env = prodEnv;
    const consumerCidrs = env.consumers.map((c) => c.cidr);

    test('every attachment is associated with exactly one route table', () => {
      expect([...routing().associations.keys()].sort()).toEqual([env.apiCidr, ...consumerCidrs].sort());
      for (const tables of routing().associations.values()) expect(tables).toHaveLength(1);
    });

    test.each(env.consumers.map((c) => [c.name, c.cidr]))('consumer %s: the gateway routes its traffic to the API and to no other consumer', (_name, cidr) => {
      expect(routing().routesFrom.get(cidr)).toEqual([env.apiCidr]);
    });

    test('the API: the gateway routes its traffic to each consumer', () => {
      expect(routing().routesFrom.get(env.apiCidr)).toEqual([...consumerCidrs].sort());
    });

    test('routing deploys in the network account after every network, and before the consumers\' health checks', () => {
      expect(prod().transitRouting!.account).toBe(exampleConfig.accounts.network);
      for (const network of [prod().apiNetwork, ...prod().consumerNetworks.values()]) expect(prod().transitRouting!.dependencies).toContain(network);
      for (const app of prod().consumerApps.values()) expect(app.dependencies).toContain(prod().transitRouting);
    });
  });

  test('the gateway is shared through RAM with exactly the environment\'s api and consumer accounts', () => {
    const shares = resourcesOf(templateOf(prod().transitHub!), 'AWS::RAM::ResourceShare');
    const gatewayShare = shares.find(([id]) => id.startsWith('GatewayShare'))![1];
    const readers = [prodEnv.apiAccount, ...prodEnv.consumers.map((c) => c.account)];
    expect((gatewayShare.Properties!.Principals as string[]).sort()).toEqual([...new Set(readers)].sort());
    expect(gatewayShare.Properties!.AllowExternalPrincipals).toBe(false);
    expect(JSON.stringify(gatewayShare.Properties!.ResourceArns)).toMatch(/transit-gateway\//);
  });

  test('the API VPC routes to each consumer; a consumer VPC routes to the API only', () => {
    const apiRoutes = resourcesOf(templateOf(prod().apiNetwork), 'AWS::EC2::Route').map(([, r]) => r.Properties!.DestinationCidrBlock);
    expect([...new Set(apiRoutes)].sort()).toEqual(prodEnv.consumers.map((c) => c.cidr).sort());
    for (const consumer of prodEnv.consumers) {
      const consumerRoutes = resourcesOf(templateOf(prod().consumerNetworks.get(consumer.name)!), 'AWS::EC2::Route').map(([, r]) => r.Properties!.DestinationCidrBlock);
      expect([...new Set(consumerRoutes)]).toEqual([prodEnv.apiCidr]);
    }
  });

  // Each (environment, VPC) for a per-VPC parameter, each environment otherwise.
  const instances = (key: SharedParameterKey): [string, number, EnvironmentVpc | undefined][] =>
    exampleConfig.environments.flatMap((e, i) =>
      (SHARED_PARAMETERS[key].connectivity ?? connectivityOf(e)) !== connectivityOf(e) ? [] : SHARED_PARAMETERS[key].perVpc
        ? environmentVpcs(e).map((vpc): [string, number, EnvironmentVpc | undefined] => [`${e.name}/${vpc.kind === 'api' ? 'api' : vpc.name}`, i, vpc])
        : [[e.name, i, undefined]],
    );
  // Keys of another connectivity mode are covered by that mode's tests (test/stages/privatelink.test.ts).
  describe.each((Object.keys(SHARED_PARAMETERS) as SharedParameterKey[]).filter((k) => instances(k).length > 0))('shared parameter %s', (key) => {
    test.each(instances(key))('in %s: written by its owner, shared with and read by exactly its readers', (_name, index, vpc) => {
      const env = exampleConfig.environments[index];
      const stage = stages()[index];
      const spec = SHARED_PARAMETERS[key];
      const name = sharedParameterName(exampleConfig, env, key, vpc);
      const arn = sharedParameterArn(exampleConfig, env, key, vpc);

      const writers = stacksOf(stage).filter((s) => resourcesOf(templateOf(s), 'AWS::SSM::Parameter').some(([, p]) => p.Properties!.Name === name));
      expect(writers.map((s) => s.account)).toEqual([spec.owner(exampleConfig, env, vpc)]);
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
    ['the transit gateway', () => dev().transitHub!, 'AWS::EC2::TransitGateway', 'TransitGateway'],
    ['the API VPC', () => dev().apiNetwork, 'AWS::EC2::VPC', 'NetworkVpc7FB7348F'],
    ['the API subzone', () => dev().apiDns, 'AWS::Route53::HostedZone', 'SubdomainZoneFD7D4706'],
    ['the NS delegation', () => dev().apiDns, 'Custom::CrossAccountZoneDelegation', 'SubdomainDelegationCrossAccountZoneDelegationCustomResource524B281B'],
    ['the certificate', () => dev().apiDns, 'AWS::CertificateManager::Certificate', 'SubdomainCertificate23EB9419'],
    ['the load balancer', () => dev().apiService, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'ApiLoadBalancer9F78B8A1'],
    ['the GraphQL API', () => dev().consumerApps.get('storefront')!, 'AWS::AppSync::GraphQLApi', 'GraphqlApi5FB08D89'],
  ])('%s', (_name, stack, type, logicalId) => {
    expect(Object.keys(templateOf(stack()).findResources(type))).toEqual([logicalId]);
  });
});

describe('EnvironmentStage variants', () => {
  test('import mode: no TransitHub stack, the gateway id comes from config', () => {
    const { stages: [stage] } = buildTestStages(configWith((c) => {
      firstEnvironmentOnly(c);
      c.environments[0].transitGateway = { mode: 'import', transitGatewayId: 'tgw-0123456789abcdef0' };
    }));
    expect(stage.transitHub).toBeUndefined();
    expect(stage.node.tryFindChild('TransitHub')).toBeUndefined();
    // The imported gateway's route tables are its owner's: no routing stack, no attachment ids published.
    expect(stage.node.tryFindChild('TransitRouting')).toBeUndefined();
    templateOf(stage.apiNetwork).resourceCountIs('AWS::SSM::Parameter', 0);
    templateOf(stage.apiNetwork).hasResourceProperties('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: 'tgw-0123456789abcdef0' });
    expect(templateOf(stage.apiNetwork).toJSON().Parameters).not.toHaveProperty('TransitGatewayIdParameter');
  });

  test('a single-account sandbox (the example, every account id equal) passes validation and the compliance checks, sharing nothing with itself', () => {
    const one = '123456789012';
    const sandbox = configWith((c) => {
      c.accounts = { tools: one, network: one, dns: one };
      c.pipeline.connectionArn = c.pipeline.connectionArn.replace(/:\d{12}:/, `:${one}:`);
      for (const env of c.environments) {
        env.apiAccount = one;
        for (const consumer of env.consumers) consumer.account = one; // prod's two consumers share it
      }
    });
    expect(validateConfig(sandbox)).toEqual([]);
    const { app, stages: [stage] } = buildTestApp(sandbox, { bundling: false });
    // An error-level cdk-nag finding would throw here (failSynthOnValidationErrors).
    app.synth();
    expect(new Set(app.node.findAll().filter((c): c is Stack => c instanceof Stack).map((s) => s.account))).toEqual(new Set([one]));
    templateOf(stage.transitHub!).resourceCountIs('AWS::RAM::ResourceShare', 0);
    templateOf(stage.transitHub!).hasResourceProperties('AWS::SSM::Parameter', { Name: '/internal-api/dev/transit-gateway-id' });
    templateOf(stage.apiNetwork).hasParameter('TransitGatewayIdParameter', { Default: Match.stringLikeRegexp(`:${one}:parameter/internal-api/dev/transit-gateway-id$`) });
  });
});
