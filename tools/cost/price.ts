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
  readonly id: 'a' | 'b' | 'c' | 'd';
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

/**
 * Monthly line items of one environment: resources from the templates (`counts`), traffic from
 * the workload. See tools/cost/README.md for the model.
 */
export function priceEnvironment(counts: EnvironmentCounts, workload: Workload, prices: PriceTable): Estimate {
  const H = prices.hoursPerMonth;
  const { items, add } = lineBuilder(prices);
  const traffic = trafficGB(workload);
  const fargateTasks = counts.fargate.ARM64.tasks + counts.fargate.X86_64.tasks;
  const resolvers = counts.resolverFunctions;

  if (counts.nlbs > 0) {
    add('nlb.hours', `Network Load Balancer x${counts.nlbs}`, counts.nlbs * H, 'nlbHour');
    const dims = counts.nlbTlsListeners > 0 ? prices.dimensions.nlcuTls : prices.dimensions.nlcuTcp;
    add('nlb.nlcu', `NLB capacity units (${counts.nlbTlsListeners > 0 ? 'TLS' : 'TCP'}, max of dimensions)`, capacityUnits(workload, dims, H).units * H, 'nlcuHour');
  }
  if (counts.interfaceEndpointAzs > 0) {
    add('vpce.hours', `Interface endpoints: ${counts.interfaceEndpoints} x AZs = ${counts.interfaceEndpointAzs}`, counts.interfaceEndpointAzs * H, 'interfaceEndpointAzHour');
    if (fargateTasks > 0) add('vpce.data', 'Interface endpoints data (image pulls + container logs)', apiEgressGB(workload), 'interfaceEndpointGB');
  }
  if (counts.privateLinkEndpointAzs > 0) {
    add('privatelink.hours', `PrivateLink endpoints: ${counts.privateLinkEndpoints} x AZs = ${counts.privateLinkEndpointAzs}`, counts.privateLinkEndpointAzs * H, 'privateLinkEndpointAzHour');
    add('privatelink.data', 'PrivateLink endpoint data (request + response)', traffic, 'privateLinkEndpointGB');
  }
  if (counts.tgwAttachments > 0) {
    add('tgw.attachments', `Transit gateway attachments x${counts.tgwAttachments}`, counts.tgwAttachments * H, 'tgwAttachmentHour');
    if (counts.tgwAttachments >= 2) add('tgw.data', 'Transit gateway data (request + response, once)', traffic, 'tgwGB');
  }
  for (const [arch, vcpuKey, gbKey] of [['ARM64', 'fargateVcpuHourArm', 'fargateGBHourArm'], ['X86_64', 'fargateVcpuHourX86', 'fargateGBHourX86']] as const) {
    const totals = counts.fargate[arch];
    if (totals.tasks === 0) continue;
    add(`fargate.${arch}.vcpu`, `Fargate ${arch} vCPU (${totals.tasks} tasks)`, totals.vcpu * H, vcpuKey);
    add(`fargate.${arch}.memory`, `Fargate ${arch} memory (${totals.tasks} tasks)`, totals.memoryGB * H, gbKey);
  }
  if (counts.hostedZones > 0) {
    add('route53.zones', `Route 53 hosted zones x${counts.hostedZones}`, counts.hostedZones, 'route53HostedZoneMonth');
    if (workload.billableDnsQueriesPerMonth > 0) add('route53.queries', 'Route 53 queries (non-alias)', workload.billableDnsQueriesPerMonth / MILLION, 'route53MillionQueries');
  }
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
  return counts.nlbs > 0 || counts.tgwAttachments > 0 || counts.fargateServices.length > 0;
}

const NLB = ['nlb.hours', 'nlb.nlcu'];
const TGW = ['tgw.attachments', 'tgw.data'];
const VPCE = ['vpce.hours', 'vpce.data'];
const PRIVATELINK = ['privatelink.hours', 'privatelink.data'];
/** The consumers' path to the API in either connectivity mode. */
const PATH = [...TGW, ...PRIVATELINK];

/** The connectivity mode the environment's templates show. */
export function connectivityOf(counts: EnvironmentCounts): 'TGW' | 'PrivateLink' {
  return counts.privateLinkEndpointAzs > 0 && counts.tgwAttachments === 0 ? 'PrivateLink' : 'TGW';
}

/**
 * This design and four alternatives for the same environment (`shape`: its counts, from which the
 * consumers and AZs are taken) and workload. Each alternative drops the design's network-path
 * items it replaces and adds its own; every other item (Fargate, AppSync, Lambda, DNS, logs, ...)
 * is kept as is, so the totals compare like for like.
 */
export function priceAlternatives(workload: Workload, prices: PriceTable, shape: EnvironmentCounts): { design: Estimate; alternatives: Alternative[] } {
  const design = priceEnvironment(shape, workload, prices);
  const H = prices.hoursPerMonth;
  const { consumers, azs } = shape.shape;
  // The matrix: one internal API per NLB, one (consumer, API) pair per resolver function.
  const apis = Math.max(1, shape.nlbs);
  const pairs = Math.max(consumers, shape.resolverFunctions.length);
  const vpcs = apis + consumers;
  const traffic = trafficGB(workload);
  const fargateTasks = shape.fargate.ARM64.tasks + shape.fargate.X86_64.tasks;

  const build = (id: Alternative['id'], name: string, removes: string[], extra: (add: ReturnType<typeof lineBuilder>['add']) => void): Alternative => {
    const { items, add } = lineBuilder(prices);
    extra(add);
    const kept = design.lineItems.filter((line) => !removes.includes(line.key));
    const lineItems = [...kept, ...items];
    return { id, name, removes, lineItems, total: sumMonthly(lineItems) };
  };

  const alternatives: Alternative[] = [
    // (a) Public ALB + WAF in the api account; every VPC gets a NAT gateway per AZ instead of the
    // TGW (consumers) and the interface endpoints (api). Consumer traffic leaves through its NAT
    // (NAT bills both directions) and crosses public IPs in-region (billed out and in, on both sides).
    build('a', 'public ALB + WAF + NAT', [...NLB, ...PATH, ...VPCE], (add) => {
      // One public ALB and web ACL per API; a NAT gateway per AZ in every VPC.
      add('alb.hours', `Application Load Balancer (public) x${apis}`, apis * H, 'albHour');
      add('alb.lcu', 'ALB capacity units (max of dimensions)', capacityUnits(workload, prices.dimensions.albLcu, H).units * H, 'lcuHour');
      add('waf.acl', `WAF web ACL x${apis}`, apis, 'wafWebAclMonth');
      add('waf.rules', `WAF rules x${workload.wafRules} x${apis} ACLs`, workload.wafRules * apis, 'wafRuleMonth');
      add('waf.requests', 'WAF requests', workload.requestsPerMonth / MILLION, 'wafMillionRequests');
      add('nat.hours', `NAT gateways: ${azs} AZs x ${vpcs} VPCs`, azs * vpcs * H, 'natGatewayHour');
      add('nat.data.consumer', 'NAT data, consumers (request + response)', traffic, 'natGatewayGB');
      if (fargateTasks > 0) add('nat.data.api', 'NAT data, api (image pulls + container logs)', apiEgressGB(workload), 'natGatewayGB');
      add('ipv4.addresses', `Public IPv4: ${azs * vpcs} NAT + ${azs * apis} ALB`, (azs * vpcs + azs * apis) * H, 'publicIpv4Hour');
      add('ipv4.transfer', 'Public-IP data, in-region (out + in, both sides)', traffic * 2, 'publicIpTransferGB');
    }),
    // (b) The other connectivity mode on the same NLB: PrivateLink (an interface endpoint per
    // consumer per AZ) for a transit-gateway design, a transit gateway (an attachment per VPC) for
    // a PrivateLink design.
    connectivityOf(shape) === 'TGW'
      ? build('b', 'PrivateLink', PATH, (add) => {
        // One endpoint per (consumer, API it calls), in each AZ.
        add('privatelink.hours', `PrivateLink endpoints: ${pairs} (consumer, API) pairs x ${azs} AZs`, pairs * azs * H, 'privateLinkEndpointAzHour');
        add('privatelink.data', 'PrivateLink endpoint data (request + response)', traffic, 'privateLinkEndpointGB');
      })
      : build('b', 'transit gateway', PATH, (add) => {
        add('tgw.attachments', `Transit gateway attachments x${vpcs}`, vpcs * H, 'tgwAttachmentHour');
        add('tgw.data', 'Transit gateway data (request + response, once)', traffic, 'tgwGB');
      }),
    // (c) VPC Lattice: one service per API targeting its tasks (no NLB), a service network associated with each consumer VPC.
    build('c', 'VPC Lattice', [...NLB, ...PATH], (add) => {
      add('lattice.service', `VPC Lattice services x${apis}`, apis * H, 'latticeServiceHour');
      add('lattice.data', 'VPC Lattice data (request + response)', traffic, 'latticeGB');
      // The free allowance is per service and hour; the requests are split evenly over the APIs.
      const perServiceHour = workload.requestsPerMonth / H / apis;
      const billable = Math.max(0, perServiceHour - prices.dimensions.latticeFreeRequestsPerServiceHour.value) * H * apis;
      add('lattice.requests', 'VPC Lattice requests (after free hourly allowance)', billable / MILLION, 'latticeMillionRequests');
      add('lattice.associations', `VPC Lattice VPC associations x${consumers}`, consumers * H, 'latticeVpcAssociationHour');
    }),
    // (d) Private REST API Gateway (a VPC link to each NLB), an execute-api endpoint per consumer per AZ (one serves every API).
    build('d', 'private API Gateway', PATH, (add) => {
      add('apigw.requests', 'API Gateway REST requests', workload.requestsPerMonth / MILLION, 'apiGatewayRestMillionRequests');
      add('apigw.endpoint.hours', `execute-api endpoints: ${consumers} consumers x ${azs} AZs`, consumers * azs * H, 'interfaceEndpointAzHour');
      add('apigw.endpoint.data', 'execute-api endpoint data (request + response)', traffic, 'interfaceEndpointGB');
    }),
  ];
  return { design, alternatives };
}

/** Side-by-side comparison: only the items that differ between the columns, plus totals. */
export type Comparison = ReturnType<typeof compare>;

export function compare(design: Estimate, alternatives: readonly Alternative[], designConnectivity: ReturnType<typeof connectivityOf> = 'TGW') {
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
    columns: [`this design (${designConnectivity})`, ...alternatives.map((a) => `(${a.id}) ${a.name}`)],
    rows: all.filter((row) => !same(row)),
    /** Items identical in every column (omitted from `rows`). */
    unchanged: { items: unchanged.length, monthly: unchanged.reduce((sum, row) => sum + row.values[0]!, 0) },
    totals: estimates.map((e) => e.total),
  };
}
