import { Connectivity } from '../../lib/config/types';
import { EnvironmentCounts } from './count';
import { CapacityUnit, PriceKey, PriceTable, Workload } from './inputs';

/** One line of an estimate. `monthly = quantity * unitPrice`. */
export interface LineItem {
  /** Stable id, used to line up the design and the alternatives (`nlb.hours`, `tgw.data`, ...). */
  readonly key: string;
  readonly item: string;
  /** Per month, in `unit`s. */
  readonly quantity: number;
  readonly unit: string;
  /** USD per `unit`. */
  readonly unitPrice: number;
  /** USD per month. */
  readonly monthly: number;
}

/** A monthly estimate. */
export interface Estimate {
  readonly lineItems: LineItem[];
  readonly total: number;
}

/** An alternative network design, priced for the same environment and workload. */
export interface Alternative extends Estimate {
  readonly id: AlternativeId;
  readonly name: string;
  /** Line-item keys of the design this alternative drops. */
  readonly removes: readonly string[];
}

/** Bytes in a KiB / MiB over bytes in a GB (AWS bills 1 GB = 2^30 bytes). */
const GB_PER_KIB = 1 / 1024 ** 2;
const GB_PER_MIB = 1 / 1024;
const MILLION = 1e6;

/** Request + response volume of the workload, GB per month. */
export function trafficGB(workload: Workload): number {
  return workload.requestsPerMonth * (workload.avgRequestKiB + workload.avgResponseKiB) * GB_PER_KIB;
}

/** GB per month the API's tasks send out of their VPC: image pulls plus container logs. */
export function apiEgressGB(workload: Workload): number {
  return workload.imagePullsPerMonth * workload.imageSizeMiB * GB_PER_MIB + workload.logGiBPerMonth.apiService;
}

/**
 * NLCU (or ALB LCU, with the ALB's dimensions) per hour for the average hour of the workload: each
 * dimension's, and `units`, the max of them, which is billed.
 */
export function capacityUnits(workload: Workload, unit: CapacityUnit, hoursPerMonth: number) {
  const newConnections = workload.newTlsConnectionsPerSecond / unit.newConnectionsPerSecond;
  const activeConnections = workload.avgActiveConnections / unit.activeConnections;
  const processedBytes = trafficGB(workload) / hoursPerMonth / unit.processedGBPerHour;
  return { newConnections, activeConnections, processedBytes, units: Math.max(newConnections, activeConnections, processedBytes) };
}

function sumMonthly(lineItems: readonly LineItem[]): number {
  return lineItems.reduce((sum, line) => sum + line.monthly, 0);
}

/** Builds line items priced from the table. */
function lineBuilder(prices: PriceTable) {
  const items: LineItem[] = [];
  const add = (key: string, item: string, quantity: number, price: PriceKey): void => {
    const { price: unitPrice, unit } = prices.items[price];
    items.push({ key, item, quantity, unit, unitPrice, monthly: quantity * unitPrice });
  };
  return { items, add };
}

const CODEBUILD_PRICE: Record<string, PriceKey> = {
  BUILD_GENERAL1_SMALL: 'codeBuildMinuteSmall',
  BUILD_GENERAL1_MEDIUM: 'codeBuildMinuteMedium',
  BUILD_GENERAL1_LARGE: 'codeBuildMinuteLarge',
};

/** The access matrix as the alternatives see it: internal APIs, consumer VPCs, (consumer, API) pairs, AZs per VPC. */
export interface MatrixShape {
  readonly apis: number;
  readonly consumers: number;
  readonly pairs: number;
  readonly azs: number;
  /** STS interface endpoint-AZs in the modes where the API verifies tokens (transit gateway, PrivateLink, API Gateway). */
  readonly stsEndpointAzs: number;
}

/** How the consumers reach the APIs: the configuration's connectivity modes. */
export type Mode = Connectivity;
export const MODES: readonly Mode[] = ['transit-gateway', 'privatelink', 'lattice'];
export const MODE_NAMES: Record<Mode, string> = { 'transit-gateway': 'transit gateway', privatelink: 'PrivateLink', lattice: 'VPC Lattice' };

type Add = ReturnType<typeof lineBuilder>['add'];

/**
 * The network-path line items, one function per building block, priced from a count of what it
 * holds: the design prices them from the templates' counts, the alternatives from the matrix. Each
 * block's keys are in {@link PATH_KEYS}, so an alternative drops exactly the design's blocks.
 */
const path = {
  /** One internal NLB per API (TLS listener: the TLS NLCU dimensions), all traffic through them. */
  nlb(add: Add, workload: Workload, prices: PriceTable, nlbs: number, tls: boolean): void {
    const H = prices.hoursPerMonth;
    add('nlb.hours', `Network Load Balancer x${nlbs}`, nlbs * H, 'nlbHour');
    const dims = tls ? prices.dimensions.nlcuTls : prices.dimensions.nlcuTcp;
    add('nlb.nlcu', `NLB capacity units (${tls ? 'TLS' : 'TCP'}, max of dimensions)`, capacityUnits(workload, dims, H).units * H, 'nlcuHour');
  },
  /** The STS interface endpoint of each API VPC: the API verifies each caller's presigned token through it (not in lattice mode, where Lattice names the caller). */
  sts(add: Add, prices: PriceTable, endpoints: number, endpointAzs: number): void {
    add('vpce.sts.hours', `STS interface endpoints (caller identity): ${endpoints} x AZs = ${endpointAzs}`, endpointAzs * prices.hoursPerMonth, 'interfaceEndpointAzHour');
  },
  /** An attachment per VPC; data charged once, at the attachment the traffic enters from. */
  tgw(add: Add, workload: Workload, prices: PriceTable, attachments: number): void {
    add('tgw.attachments', `Transit gateway attachments x${attachments}`, attachments * prices.hoursPerMonth, 'tgwAttachmentHour');
    if (attachments >= 2) add('tgw.data', 'Transit gateway data (request + response, once)', trafficGB(workload), 'tgwGB');
  },
  /** An interface endpoint per (consumer, API it calls) pair, in each AZ. */
  privateLink(add: Add, workload: Workload, prices: PriceTable, endpoints: number, endpointAzs: number): void {
    add('privatelink.hours', `PrivateLink endpoints: ${endpoints} (consumer, API) pairs x AZs = ${endpointAzs}`, endpointAzs * prices.hoursPerMonth, 'privateLinkEndpointAzHour');
    add('privatelink.data', 'PrivateLink endpoint data (request + response)', trafficGB(workload), 'privateLinkEndpointGB');
  },
  /**
   * A Lattice service per API: hours, GB (request + response, the page's definition), and the
   * requests above the free allowance per service and hour. The requests are split evenly over the
   * services: the allowance is per service, so any uneven split bills at least as much (a lower bound).
   */
  lattice(add: Add, workload: Workload, prices: PriceTable, services: number, associations: number): void {
    const H = prices.hoursPerMonth;
    add('lattice.service', `VPC Lattice services x${services}`, services * H, 'latticeServiceHour');
    add('lattice.data', 'VPC Lattice data (request + response)', trafficGB(workload), 'latticeGB');
    const perServiceHour = workload.requestsPerMonth / H / Math.max(1, services);
    const billable = Math.max(0, perServiceHour - prices.dimensions.latticeFreeRequestsPerServiceHour.value) * H * services;
    add('lattice.requests', 'VPC Lattice requests (after free hourly allowance)', billable / MILLION, 'latticeMillionRequests');
    add('lattice.associations', `VPC Lattice VPC associations x${associations}`, associations * H, 'latticeVpcAssociationHour');
  },
  /** Hosted zones, public and private alike: the first tier at one price, the rest at the next. */
  zones(add: Add, workload: Workload, prices: PriceTable, zones: number): void {
    if (zones === 0) return;
    const tier = prices.dimensions.route53HostedZonesFirstTier.value;
    add('route53.zones', `Route 53 hosted zones (first ${tier})`, Math.min(zones, tier), 'route53HostedZoneMonth');
    if (zones > tier) add('route53.zones.beyondTier', `Route 53 hosted zones beyond the first ${tier}`, zones - tier, 'route53HostedZoneMonthBeyondTier');
    if (workload.billableDnsQueriesPerMonth > 0) add('route53.queries', 'Route 53 queries (non-alias)', workload.billableDnsQueriesPerMonth / MILLION, 'route53MillionQueries');
  },
};

/** Line-item keys of the network-path blocks (see {@link path}). */
const NLB = ['nlb.hours', 'nlb.nlcu'];
const STS = ['vpce.sts.hours'];
const TGW = ['tgw.attachments', 'tgw.data'];
const PRIVATELINK = ['privatelink.hours', 'privatelink.data'];
const LATTICE = ['lattice.service', 'lattice.data', 'lattice.requests', 'lattice.associations'];
const ZONES = ['route53.zones', 'route53.zones.beyondTier', 'route53.queries'];
const VPCE = ['vpce.hours', 'vpce.data'];
/** Every key an alternative may replace: the consumers' path in any mode, and the zones (lattice adds a private one per pair). */
const PATH_KEYS = [...NLB, ...STS, ...TGW, ...PRIVATELINK, ...LATTICE, ...ZONES];

/**
 * Monthly line items of one environment: resources from the templates (`counts`), traffic from
 * the workload. See tools/cost/README.md for the model.
 */
export function priceEnvironment(counts: EnvironmentCounts, workload: Workload, prices: PriceTable): Estimate {
  const H = prices.hoursPerMonth;
  const { items, add } = lineBuilder(prices);
  const fargateTasks = counts.fargate.ARM64.tasks + counts.fargate.X86_64.tasks;
  const resolvers = counts.resolverFunctions;
  const otherEndpoints = counts.interfaceEndpoints - counts.stsEndpoints;
  const otherEndpointAzs = counts.interfaceEndpointAzs - counts.stsEndpointAzs;

  if (counts.nlbs > 0) path.nlb(add, workload, prices, counts.nlbs, counts.nlbTlsListeners > 0);
  if (otherEndpointAzs > 0) add('vpce.hours', `Interface endpoints: ${otherEndpoints} x AZs = ${otherEndpointAzs}`, otherEndpointAzs * H, 'interfaceEndpointAzHour');
  if (counts.stsEndpointAzs > 0) path.sts(add, prices, counts.stsEndpoints, counts.stsEndpointAzs);
  if (counts.interfaceEndpointAzs > 0 && fargateTasks > 0) add('vpce.data', 'Interface endpoints data (image pulls + container logs)', apiEgressGB(workload), 'interfaceEndpointGB');
  if (counts.privateLinkEndpointAzs > 0) path.privateLink(add, workload, prices, counts.privateLinkEndpoints, counts.privateLinkEndpointAzs);
  if (counts.tgwAttachments > 0) path.tgw(add, workload, prices, counts.tgwAttachments);
  if (counts.latticeServices > 0) path.lattice(add, workload, prices, counts.latticeServices, counts.latticeVpcAssociations);
  for (const [arch, vcpuKey, gbKey] of [['ARM64', 'fargateVcpuHourArm', 'fargateGBHourArm'], ['X86_64', 'fargateVcpuHourX86', 'fargateGBHourX86']] as const) {
    const totals = counts.fargate[arch];
    if (totals.tasks === 0) continue;
    add(`fargate.${arch}.vcpu`, `Fargate ${arch} vCPU (${totals.tasks} tasks)`, totals.vcpu * H, vcpuKey);
    add(`fargate.${arch}.memory`, `Fargate ${arch} memory (${totals.tasks} tasks)`, totals.memoryGB * H, gbKey);
  }
  path.zones(add, workload, prices, counts.hostedZones);
  if (counts.appSyncApis > 0) add('appsync.operations', 'AppSync query operations', workload.requestsPerMonth / MILLION, 'appSyncMillionOperations');
  if (resolvers.length > 0) {
    add('lambda.requests', 'Lambda resolver invocations', workload.requestsPerMonth / MILLION, 'lambdaMillionRequests');
    // Each request runs one resolver; the requests are shared equally between the resolvers.
    const share = workload.requestsPerMonth / resolvers.length;
    for (const [arch, key] of [['arm64', 'lambdaGBSecondArm'], ['x86_64', 'lambdaGBSecondX86']] as const) {
      const gbSeconds = resolvers
        .filter((fn) => fn.architecture === arch)
        .reduce((sum, fn) => sum + share * (workload.lambdaAvgDurationMs / 1000) * (fn.memoryMB / 1024), 0);
      if (gbSeconds > 0) add(`lambda.${arch}.compute`, `Lambda resolver compute (${arch})`, gbSeconds, key);
    }
  }
  if (counts.kmsKeys > 0) add('kms.keys', `KMS keys x${counts.kmsKeys}`, counts.kmsKeys, 'kmsKeyMonth');
  const v2 = counts.pipelines.filter((p) => p.type === 'V2');
  const v1 = counts.pipelines.filter((p) => p.type === 'V1');
  if (v2.length > 0) {
    const actions = v2.reduce((sum, p) => sum + p.actions, 0);
    add('pipeline.v2', `CodePipeline V2 (${actions} actions x ${workload.pipelineRunsPerMonth} runs)`, actions * workload.pipelineRunsPerMonth * workload.pipelineAvgActionMinutes, 'codePipelineV2ActionMinute');
  }
  if (v1.length > 0) add('pipeline.v1', `CodePipeline V1 x${v1.length}`, v1.length, 'codePipelineV1PipelineMonth');
  for (const [computeType, projects] of Object.entries(counts.codeBuildProjects).sort(([a], [b]) => a.localeCompare(b))) {
    const known = CODEBUILD_PRICE[computeType];
    add(`codebuild.${computeType}`, `CodeBuild ${computeType} x${projects}${known ? '' : ' (priced as MEDIUM)'}`, projects * workload.pipelineRunsPerMonth * workload.codeBuildMinutesPerProjectPerRun, known ?? 'codeBuildMinuteMedium');
  }
  const logs = workload.logGiBPerMonth;
  const ingested = (fargateTasks > 0 ? logs.apiService : 0) + (resolvers.length > 0 ? logs.resolver : 0) + counts.flowLogsToCloudWatch * logs.flowLogsPerVpc + (counts.pipelines.length > 0 ? logs.pipeline : 0);
  if (ingested > 0) {
    add('logs.ingestion', 'CloudWatch Logs ingestion', ingested, 'logsIngestionGB');
    add('logs.storage', `CloudWatch Logs storage (${workload.logStorageMonths} month(s) kept)`, ingested * workload.logStorageMonths, 'logsStorageGBMonth');
  }
  if (counts.alarmMetrics > 0) add('alarms', `CloudWatch alarms x${counts.alarms}`, counts.alarmMetrics, 'alarmMonth');
  if (counts.customMetrics > 0) add('metrics.custom', `CloudWatch custom metrics (metric filters) x${counts.customMetrics}`, counts.customMetrics, 'customMetricMonth');
  if (counts.advancedSsmParameters > 0) add('ssm.advanced', `SSM advanced parameters x${counts.advancedSsmParameters}`, counts.advancedSsmParameters, 'ssmAdvancedParameterMonth');

  return { lineItems: items, total: sumMonthly(items) };
}

/** Whether an environment carries the API's traffic (and so has alternatives to compare). */
export function servesTraffic(counts: EnvironmentCounts): boolean {
  return counts.nlbs > 0 || counts.tgwAttachments > 0 || counts.latticeServices > 0 || counts.fargateServices.length > 0;
}

/** The connectivity mode the environment's templates show. */
export function connectivityOf(counts: EnvironmentCounts): Mode {
  if (counts.latticeServices > 0) return 'lattice';
  return counts.privateLinkEndpointAzs > 0 && counts.tgwAttachments === 0 ? 'privatelink' : 'transit-gateway';
}

/** The matrix of an environment's counts: one API per NLB or Lattice service, one (consumer, API) pair per resolver function. */
export function matrixOf(counts: EnvironmentCounts): MatrixShape {
  const { consumers, azs } = counts.shape;
  const apis = Math.max(1, counts.nlbs, counts.latticeServices);
  // A lattice design has no STS endpoint: the other modes would have one per API VPC and AZ.
  const stsEndpointAzs = connectivityOf(counts) === 'lattice' ? apis * azs : counts.stsEndpointAzs;
  return { apis, consumers, pairs: Math.max(consumers, counts.resolverFunctions.length), azs, stsEndpointAzs };
}

/** Ids of the alternatives: a connectivity mode, or a design outside the three. */
export type AlternativeId = Mode | 'public-alb' | 'api-gateway';

/**
 * The network path of one design for a matrix, as line items: what {@link priceEnvironment} prices
 * from the templates, here from the matrix (a test checks the two agree for the design's own mode).
 * `zones`: the zones every mode has (an API's public zone); lattice adds a private one per pair.
 */
export function pathLines(id: AlternativeId, workload: Workload, prices: PriceTable, m: MatrixShape, zones: number): LineItem[] {
  const H = prices.hoursPerMonth;
  const { items, add } = lineBuilder(prices);
  const traffic = trafficGB(workload);
  const vpcs = m.apis + m.consumers;
  const withIdentity = () => {
    if (m.stsEndpointAzs > 0) path.sts(add, prices, Math.round(m.stsEndpointAzs / m.azs), m.stsEndpointAzs);
  };
  switch (id) {
    case 'transit-gateway':
      path.nlb(add, workload, prices, m.apis, true);
      withIdentity();
      path.tgw(add, workload, prices, vpcs);
      path.zones(add, workload, prices, zones);
      break;
    case 'privatelink':
      path.nlb(add, workload, prices, m.apis, true);
      withIdentity();
      path.privateLink(add, workload, prices, m.pairs, m.pairs * m.azs);
      path.zones(add, workload, prices, zones);
      break;
    case 'lattice':
      path.lattice(add, workload, prices, m.apis, m.consumers);
      path.zones(add, workload, prices, zones + m.pairs);
      break;
    case 'public-alb':
      // One public ALB and web ACL per API; a NAT gateway per AZ in every VPC, instead of the path
      // and the API's interface endpoints. Consumer traffic leaves through its NAT (NAT bills both
      // directions) and crosses public IPs in-region (billed out and in, on both sides).
      add('alb.hours', `Application Load Balancer (public) x${m.apis}`, m.apis * H, 'albHour');
      add('alb.lcu', 'ALB capacity units (max of dimensions)', capacityUnits(workload, prices.dimensions.albLcu, H).units * H, 'lcuHour');
      add('waf.acl', `WAF web ACL x${m.apis}`, m.apis, 'wafWebAclMonth');
      add('waf.rules', `WAF rules x${workload.wafRules} x${m.apis} ACLs`, workload.wafRules * m.apis, 'wafRuleMonth');
      add('waf.requests', 'WAF requests', workload.requestsPerMonth / MILLION, 'wafMillionRequests');
      add('nat.hours', `NAT gateways: ${m.azs} AZs x ${vpcs} VPCs`, m.azs * vpcs * H, 'natGatewayHour');
      add('nat.data.consumer', 'NAT data, consumers (request + response)', traffic, 'natGatewayGB');
      add('nat.data.api', 'NAT data, api (image pulls + container logs)', apiEgressGB(workload), 'natGatewayGB');
      add('ipv4.addresses', `Public IPv4: ${m.azs * vpcs} NAT + ${m.azs * m.apis} ALB`, (m.azs * vpcs + m.azs * m.apis) * H, 'publicIpv4Hour');
      add('ipv4.transfer', 'Public-IP data, in-region (out + in, both sides)', traffic * 2, 'publicIpTransferGB');
      path.zones(add, workload, prices, zones);
      break;
    case 'api-gateway':
      // A private REST API with a VPC link to each NLB, an execute-api endpoint per consumer per AZ (one serves every API).
      path.nlb(add, workload, prices, m.apis, true);
      withIdentity();
      add('apigw.requests', 'API Gateway REST requests', workload.requestsPerMonth / MILLION, 'apiGatewayRestMillionRequests');
      add('apigw.endpoint.hours', `execute-api endpoints: ${m.consumers} consumers x ${m.azs} AZs`, m.consumers * m.azs * H, 'interfaceEndpointAzHour');
      add('apigw.endpoint.data', 'execute-api endpoint data (request + response)', traffic, 'interfaceEndpointGB');
      path.zones(add, workload, prices, zones);
      break;
  }
  return items;
}

export const ALTERNATIVE_NAMES: Record<AlternativeId, string> = { ...MODE_NAMES, 'public-alb': 'public ALB + WAF + NAT', 'api-gateway': 'private API Gateway' };

/**
 * This design and the alternatives for the same environment (`shape`: its counts, from which the
 * matrix is taken) and workload: the two other connectivity modes, a public ALB + WAF + NAT, and a
 * private API Gateway. Each alternative drops the design's network-path items and adds its own;
 * every other item (Fargate, AppSync, Lambda, logs, ...) is kept as is, so the totals compare like
 * for like.
 */
export function priceAlternatives(workload: Workload, prices: PriceTable, shape: EnvironmentCounts): { design: Estimate; alternatives: Alternative[] } {
  const design = priceEnvironment(shape, workload, prices);
  const matrix = matrixOf(shape);
  const mode = connectivityOf(shape);
  // The zones outside the path: lattice's private zones (one per pair) are its own.
  const latticeZones = mode === 'lattice' ? shape.privateHostedZones : 0;
  const zones = shape.hostedZones - latticeZones;

  const build = (id: AlternativeId): Alternative => {
    // The public design replaces the interface endpoints too (its tasks pull and log through NAT).
    const removes = id === 'public-alb' ? [...PATH_KEYS, ...VPCE] : PATH_KEYS;
    const kept = design.lineItems.filter((line) => !removes.includes(line.key));
    const lineItems = [...kept, ...pathLines(id, workload, prices, matrix, zones)];
    return { id, name: ALTERNATIVE_NAMES[id], removes, lineItems, total: sumMonthly(lineItems) };
  };
  const ids: AlternativeId[] = [...MODES.filter((m) => m !== mode), 'public-alb', 'api-gateway'];
  return { design, alternatives: ids.map(build) };
}

/** Side-by-side comparison: only the items that differ between the columns, plus totals. */
export type Comparison = ReturnType<typeof compare>;

export function compare(design: Estimate, alternatives: readonly Alternative[], designConnectivity: Mode = 'transit-gateway') {
  const estimates: Estimate[] = [design, ...alternatives];
  const labels = new Map<string, string>();
  for (const estimate of estimates) for (const line of estimate.lineItems) if (!labels.has(line.key)) labels.set(line.key, line.item);
  /** Monthly USD per item: this design first, then each alternative (null where the item is absent). */
  const all = [...labels].map(([key, item]) => {
    const values = estimates.map((e) => {
      const lines = e.lineItems.filter((l) => l.key === key);
      return lines.length === 0 ? null : lines.reduce((sum, l) => sum + l.monthly, 0);
    });
    return { key, item, values };
  });
  const same = ({ values: [first, ...rest] }: (typeof all)[number]) => first !== null && rest.every((v) => v !== null && Math.abs(v - first) < 1e-9);
  const unchanged = all.filter(same);
  return {
    columns: [`this design (${MODE_NAMES[designConnectivity]})`, ...alternatives.map((a) => a.name)],
    rows: all.filter((row) => !same(row)),
    /** Items identical in every column (omitted from `rows`). */
    unchanged: { items: unchanged.length, monthly: unchanged.reduce((sum, row) => sum + row.values[0]!, 0) },
    totals: estimates.map((e) => e.total),
  };
}
