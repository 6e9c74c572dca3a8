import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AssemblyNotFoundError, readAssembly, SHARED_ENVIRONMENT } from '../../../tools/shared/assembly';
import { countBillable, EnvironmentCounts } from '../../../tools/cost/count';
import { loadPrices, loadWorkload, validatePrices, Workload, workloadFor } from '../../../tools/cost/inputs';
import { run } from '../../../tools/cost/main';
import { capacityUnits, compare, Estimate, LineItem, priceAlternatives, priceEnvironment } from '../../../tools/cost/price';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(__dirname, 'fixtures');
const ASSEMBLY = join(FIXTURES, 'assembly');
const prices = loadPrices(join(FIXTURES, 'prices.json'));
const workloadFile = loadWorkload(join(FIXTURES, 'workload.json'));
const workload = workloadFor(workloadFile, 'Dev');
const counts = countBillable(readAssembly(ASSEMBLY));
const dev = counts.Dev;

/** monthly of one line item, by key. */
function monthly(estimate: Estimate, key: string): number {
  const line = estimate.lineItems.find((l) => l.key === key);
  if (!line) throw new Error(`no line item ${key} in ${estimate.lineItems.map((l) => l.key).join(', ')}`);
  return line.monthly;
}

function keys(lines: readonly LineItem[]): string[] {
  return lines.map((l) => l.key);
}

/*
 * Hand arithmetic from fixtures/prices.json and fixtures/workload.json:
 * 2^20 requests x (1 + 3) KiB = 1 GB request + 3 GB response = 4 GB; 730 h/month.
 */
const H = 730;
const TRAFFIC_GB = 4;
const EGRESS_GB = (10 * 102.4) / 1024 + 2; // image pulls 1 GB + container logs 2 GB
const M_REQUESTS = 1048576 / 1e6;

describe('readAssembly', () => {
  const stacks = readAssembly(ASSEMBLY);

  test('groups stacks by Stage name, top-level stacks under shared/tools', () => {
    expect(Object.keys(stacks).sort()).toEqual(['Dev', SHARED_ENVIRONMENT]);
    expect(stacks.Dev.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['Dev-TransitHub', '222222222222', 'eu-west-1'],
      ['Dev-Api', '444444444444', 'eu-west-1'],
      ['Dev-Consumer', '555555555555', 'eu-west-1'],
    ]);
    expect(stacks[SHARED_ENVIRONMENT].map((s) => [s.stackName, s.account])).toEqual([['PipelineStack', '111111111111']]);
  });

  test('a missing cloud assembly says to run cdk synth', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-cdk-out-'));
    expect(() => readAssembly(empty)).toThrow(AssemblyNotFoundError);
    expect(() => readAssembly(empty)).toThrow('run `npx cdk synth` first');
  });
});

describe('countBillable', () => {
  test('counts the fixture exactly', () => {
    expect(dev).toMatchObject({
      vpcs: 2,
      nlbs: 1,
      nlbTlsListeners: 1,
      albs: 0,
      interfaceEndpoints: 3,
      interfaceEndpointAzs: 6,
      gatewayEndpoints: 1,
      transitGateways: 1,
      tgwAttachments: 2,
      hostedZones: 1,
      appSyncApis: 1,
      lambdaFunctions: 2,
      kmsKeys: 0,
      logGroups: 2,
      flowLogsToCloudWatch: 1,
      alarms: 2,
      alarmMetrics: 2,
      customMetrics: 1,
      advancedSsmParameters: 1,
      shape: { consumers: 1, azs: 2 },
      warnings: [],
    });
    expect(dev.fargateServices).toEqual([
      { stackName: 'Dev-Api', logicalId: 'Service', desiredCount: 2, minCapacity: 2, maxCapacity: 4, vcpu: 0.25, memoryGB: 0.5, architecture: 'ARM64' },
    ]);
    expect(dev.fargate).toEqual({ ARM64: { tasks: 2, vcpu: 0.5, memoryGB: 1 }, X86_64: { tasks: 0, vcpu: 0, memoryGB: 0 } });
    // The custom-resource handler is a function but not a resolver.
    expect(dev.resolverFunctions).toEqual([{ stackName: 'Dev-Consumer', logicalId: 'Resolver', memoryMB: 256, architecture: 'arm64' }]);
    expect(dev.accounts).toEqual(['222222222222', '444444444444', '555555555555']);
  });

  test('counts the pipeline stack', () => {
    expect(counts[SHARED_ENVIRONMENT]).toMatchObject({
      kmsKeys: 1,
      pipelines: [{ stackName: 'PipelineStack', logicalId: 'Pipeline', type: 'V2', actions: 5 }],
      codeBuildProjects: { BUILD_GENERAL1_SMALL: 1 },
      logGroups: 1,
      shape: { consumers: 0 },
    });
  });
});

describe('capacityUnits (NLCU: max of the dimensions)', () => {
  const tls = prices.dimensions.nlcuTls; // 50 new/s, 3,000 active, 1 GB/h
  const base: Workload = { ...workload, newTlsConnectionsPerSecond: 0, avgActiveConnections: 0, requestsPerMonth: 0 };

  test('new TLS connections dominate', () => {
    expect(capacityUnits({ ...base, newTlsConnectionsPerSecond: 10, avgActiveConnections: 300 }, tls, H).units).toBeCloseTo(10 / 50, 12);
  });
  test('active connections dominate', () => {
    expect(capacityUnits({ ...base, newTlsConnectionsPerSecond: 1, avgActiveConnections: 1500 }, tls, H).units).toBeCloseTo(1500 / 3000, 12);
  });
  test('processed bytes dominate', () => {
    // 730 * 2^20 requests x 4 KiB = 2,920 GB/month = 4 GB per hour.
    const heavy = { ...base, requestsPerMonth: 730 * 1048576, newTlsConnectionsPerSecond: 1, avgActiveConnections: 30 };
    const units = capacityUnits(heavy, tls, H);
    expect(units.processedBytes).toBeCloseTo(4, 12);
    expect(units.units).toBeCloseTo(4, 12);
  });
  test('the fixture workload: 1/50 new connections beats 30/3000 active and 4 GB/730 h', () => {
    const units = capacityUnits(workload, tls, H);
    expect(units.newConnections).toBeCloseTo(0.02, 12);
    expect(units.activeConnections).toBeCloseTo(0.01, 12);
    expect(units.processedBytes).toBeCloseTo(4 / 730, 12);
    expect(units.units).toBeCloseTo(0.02, 12);
  });
});

describe('priceEnvironment', () => {
  const estimate = priceEnvironment(dev, workload, prices);
  const expected: Record<string, number> = {
    'nlb.hours': 1 * H * 0.02, // 14.60
    'nlb.nlcu': 0.02 * H * 0.01, // 0.146
    'vpce.hours': 3 * 2 * H * 0.01, // 43.80
    'vpce.data': EGRESS_GB * 0.01, // 0.03
    'tgw.attachments': 2 * H * 0.05, // 73.00
    'tgw.data': TRAFFIC_GB * 0.02, // 0.08: once, not per attachment
    'fargate.ARM64.vcpu': 2 * 0.25 * H * 0.032, // 11.68
    'fargate.ARM64.memory': 2 * 0.5 * H * 0.0036, // 2.628
    'route53.zones': 1 * 0.5,
    'route53.queries': 0.5 * 0.4,
    'appsync.operations': M_REQUESTS * 4, // 4.194304
    'lambda.requests': M_REQUESTS * 0.2, // 0.2097152
    'lambda.arm64.compute': 1048576 * 0.1 * 0.25 * 0.000016, // 26,214.4 GB-s -> 0.4194304
    'logs.ingestion': (2 + 1 + 0.5) * 0.5, // api + resolver + 1 flow log
    'logs.storage': 3.5 * 2 * 0.03,
    alarms: 2 * 0.1,
    'metrics.custom': 1 * 0.3,
    'ssm.advanced': 1 * 0.05,
  };

  test('has exactly the expected line items', () => {
    expect(keys(estimate.lineItems)).toEqual(Object.keys(expected));
  });

  test.each(Object.entries(expected))('%s = $%f', (key, dollars) => {
    expect(monthly(estimate, key)).toBeCloseTo(dollars, 9);
  });

  test('quantity x unit price = monthly, and the total is their sum ($154.00)', () => {
    for (const line of estimate.lineItems) expect(line.monthly).toBeCloseTo(line.quantity * line.unitPrice, 12);
    expect(estimate.total).toBeCloseTo(153.9974496, 7);
    expect(estimate.lineItems.find((l) => l.key === 'vpce.hours')).toMatchObject({ quantity: 4380, unit: 'endpoint-AZ-hour', unitPrice: 0.01 });
  });

  test('the pipeline environment: KMS key, V2 action-minutes, CodeBuild minutes, logs', () => {
    const tools = priceEnvironment(counts[SHARED_ENVIRONMENT], workloadFor(workloadFile, SHARED_ENVIRONMENT), prices);
    expect(keys(tools.lineItems)).toEqual(['kms.keys', 'pipeline.v2', 'codebuild.BUILD_GENERAL1_SMALL', 'logs.ingestion', 'logs.storage']);
    expect(monthly(tools, 'pipeline.v2')).toBeCloseTo(5 * 10 * 3 * 0.002, 12); // 150 action-minutes
    expect(monthly(tools, 'codebuild.BUILD_GENERAL1_SMALL')).toBeCloseTo(1 * 10 * 4 * 0.005, 12);
    expect(tools.total).toBeCloseTo(1 + 0.3 + 0.2 + 0.5 * 0.5 + 0.5 * 2 * 0.03, 12); // 1.78
  });

  test('an X86_64 task definition and an x86 Lambda use the x86 prices', () => {
    const x86: EnvironmentCounts = {
      ...dev,
      fargate: { ARM64: { tasks: 0, vcpu: 0, memoryGB: 0 }, X86_64: { tasks: 2, vcpu: 0.5, memoryGB: 1 } },
      resolverFunctions: [{ ...dev.resolverFunctions[0], architecture: 'x86_64' }],
    };
    const priced = priceEnvironment(x86, workload, prices);
    expect(monthly(priced, 'fargate.X86_64.vcpu')).toBeCloseTo(0.5 * H * 0.04, 12);
    expect(monthly(priced, 'fargate.X86_64.memory')).toBeCloseTo(1 * H * 0.004, 12);
    expect(monthly(priced, 'lambda.x86_64.compute')).toBeCloseTo(26214.4 * 0.00002, 12);
  });
});

describe('priceAlternatives', () => {
  const { design, alternatives } = priceAlternatives(workload, prices, dev);
  const byId = Object.fromEntries(alternatives.map((a) => [a.id, a]));
  const zone = prices.items.route53HostedZoneMonth.price;
  const designTotal = 153.9974496;
  const nlb = 14.6 + 0.146;
  const tgw = 73 + 0.08;
  const vpce = 43.8 + 0.03;

  test('the design is priceEnvironment', () => {
    expect(design.total).toBeCloseTo(designTotal, 7);
  });

  test('public ALB + WAF + NAT in both accounts', () => {
    const a = byId['public-alb'];
    expect(monthly(a, 'alb.hours')).toBeCloseTo(H * 0.03, 12);
    expect(monthly(a, 'alb.lcu')).toBeCloseTo((1 / 25) * H * 0.01, 12); // new connections dominate: 0.04 LCU
    expect(monthly(a, 'waf.acl') + monthly(a, 'waf.rules') + monthly(a, 'waf.requests')).toBeCloseTo(5 + 4 * 1 + M_REQUESTS * 0.5, 12);
    expect(monthly(a, 'nat.hours')).toBeCloseTo(2 * 2 * H * 0.05, 12); // 2 AZs x (api + 1 consumer)
    expect(monthly(a, 'nat.data.consumer')).toBeCloseTo(TRAFFIC_GB * 0.05, 12);
    expect(monthly(a, 'nat.data.api')).toBeCloseTo(EGRESS_GB * 0.05, 12);
    expect(monthly(a, 'ipv4.addresses')).toBeCloseTo((4 + 2) * H * 0.005, 12); // 4 NAT EIPs + 2 ALB
    expect(monthly(a, 'ipv4.transfer')).toBeCloseTo(TRAFFIC_GB * 2 * 0.01, 12);
    expect(keys(a.lineItems)).not.toEqual(expect.arrayContaining(['nlb.hours']));
    const added = H * 0.03 + 0.04 * H * 0.01 + 5 + 4 + M_REQUESTS * 0.5 + 146 + 0.2 + EGRESS_GB * 0.05 + 21.9 + 0.08;
    expect(a.total).toBeCloseTo(designTotal - nlb - tgw - vpce + added, 7);
  });

  test('PrivateLink: interface endpoint per consumer per AZ, keeps the NLB, no TGW', () => {
    const b = byId.privatelink;
    expect(monthly(b, 'privatelink.hours')).toBeCloseTo(1 * 2 * H * 0.01, 12);
    expect(monthly(b, 'privatelink.data')).toBeCloseTo(TRAFFIC_GB * 0.01, 12);
    expect(monthly(b, 'nlb.hours')).toBeCloseTo(14.6, 12);
    expect(b.total).toBeCloseTo(designTotal - tgw + 14.6 + 0.04, 7);
  });

  test('VPC Lattice: service hours + GB, requests within the free hourly allowance, an association per consumer, a private zone per pair, no NLB or TGW', () => {
    const c = byId.lattice;
    expect(monthly(c, 'lattice.service')).toBeCloseTo(H * 0.025, 12);
    expect(monthly(c, 'lattice.data')).toBeCloseTo(TRAFFIC_GB * 0.025, 12);
    expect(monthly(c, 'lattice.requests')).toBe(0); // 1,436 requests/hour < 300,000
    const association = H * prices.items.latticeVpcAssociationHour.price;
    expect(monthly(c, 'lattice.associations')).toBeCloseTo(association, 12);
    expect(monthly(c, 'route53.zones')).toBeCloseTo(2 * zone, 12); // the API's public zone + 1 pair's private zone
    expect(c.total).toBeCloseTo(designTotal - nlb - tgw + 18.25 + 0.1 + association + zone, 7);
  });

  test('VPC Lattice bills only the requests above 300,000 per hour', () => {
    const busy = { ...workload, requestsPerMonth: 400000 * H };
    const c = priceAlternatives(busy, prices, dev).alternatives.find((x) => x.id === 'lattice')!;
    expect(monthly(c, 'lattice.requests')).toBeCloseTo(((400000 - 300000) * H / 1e6) * 0.1, 9); // 73M requests -> $7.30
  });

  test('private API Gateway: per request + execute-api endpoint per consumer per AZ, keeps the NLB', () => {
    const d = byId['api-gateway'];
    expect(monthly(d, 'apigw.requests')).toBeCloseTo(M_REQUESTS * 3.5, 12);
    expect(monthly(d, 'apigw.endpoint.hours')).toBeCloseTo(1 * 2 * H * 0.01, 12);
    expect(monthly(d, 'apigw.endpoint.data')).toBeCloseTo(TRAFFIC_GB * 0.01, 12);
    expect(d.total).toBeCloseTo(designTotal - tgw + M_REQUESTS * 3.5 + 14.6 + 0.04, 7);
  });

  test('more consumers and AZs scale the per-consumer endpoints', () => {
    const wide: EnvironmentCounts = { ...dev, shape: { consumers: 3, azs: 3 } };
    const b = priceAlternatives(workload, prices, wide).alternatives.find((x) => x.id === 'privatelink')!;
    expect(monthly(b, 'privatelink.hours')).toBeCloseTo(3 * 3 * H * 0.01, 12);
  });

  test('the matrix scales them: per API (ALB and web ACL, NAT per VPC, Lattice service), per (consumer, API) pair (PrivateLink endpoints), per consumer (execute-api endpoints)', () => {
    // 3 APIs (NLBs), 2 consumers, 4 pairs (resolver functions), 2 AZs.
    const matrix: EnvironmentCounts = { ...dev, nlbs: 3, resolverFunctions: Array.from({ length: 4 }, () => dev.resolverFunctions[0]), shape: { consumers: 2, azs: 2 } };
    const alt = Object.fromEntries(priceAlternatives(workload, prices, matrix).alternatives.map((x) => [x.id, x]));
    expect(monthly(alt['public-alb'], 'alb.hours')).toBeCloseTo(3 * H * 0.03, 12);
    expect(monthly(alt['public-alb'], 'waf.acl')).toBeCloseTo(3 * 5, 12);
    expect(monthly(alt['public-alb'], 'nat.hours')).toBeCloseTo(2 * (3 + 2) * H * 0.05, 12);
    expect(monthly(alt['public-alb'], 'ipv4.addresses')).toBeCloseTo((2 * 5 + 2 * 3) * H * 0.005, 12);
    expect(monthly(alt.privatelink, 'privatelink.hours')).toBeCloseTo(4 * 2 * H * 0.01, 12);
    expect(monthly(alt.lattice, 'lattice.service')).toBeCloseTo(3 * H * 0.025, 12);
    expect(alt.lattice.lineItems.find((l) => l.key === 'lattice.associations')?.item).toBe('VPC Lattice VPC associations x2');
    expect(monthly(alt['api-gateway'], 'apigw.endpoint.hours')).toBeCloseTo(2 * 2 * H * 0.01, 12);
  });

  test('the comparison lists only the items that differ, plus the totals', () => {
    const comparison = compare(design, alternatives);
    expect(comparison.columns).toHaveLength(5);
    const rowKeys = comparison.rows.map((r) => r.key);
    expect(rowKeys).toEqual(expect.arrayContaining(['nlb.hours', 'tgw.attachments', 'vpce.hours', 'alb.hours', 'privatelink.hours', 'lattice.service', 'apigw.requests']));
    expect(rowKeys).not.toContain('fargate.ARM64.vcpu');
    // The hosted zones differ too: lattice adds a private zone per (consumer, API) pair.
    expect(comparison.unchanged.items).toBe(11);
    expect(rowKeys).toContain('route53.zones');
    const tgwRow = comparison.rows.find((r) => r.key === 'tgw.attachments')!;
    expect(tgwRow.values[0]).toBeCloseTo(73, 9);
    expect(tgwRow.values.slice(1)).toEqual([null, null, null, null]);
    expect(comparison.columns).toEqual(['this design (transit gateway)', 'PrivateLink', 'VPC Lattice', 'public ALB + WAF + NAT', 'private API Gateway']);
    expect(comparison.totals.map((t) => Math.round(t * 100) / 100)).toEqual([154, 95.56, 85.75, 222.39, 99.23]);
  });
});

describe('inputs', () => {
  test('the committed price table and workload are complete and dated', () => {
    const real = loadPrices(join(ROOT, 'tools', 'cost', 'prices', 'eu-west-1.json'));
    expect(real.region).toBe('eu-west-1');
    expect(real.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(() => loadWorkload(join(ROOT, 'tools', 'cost', 'workload.json'))).not.toThrow();
  });

  test('a price table missing an item is rejected, naming it', () => {
    const broken = JSON.parse(readFileSync(join(FIXTURES, 'prices.json'), 'utf8'));
    delete broken.items.tgwGB;
    expect(() => validatePrices(broken)).toThrow('items.tgwGB: missing');
  });

  test('per-environment overrides merge over the workload', () => {
    const prod = workloadFor(workloadFile, 'Prod');
    expect(prod.requestsPerMonth).toBe(2097152);
    expect(prod.logGiBPerMonth).toEqual({ apiService: 10, resolver: 1, flowLogsPerVpc: 0.5, pipeline: 0.5 });
    expect(workloadFor(workloadFile, 'Dev').requestsPerMonth).toBe(1048576);
  });
});

describe('CLI', () => {
  test('prints the tables for the fixture assembly and writes --json', () => {
    const out: string[] = [];
    const err: string[] = [];
    const json = join(mkdtempSync(join(tmpdir(), 'cost-json-')), 'out.json');
    const code = run(
      ['--assembly', ASSEMBLY, '--workload', join(FIXTURES, 'workload.json'), '--prices', join(FIXTURES, 'prices.json'), '--json', json],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('retrieved 2000-01-01');
    expect(text).toContain('== Dev:');
    expect(text).toMatch(/^total\s+\$154\.00$/m);
    expect(text).toMatch(/^total\s+\$154\.00\s+\$95\.56\s+\$85\.75\s+\$222\.39\s+\$99\.23$/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.region).toBe('eu-west-1');
    expect(report.total).toBeCloseTo(153.9974496 + 1.78, 7);
  });

  test('a missing cdk.out exits 1 telling to run cdk synth', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'cost-cli-')), 'cdk.out');
    const cli = promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', 'tools/cost/main.ts', '--assembly', missing], { cwd: ROOT });
    await expect(cli).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('run `npx cdk synth` first') });
  });
});

describe('privatelink mode', () => {
  // The fixture's Dev, with its transit gateway path replaced by what privatelink mode synthesizes:
  // no attachments, and an interface endpoint to the API's endpoint service in the consumer VPC.
  const stacks = readAssembly(ASSEMBLY).Dev.map((stack) => {
    const resources = Object.fromEntries(
      Object.entries(stack.template.Resources ?? {}).filter(([, r]) => !String(r.Type).startsWith('AWS::EC2::TransitGateway')),
    );
    if (stack.stackName.includes('Consumer')) {
      resources.ApiEndpoint = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', ServiceName: { Ref: 'EndpointServiceName' }, SubnetIds: ['a', 'b'] } };
    }
    return { ...stack, template: { ...stack.template, Resources: resources } };
  });
  const privateLink = countBillable({ Dev: stacks }).Dev;

  test('counts endpoints to an endpoint service apart from AWS-service endpoints', () => {
    expect(privateLink.tgwAttachments).toBe(0);
    expect(privateLink.privateLinkEndpointAzs).toBe(2);
    expect(privateLink.interfaceEndpoints).toBe(dev.interfaceEndpoints);
  });

  test('prices the PrivateLink path as the design, and a transit gateway as alternative (b)', () => {
    const { design, alternatives } = priceAlternatives(workload, prices, privateLink);
    expect(keys(design.lineItems)).toEqual(expect.arrayContaining(['privatelink.hours', 'privatelink.data']));
    expect(keys(design.lineItems)).not.toContain('tgw.attachments');
    const b = alternatives.find((a) => a.id === 'transit-gateway')!;
    expect(b.name).toBe('transit gateway');
    expect(keys(b.lineItems)).toEqual(expect.arrayContaining(['tgw.attachments', 'tgw.data']));
    expect(keys(b.lineItems)).not.toContain('privatelink.hours');
    for (const a of alternatives) expect(keys(a.lineItems).filter((k) => k.startsWith('privatelink.'))).toEqual([]);
    expect(compare(design, alternatives, 'privatelink').columns[0]).toBe('this design (PrivateLink)');
  });
});
