/**
 * Lattice mode priced from its templates (hand-written in the synthesized shape, fixtures/lattice.ts):
 * service-hours per Lattice service, data, requests beyond the free allowance, VPC associations,
 * a private zone per (consumer, API) pair, the interface endpoints as counted (no STS), no NLB. Every
 * expected figure is computed here from the fixture price table and workload, not typed in.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAssembly } from '../../../tools/shared/assembly';
import { countBillable, countEnvironment } from '../../../tools/cost/count';
import { loadPrices, loadWorkload, workloadFor } from '../../../tools/cost/inputs';
import { connectivityOf, Estimate, matrixOf, pathLines, priceAlternatives, priceEnvironment, trafficGB } from '../../../tools/cost/price';
import { run } from '../../../tools/cost/main';
import { FIXTURE_RESOLVER_MB, FIXTURE_TASKS, latticeEnvironment, writeAssembly } from './fixtures/lattice';

const FIXTURES = join(__dirname, 'fixtures');
const prices = loadPrices(join(FIXTURES, 'prices.json'));
const workload = workloadFor(loadWorkload(join(FIXTURES, 'workload.json')), 'Dev');
const H = prices.hoursPerMonth;
const price = (key: keyof typeof prices.items) => prices.items[key].price;

const APIS = ['catalogue', 'stock'];
const CONSUMERS = [
  { name: 'storefront', calls: ['catalogue', 'stock'] },
  { name: 'reporting', calls: ['catalogue'] },
];
const PAIRS = CONSUMERS.reduce((n, c) => n + c.calls.length, 0);
const AZS = 2;
const counts = countEnvironment('Lat', latticeEnvironment(APIS, CONSUMERS));
const design = priceEnvironment(counts, workload, prices);

const monthly = (estimate: Estimate, key: string): number => {
  const line = estimate.lineItems.find((l) => l.key === key);
  if (!line) throw new Error(`no line item ${key} in ${estimate.lineItems.map((l) => l.key).join(', ')}`);
  return line.monthly;
};
const keys = (estimate: Estimate) => estimate.lineItems.map((l) => l.key);

describe('lattice mode: counted from the templates', () => {
  test('a Lattice service per API, an association per consumer VPC, a private zone per pair, no NLB, no STS endpoint, no attachment', () => {
    expect(counts).toMatchObject({
      latticeServiceNetworks: 1,
      latticeServices: APIS.length,
      latticeVpcAssociations: CONSUMERS.length,
      latticeTlsPassthroughListeners: 0,
      nlbs: 0,
      tgwAttachments: 0,
      privateLinkEndpoints: 0,
      stsEndpoints: 0,
      interfaceEndpoints: 3 * APIS.length,
      interfaceEndpointAzs: 3 * APIS.length * AZS,
      hostedZones: APIS.length + PAIRS,
      privateHostedZones: PAIRS,
      shape: { consumers: CONSUMERS.length, azs: AZS },
      warnings: [],
    });
    expect(counts.resolverFunctions).toHaveLength(PAIRS);
    expect(connectivityOf(counts)).toBe('lattice');
    expect(matrixOf(counts)).toEqual({ apis: APIS.length, consumers: CONSUMERS.length, pairs: PAIRS, azs: AZS, stsEndpointAzs: APIS.length * AZS });
  });

  test('an STS endpoint is counted apart (the modes that verify tokens have one per API VPC)', () => {
    const [hub, network, ...rest] = latticeEnvironment(['one'], [{ name: 'c', calls: ['one'] }]);
    const resources = { ...network.template.Resources, StsEndpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.eu-west-1.sts', SubnetIds: ['a', 'b'] } } };
    const withSts = countEnvironment('Lat', [hub, { ...network, template: { Resources: resources } }, ...rest]);
    expect(withSts).toMatchObject({ stsEndpoints: 1, stsEndpointAzs: 2, interfaceEndpoints: 4, interfaceEndpointAzs: 8 });
    expect(monthly(priceEnvironment(withSts, workload, prices), 'vpce.sts.hours')).toBeCloseTo(2 * H * price('interfaceEndpointAzHour'), 9);
  });

  test('a TLS passthrough listener is named in a warning (billed per connection, not modelled)', () => {
    const [hub, network, dns, service, ...rest] = latticeEnvironment(['one'], [{ name: 'c', calls: ['one'] }]);
    const resources = { ...service.template.Resources, Listener: { Type: 'AWS::VpcLattice::Listener', Properties: { Protocol: 'TLS_PASSTHROUGH', Port: 443 } } };
    const counted = countEnvironment('Lat', [hub, network, dns, { ...service, template: { Resources: resources } }, ...rest]);
    expect(counted.warnings).toEqual([expect.stringContaining('Lat-ApiService-one/Listener: a TLS passthrough listener')]);
  });
});

describe('lattice mode: priced as the design', () => {
  test('has the Lattice lines and none of the NLB, transit gateway, PrivateLink or STS lines', () => {
    expect(keys(design)).toEqual(expect.arrayContaining(['lattice.service', 'lattice.data', 'lattice.requests', 'lattice.associations', 'vpce.hours', 'vpce.data', 'route53.zones']));
    for (const absent of ['nlb.hours', 'nlb.nlcu', 'tgw.attachments', 'tgw.data', 'privatelink.hours', 'vpce.sts.hours']) expect(keys(design)).not.toContain(absent);
  });

  test('service-hours, data (request + response), associations and interface endpoints from the counts and the price table', () => {
    expect(monthly(design, 'lattice.service')).toBeCloseTo(APIS.length * H * price('latticeServiceHour'), 9);
    const gb = (workload.requestsPerMonth * (workload.avgRequestKiB + workload.avgResponseKiB)) / 1024 ** 2;
    expect(monthly(design, 'lattice.data')).toBeCloseTo(gb * price('latticeGB'), 9);
    expect(monthly(design, 'lattice.associations')).toBeCloseTo(CONSUMERS.length * H * price('latticeVpcAssociationHour'), 9);
    expect(monthly(design, 'vpce.hours')).toBeCloseTo(3 * APIS.length * AZS * H * price('interfaceEndpointAzHour'), 9);
    const tasks = APIS.length * FIXTURE_TASKS.desiredCount;
    expect(monthly(design, 'fargate.ARM64.vcpu')).toBeCloseTo(tasks * (FIXTURE_TASKS.cpu / 1024) * H * price('fargateVcpuHourArm'), 9);
    const share = workload.requestsPerMonth / PAIRS;
    expect(monthly(design, 'lambda.arm64.compute')).toBeCloseTo(PAIRS * share * (workload.lambdaAvgDurationMs / 1000) * (FIXTURE_RESOLVER_MB / 1024) * price('lambdaGBSecondArm'), 9);
  });

  test('requests: none billed within the free hourly allowance per service; above it, only the excess of each service', () => {
    const free = prices.dimensions.latticeFreeRequestsPerServiceHour.value;
    expect(workload.requestsPerMonth / H / APIS.length).toBeLessThan(free);
    expect(monthly(design, 'lattice.requests')).toBe(0);
    const perServiceHour = free * 1.5;
    const busy = { ...workload, requestsPerMonth: perServiceHour * APIS.length * H };
    const billed = ((perServiceHour - free) * APIS.length * H) / 1e6;
    expect(monthly(priceEnvironment(counts, busy, prices), 'lattice.requests')).toBeCloseTo(billed * price('latticeMillionRequests'), 9);
  });

  test('hosted zones: the first tier at its price, every zone beyond it at the next', () => {
    const tier = prices.dimensions.route53HostedZonesFirstTier.value;
    const zones = APIS.length + PAIRS;
    expect(zones).toBeGreaterThan(tier); // the fixture's tier is small so the test sees both prices
    expect(monthly(design, 'route53.zones')).toBeCloseTo(tier * price('route53HostedZoneMonth'), 9);
    expect(monthly(design, 'route53.zones.beyondTier')).toBeCloseTo((zones - tier) * price('route53HostedZoneMonthBeyondTier'), 9);
    const small = priceEnvironment({ ...counts, hostedZones: tier }, workload, prices);
    expect(keys(small)).not.toContain('route53.zones.beyondTier');
  });

  test('pricing the lattice path from the matrix gives exactly the design\'s lines (the alternatives and the design cannot disagree)', () => {
    const fromMatrix = pathLines('lattice', workload, prices, matrixOf(counts), counts.hostedZones - counts.privateHostedZones);
    const pathKeys = fromMatrix.map((l) => l.key);
    expect(fromMatrix.map((l) => [l.key, l.monthly])).toEqual(design.lineItems.filter((l) => pathKeys.includes(l.key)).map((l) => [l.key, l.monthly]));
  });

  test('the same holds for the transit-gateway fixture assembly', () => {
    const tgw = countBillable(readAssembly(join(FIXTURES, 'assembly'))).Dev;
    const tgwDesign = priceEnvironment(tgw, workload, prices);
    const fromMatrix = pathLines('transit-gateway', workload, prices, matrixOf(tgw), tgw.hostedZones);
    const pathKeys = fromMatrix.map((l) => l.key);
    expect(pathKeys).toEqual(expect.arrayContaining(['nlb.hours', 'tgw.attachments', 'route53.zones']));
    expect(fromMatrix.map((l) => [l.key, l.monthly])).toEqual(tgwDesign.lineItems.filter((l) => pathKeys.includes(l.key)).map((l) => [l.key, l.monthly]));
  });
});

describe('lattice mode: the alternatives', () => {
  const { alternatives } = priceAlternatives(workload, prices, counts);
  const byId = Object.fromEntries(alternatives.map((a) => [a.id, a]));
  const nlbs = APIS.length * H * price('nlbHour');
  const sts = APIS.length * AZS * H * price('interfaceEndpointAzHour');
  const publicZones = APIS.length;

  test('the two other modes, the public path and API Gateway, in that order', () => {
    expect(alternatives.map((a) => a.id)).toEqual(['transit-gateway', 'privatelink', 'public-alb', 'api-gateway']);
  });

  test('transit gateway: an NLB and an STS endpoint per API, an attachment per VPC, no Lattice line, no private zone', () => {
    const tgw = byId['transit-gateway'];
    expect(monthly(tgw, 'nlb.hours')).toBeCloseTo(nlbs, 9);
    expect(monthly(tgw, 'vpce.sts.hours')).toBeCloseTo(sts, 9);
    expect(monthly(tgw, 'tgw.attachments')).toBeCloseTo((APIS.length + CONSUMERS.length) * H * price('tgwAttachmentHour'), 9);
    expect(monthly(tgw, 'tgw.data')).toBeCloseTo(trafficGB(workload) * price('tgwGB'), 9);
    expect(monthly(tgw, 'route53.zones')).toBeCloseTo(publicZones * price('route53HostedZoneMonth'), 9);
    expect(keys(tgw).filter((k) => k.startsWith('lattice.'))).toEqual([]);
    // The rest of the design (interface endpoints as counted, Fargate, AppSync, ...) is kept as is.
    expect(monthly(tgw, 'vpce.hours')).toBeCloseTo(monthly(design, 'vpce.hours'), 9);
  });

  test('PrivateLink: an endpoint per (consumer, API) pair per AZ, an NLB and an STS endpoint per API', () => {
    const pl = byId.privatelink;
    expect(monthly(pl, 'privatelink.hours')).toBeCloseTo(PAIRS * AZS * H * price('privateLinkEndpointAzHour'), 9);
    expect(monthly(pl, 'nlb.hours')).toBeCloseTo(nlbs, 9);
    expect(monthly(pl, 'vpce.sts.hours')).toBeCloseTo(sts, 9);
    expect(keys(pl)).not.toContain('tgw.attachments');
  });

  test('the public path drops the interface endpoints and the Lattice lines; API Gateway keeps an NLB per API', () => {
    expect(keys(byId['public-alb'])).not.toEqual(expect.arrayContaining(['vpce.hours']));
    expect(keys(byId['public-alb']).filter((k) => k.startsWith('lattice.') || k.startsWith('vpce.'))).toEqual([]);
    expect(monthly(byId['api-gateway'], 'nlb.hours')).toBeCloseTo(nlbs, 9);
  });
});

describe('npm run cost on a lattice-mode assembly', () => {
  test('reads the Stage from cdk.out, prices it as VPC Lattice, and shows the two other modes beside it', () => {
    const assembly = writeAssembly(mkdtempSync(join(tmpdir(), 'cost-lattice-')), 'Lat', latticeEnvironment(APIS, CONSUMERS));
    const out: string[] = [];
    const code = run(['--assembly', assembly, '--workload', join(FIXTURES, 'workload.json'), '--prices', join(FIXTURES, 'prices.json')], { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`${APIS.length} Lattice services, ${CONSUMERS.length} Lattice VPC associations`);
    const { alternatives } = priceAlternatives(workload, prices, counts);
    const money = (v: number) => v.toLocaleString('en-US', { style: 'currency', currency: 'USD' }).replace(/[$.]/g, '\\$&');
    expect(text).toMatch(new RegExp(`^monthly\\s+this design \\(VPC Lattice\\)\\s+transit gateway\\s+PrivateLink\\s+public ALB \\+ WAF \\+ NAT\\s+private API Gateway$`, 'm'));
    expect(text).toMatch(new RegExp(`^total\\s+${[design.total, ...alternatives.map((a) => a.total)].map(money).join('\\s+')}$`, 'm'));
  });
});
