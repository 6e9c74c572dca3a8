import { Stack } from 'aws-cdk-lib';
import { callersOf } from '../../lib/config/matrix';
import { analyze, readStages } from '../../tools/reachability/analyze';
import { met } from '../../tools/reachability/questions';
import { buildTestStages, configWith, firstEnvironmentOnly, memo, resourcesOf, templateOf } from '../helpers';

/**
 * An internal API is a unit the stage repeats per `apis[]` entry: a third API, with code that
 * exists (the catalogue's runtime folder) and a new consumer that calls it, is one configuration
 * entry each, with no source change.
 */
const THIRD = { name: 'archive', account: '171717171717', cidr: '10.12.0.0/20', domain: 'archive.dev.example.com', runtime: 'api-service' };
const config = configWith((c) => {
  firstEnvironmentOnly(c);
  const dev = c.environments[0];
  dev.apis.push({ ...THIRD, service: structuredClone(dev.apis[0].service) });
  dev.consumers.push({ name: 'auditor', account: '181818181818', cidr: '10.22.0.0/20', calls: [THIRD.name] });
});
// Synthesized: stack dependencies that come from references are known once the app is prepared.
const built = memo(() => {
  const { app, stages } = buildTestStages(config);
  return { stage: stages[0], directory: app.synth().directory };
});
const stage = () => built().stage;
const env = config.environments[0];

describe('InternalApi: a third API from configuration alone', () => {
  test('its three stacks appear in its account, beside the other APIs\' stacks', () => {
    const ids = stage().node.children.filter((c): c is Stack => c instanceof Stack).map((s) => s.node.id);
    for (const api of env.apis) {
      for (const kind of ['ApiNetwork', 'ApiDns', 'ApiService']) {
        expect(ids).toContain(`${kind}-${api.name}`);
        expect((stage().node.findChild(`${kind}-${api.name}`) as Stack).account).toBe(api.account);
      }
    }
    expect(stage().apis.size).toBe(3);
  });

  test('it deploys in order: after the hub and its DNS delegation role, its service after its network and zone', () => {
    const unit = stage().apis.get(THIRD.name)!;
    const ids = (stack: Stack) => stack.dependencies.map((d) => d.node.id);
    expect(ids(unit.network)).toContain('TransitHub');
    expect(ids(unit.dns)).toEqual(['DelegationRole']);
    expect(ids(unit.service)).toEqual(expect.arrayContaining([unit.network.node.id, unit.dns.node.id]));
    expect(ids(stage().transitRouting!)).toContain(unit.network.node.id);
    expect(ids(stage().consumerApps.get('auditor')!)).toContain(unit.service.node.id);
  });

  test('the matrix reaches it: its NLB admits its one caller, its name is delegated, its callers serve its fields', () => {
    const unit = stage().apis.get(THIRD.name)!;
    const ingress = resourcesOf(templateOf(unit.service), 'AWS::EC2::SecurityGroup').flatMap(([, sg]) => (sg.Properties!.SecurityGroupIngress as { CidrIp: string }[]) ?? []);
    expect(ingress.map((r) => r.CidrIp)).toEqual(callersOf(env, env.apis[2]).map((c) => c.cidr));
    templateOf(unit.dns).hasResourceProperties('AWS::Route53::HostedZone', { Name: `${THIRD.domain}.` });
    expect(JSON.stringify(templateOf(stage().delegationRole).toJSON())).toContain(THIRD.domain);
    const auditor = templateOf(stage().consumerApps.get('auditor')!);
    expect(resourcesOf(auditor, 'AWS::AppSync::Resolver').map(([, r]) => r.Properties!.FieldName).sort()).toEqual(['item', 'items']);
    // The routing gives it a table of its own, and the other consumer no route to it.
    expect(resourcesOf(templateOf(stage().transitRouting!), 'AWS::EC2::TransitGatewayRouteTable').length).toBe(env.apis.length + env.consumers.length);
    const storefrontRoutes = resourcesOf(templateOf(stage().consumerNetworks.get('storefront')!), 'AWS::EC2::Route').map(([, r]) => r.Properties!.DestinationCidrBlock);
    expect(storefrontRoutes).not.toContain(THIRD.cidr);
  });
});

describe('InternalApi: the network carries the matrix for a third API (reachability analysis)', () => {
  test('every pair of the 3 x 2 matrix: the allowed ones reachable, the denied ones not, and every other verdict as expected', () => {
    const verdicts = analyze(config, readStages(built().directory));
    expect(verdicts.filter((v) => !met(v)).map((v) => `${v.question}: ${v.outcome}`)).toEqual([]);
    for (const consumer of env.consumers) {
      for (const api of env.apis) {
        const allowed = consumer.calls.includes(api.name);
        const question = `${consumer.name} -> ${api.name} (https://${api.domain}:443)${allowed ? '' : ', denied: any workload'}`;
        expect(verdicts.find((v) => v.question === question)?.outcome).toBe(allowed ? 'reachable' : 'unreachable');
      }
    }
  });
});
