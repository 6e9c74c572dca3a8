import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { connectivityOf } from '../../lib/config/connectivity';
import { apisCalledBy, callersOf } from '../../lib/config/matrix';
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
      DelegationRole: exampleConfig.accounts.dns,
      ...Object.fromEntries(prodEnv.apis.flatMap((a) => ['ApiNetwork', 'ApiDns', 'ApiService'].map((kind) => [`${kind}-${a.name}`, a.account]))),
      ...Object.fromEntries(prodEnv.consumers.flatMap((c) => ['ConsumerNetwork', 'ConsumerApp'].map((kind) => [`${kind}-${c.name}`, c.account]))),
    });
    expect(Object.keys(accounts).sort()).toEqual(['TransitHub', 'TransitRouting', 'DelegationRole', ...prodEnv.apis.flatMap((a) => [`ApiNetwork-${a.name}`, `ApiDns-${a.name}`, `ApiService-${a.name}`]),
      ...prodEnv.consumers.flatMap((c) => [`ConsumerNetwork-${c.name}`, `ConsumerApp-${c.name}`])].sort());
    for (const stack of stacksOf(prod())) expect(stack.region).toBe(exampleConfig.region);
  });

  test('the networks deploy after the transit hub', () => {
    for (const stage of stages()) {
      for (const network of [...[...stage.apis.values()].map((a) => a.network), ...stage.consumerNetworks.values()]) {
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

  describe('the transit gateway routes exactly the access matrix', () => {
    // Evaluated from the synthesized templates of the whole stage, as the gateway would route.
    const routing = memo(() => gatewayRouting(stacksOf(prod())));
    const env = prodEnv;

    test('every attachment is associated with exactly one route table', () => {
      expect([...routing().associations.keys()].sort()).toEqual([...env.apis.map((a) => a.cidr), ...env.consumers.map((c) => c.cidr)].sort());
      for (const tables of routing().associations.values()) expect(tables).toHaveLength(1);
    });

    test.each(env.consumers.map((c) => [c.name, c]))('consumer %s: the gateway routes its traffic to the APIs it calls, and to nothing else', (_name, consumer) => {
      expect(routing().routesFrom.get(consumer.cidr)).toEqual(apisCalledBy(env, consumer).map((a) => a.cidr).sort());
    });

    test.each(env.apis.map((a) => [a.name, a]))('API %s: the gateway routes its traffic to its callers only', (_name, api) => {
      expect(routing().routesFrom.get(api.cidr)).toEqual(callersOf(env, api).map((c) => c.cidr).sort());
    });

    test('the example denies a pair, so the matrix is more than "everyone calls everything"', () => {
      const denied = env.consumers.flatMap((c) => env.apis.filter((a) => !c.calls.includes(a.name)).map((a) => [c, a] as const));
      expect(denied.length).toBeGreaterThan(0);
      for (const [consumer, api] of denied) {
        expect(routing().routesFrom.get(consumer.cidr)).not.toContain(api.cidr);
        expect(routing().routesFrom.get(api.cidr)).not.toContain(consumer.cidr);
      }
    });

    test('routing deploys in the network account after every network, and before the consumers\' health checks', () => {
      expect(prod().transitRouting!.account).toBe(exampleConfig.accounts.network);
      for (const network of [...[...prod().apis.values()].map((a) => a.network), ...prod().consumerNetworks.values()]) expect(prod().transitRouting!.dependencies).toContain(network);
      for (const app of prod().consumerApps.values()) expect(app.dependencies).toContain(prod().transitRouting);
    });
  });

  test('the gateway is shared through RAM with exactly the environment\'s api and consumer accounts', () => {
    const shares = resourcesOf(templateOf(prod().transitHub!), 'AWS::RAM::ResourceShare');
    const gatewayShare = shares.find(([id]) => id.startsWith('GatewayShare'))![1];
    const readers = [...prodEnv.apis.map((a) => a.account), ...prodEnv.consumers.map((c) => c.account)];
    expect((gatewayShare.Properties!.Principals as string[]).sort()).toEqual([...new Set(readers)].sort());
    expect(gatewayShare.Properties!.AllowExternalPrincipals).toBe(false);
    expect(JSON.stringify(gatewayShare.Properties!.ResourceArns)).toMatch(/transit-gateway\//);
  });

  test('each API VPC routes to its callers only; each consumer VPC to the APIs it calls only', () => {
    const routes = (stack: Stack) => [...new Set(resourcesOf(templateOf(stack), 'AWS::EC2::Route').map(([, r]) => r.Properties!.DestinationCidrBlock))].sort();
    for (const api of prodEnv.apis) expect(routes(prod().apis.get(api.name)!.network)).toEqual(callersOf(prodEnv, api).map((c) => c.cidr).sort());
    for (const consumer of prodEnv.consumers) {
      expect(routes(prod().consumerNetworks.get(consumer.name)!)).toEqual(apisCalledBy(prodEnv, consumer).map((a) => a.cidr).sort());
    }
  });

  // Each (environment, VPC) for a per-VPC parameter, each environment otherwise.
  const instances = (key: SharedParameterKey): [string, number, EnvironmentVpc | undefined][] =>
    exampleConfig.environments.flatMap((e, i) =>
      (SHARED_PARAMETERS[key].connectivity ?? connectivityOf(e)) !== connectivityOf(e) ? [] : SHARED_PARAMETERS[key].perVpc
        ? environmentVpcs(e).filter((vpc) => SHARED_PARAMETERS[key].perVpc === 'any' || vpc.kind === 'api').map((vpc): [string, number, EnvironmentVpc | undefined] => [`${e.name}/${vpc.kind}-${vpc.name}`, i, vpc])
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
      expect((share![1].Properties!.Principals as string[]).sort()).toEqual([...spec.readers(exampleConfig, env, vpc)].sort());

      const readers = stacksOf(stage).filter((s) => Object.values(templateOf(s).toJSON().Parameters ?? {}).some((p) => (p as { Default?: string }).Default === arn));
      // Every reader account has a stack reading it, and no other account reads it.
      expect([...new Set(readers.map((s) => s.account))].sort()).toEqual([...new Set(spec.readers(exampleConfig, env, vpc))].sort());
    });
  });
});

describe('logical ids of stateful resources stay stable (a rename replaces a live resource)', () => {
  const firstApi = () => [...dev().apis.values()][0];
  test.each<[string, () => Stack, string, string]>([
    ['the transit gateway', () => dev().transitHub!, 'AWS::EC2::TransitGateway', 'TransitGateway'],
    ['an API VPC', () => firstApi().network, 'AWS::EC2::VPC', 'NetworkVpc7FB7348F'],
    ['an API subzone', () => firstApi().dns, 'AWS::Route53::HostedZone', 'SubdomainZoneFD7D4706'],
    ['an NS delegation', () => firstApi().dns, 'Custom::CrossAccountZoneDelegation', 'SubdomainDelegationCrossAccountZoneDelegationCustomResource524B281B'],
    ['a certificate', () => firstApi().dns, 'AWS::CertificateManager::Certificate', 'SubdomainCertificate23EB9419'],
    ['a load balancer', () => firstApi().service, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'ApiLoadBalancer9F78B8A1'],
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
    for (const { network } of stage.apis.values()) {
      templateOf(network).resourceCountIs('AWS::SSM::Parameter', 0);
      templateOf(network).hasResourceProperties('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: 'tgw-0123456789abcdef0' });
      expect(templateOf(network).toJSON().Parameters).not.toHaveProperty('TransitGatewayIdParameter');
    }
  });

  test('a single-account sandbox (the example, every account id equal) passes validation and the compliance checks, sharing nothing with itself', () => {
    const one = '123456789012';
    const sandbox = configWith((c) => {
      c.accounts = { tools: one, network: one, dns: one };
      c.pipeline.connectionArn = c.pipeline.connectionArn.replace(/:\d{12}:/, `:${one}:`);
      for (const env of c.environments) {
        for (const api of env.apis) api.account = one;
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
    templateOf([...stage.apis.values()][0].network).hasParameter('TransitGatewayIdParameter', { Default: Match.stringLikeRegexp(`:${one}:parameter/internal-api/dev/transit-gateway-id$`) });
  });
});
