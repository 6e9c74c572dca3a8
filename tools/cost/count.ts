import { CfnResource, StackTemplate } from '../shared/assembly';

/** One ECS service on Fargate. */
export interface FargateService {
  readonly stackName: string;
  readonly logicalId: string;
  /** `DesiredCount`, else the scalable target's `MinCapacity`, else 1. */
  readonly desiredCount: number;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  /** vCPU per task (`Cpu` / 1024). */
  readonly vcpu: number;
  /** GB per task (`Memory` / 1024). */
  readonly memoryGB: number;
  /** `RuntimePlatform.CpuArchitecture`. */
  readonly architecture: 'ARM64' | 'X86_64';
}

/** A Lambda function that AppSync invokes for each operation. */
export interface ResolverFunction {
  readonly stackName: string;
  readonly logicalId: string;
  readonly memoryMB: number;
  readonly architecture: 'arm64' | 'x86_64';
}

/** A CodePipeline pipeline. */
export interface PipelineCount {
  readonly stackName: string;
  readonly logicalId: string;
  /** `PipelineType`; CloudFormation's default is V1. */
  readonly type: 'V1' | 'V2';
  /** Actions over all stages. */
  readonly actions: number;
}

/** The billable resources of one environment (see {@link countEnvironment}). */
export type EnvironmentCounts = ReturnType<typeof countEnvironment>;

const DEFAULT_AZS = 2;

/** Resource types counted one by one, and their counter. */
const TALLIES = {
  'AWS::EC2::TransitGateway': 'transitGateways',
  'AWS::VpcLattice::ServiceNetwork': 'latticeServiceNetworks',
  'AWS::VpcLattice::ServiceNetworkVpcAssociation': 'latticeVpcAssociations',
  'AWS::AppSync::GraphQLApi': 'appSyncApis',
  'AWS::KMS::Key': 'kmsKeys',
  'AWS::Logs::LogGroup': 'logGroups',
} as const;

const props = (resource: CfnResource): Record<string, unknown> => resource.Properties ?? {};
const listLength = (value: unknown): number | undefined => (Array.isArray(value) ? value.length : undefined);

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** Whether `value`'s JSON mentions logical id `id` as a Ref or GetAtt target. */
function mentions(value: unknown, id: string): boolean {
  const json = JSON.stringify(value ?? null);
  return json.includes(`{"Ref":"${id}"}`) || json.includes(`"Fn::GetAtt":["${id}"`);
}

/**
 * Counts the billable resources of ONE environment's stacks (all stacks passed belong to it).
 * Pure: reads only the templates.
 */
export function countEnvironment(environment: string, stacks: readonly StackTemplate[]) {
  const warnings: string[] = [];
  // What is counted, in the order of the report's JSON.
  const c = {
    vpcs: 0,
    /** Network Load Balancers (`Type: network`). */
    nlbs: 0,
    /** Listeners with `Protocol: TLS` (they use the TLS NLCU dimensions). */
    nlbTlsListeners: 0,
    albs: 0,
    /** Interface VPC endpoints. */
    interfaceEndpoints: 0,
    /** Interface endpoints x AZs: the sum of their `SubnetIds` (one ENI, billed hourly, per subnet). */
    interfaceEndpointAzs: 0,
    /** Interface endpoints to an endpoint service (PrivateLink to the API), not to an AWS service; not in `interfaceEndpoints`. */
    privateLinkEndpoints: 0,
    /** Those endpoints x AZs. */
    privateLinkEndpointAzs: 0,
    /** Gateway VPC endpoints (free). */
    gatewayEndpoints: 0,
    /** Of `interfaceEndpoints`, those to STS (the API verifies callers' tokens through it; not in lattice mode). */
    stsEndpoints: 0,
    /** Those endpoints x AZs (in `interfaceEndpointAzs` too). */
    stsEndpointAzs: 0,
    /** Transit gateways (no hourly charge of their own). */
    transitGateways: 0,
    tgwAttachments: 0,
    fargateServices: [] as FargateService[],
    /** Running Fargate capacity per architecture: tasks, and vCPUs and GB summed over them. */
    fargate: { ARM64: { tasks: 0, vcpu: 0, memoryGB: 0 }, X86_64: { tasks: 0, vcpu: 0, memoryGB: 0 } },
    hostedZones: 0,
    /** Of `hostedZones`, the private ones (`VPCs` set): in lattice mode, one per (consumer, API it calls). */
    privateHostedZones: 0,
    /** VPC Lattice service networks (no charge of their own). */
    latticeServiceNetworks: 0,
    /** VPC Lattice services: billed per hour, per GB and per request. */
    latticeServices: 0,
    /** Lattice listeners with `Protocol: TLS_PASSTHROUGH` (billed per connection, not per request; not modelled). */
    latticeTlsPassthroughListeners: 0,
    /** Service-network VPC associations: one per consumer VPC. */
    latticeVpcAssociations: 0,
    appSyncApis: 0,
    /** Every Lambda function, including CDK custom-resource handlers (invoked only on deploy). */
    lambdaFunctions: 0,
    /** Lambda functions on the request path (AppSync data sources). */
    resolverFunctions: [] as ResolverFunction[],
    kmsKeys: 0,
    pipelines: [] as PipelineCount[],
    /** CodeBuild projects by `Environment.ComputeType`. */
    codeBuildProjects: {} as Record<string, number>,
    logGroups: 0,
    /** VPC flow logs delivered to CloudWatch Logs. */
    flowLogsToCloudWatch: 0,
    alarms: 0,
    /** Metrics over all alarms (an alarm is billed per metric it evaluates). */
    alarmMetrics: 0,
    /** Custom metrics published by log metric filters (one per `MetricTransformations` entry). */
    customMetrics: 0,
    /** `AWS::SSM::Parameter` with `Tier: Advanced`. */
    advancedSsmParameters: 0,
  };
  let azs = 0;
  const stackRoles: { account: string; vpcs: number; serves: boolean; hasEndpoints: boolean }[] = [];
  const vpcLambdas: ResolverFunction[] = [];

  for (const stack of stacks) {
    const entries = Object.entries(stack.template.Resources ?? {});
    const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);
    let serves = false; // an NLB or an ECS service: the API side
    let hasEndpoints = false; // interface endpoints: the API side when nothing serves yet
    let stackVpcs = 0;

    for (const [logicalId, resource] of entries) {
      const p = props(resource);
      switch (resource.Type) {
        case 'AWS::EC2::VPC':
          stackVpcs++;
          break;
        case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
          if (p.Type === 'network') {
            c.nlbs++;
            serves = true;
          } else if (p.Type === undefined || p.Type === 'application') {
            c.albs++;
          }
          break;
        case 'AWS::ElasticLoadBalancingV2::Listener':
          if (p.Protocol === 'TLS') c.nlbTlsListeners++;
          break;
        case 'AWS::EC2::VPCEndpoint': {
          if (p.VpcEndpointType !== 'Interface') {
            c.gatewayEndpoints++;
            break;
          }
          const subnets = listLength(p.SubnetIds);
          azs = Math.max(azs, subnets ?? 0);
          // An AWS service is named com.amazonaws.<region>.<service>; anything else (a parameter,
          // com.amazonaws.vpce.<region>.vpce-svc-...) is an endpoint service: PrivateLink pricing.
          const serviceName = JSON.stringify(p.ServiceName ?? null);
          if (!serviceName.includes('com.amazonaws.') || serviceName.includes('com.amazonaws.vpce.')) {
            c.privateLinkEndpoints++;
            c.privateLinkEndpointAzs += subnets ?? DEFAULT_AZS;
            break;
          }
          c.interfaceEndpoints++;
          hasEndpoints = true;
          if (subnets === undefined) warnings.push(`${stack.stackName}/${logicalId}: SubnetIds not a literal list; assumed ${DEFAULT_AZS} AZs`);
          c.interfaceEndpointAzs += subnets ?? DEFAULT_AZS;
          if (/\.sts"/.test(serviceName)) {
            c.stsEndpoints++;
            c.stsEndpointAzs += subnets ?? DEFAULT_AZS;
          }
          break;
        }
        case 'AWS::VpcLattice::Service':
          c.latticeServices++;
          serves = true;
          break;
        case 'AWS::VpcLattice::Listener':
          if (p.Protocol === 'TLS_PASSTHROUGH') {
            c.latticeTlsPassthroughListeners++;
            warnings.push(`${stack.stackName}/${logicalId}: a TLS passthrough listener is billed per connection, priced here as requests`);
          }
          break;
        case 'AWS::Route53::HostedZone':
          c.hostedZones++;
          if (Array.isArray(p.VPCs) && p.VPCs.length > 0) c.privateHostedZones++;
          break;
        case 'AWS::EC2::TransitGatewayVpcAttachment':
        case 'AWS::EC2::TransitGatewayAttachment':
          c.tgwAttachments++;
          azs = Math.max(azs, listLength(p.SubnetIds) ?? 0);
          break;
        case 'AWS::ECS::Service': {
          serves = true;
          const [taskDefId, taskDef] = ofType('AWS::ECS::TaskDefinition').find(([id]) => mentions(p.TaskDefinition, id)) ?? [];
          if (!taskDef) {
            warnings.push(`${stack.stackName}/${logicalId}: task definition not in the same template; service not priced`);
            break;
          }
          const td = props(taskDef);
          const cpu = toNumber(td.Cpu);
          const memory = toNumber(td.Memory);
          if (cpu === undefined || memory === undefined) {
            warnings.push(`${stack.stackName}/${taskDefId}: no task-level Cpu/Memory; service not priced`);
            break;
          }
          const scalable = ofType('AWS::ApplicationAutoScaling::ScalableTarget').find(([, t]) => mentions(props(t).ResourceId, logicalId));
          const minCapacity = scalable ? toNumber(props(scalable[1]).MinCapacity) : undefined;
          const maxCapacity = scalable ? toNumber(props(scalable[1]).MaxCapacity) : undefined;
          c.fargateServices.push({
            stackName: stack.stackName,
            logicalId,
            desiredCount: toNumber(p.DesiredCount) ?? minCapacity ?? 1,
            minCapacity,
            maxCapacity,
            vcpu: cpu / 1024,
            memoryGB: memory / 1024,
            architecture: (td.RuntimePlatform as { CpuArchitecture?: unknown } | undefined)?.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64',
          });
          break;
        }
        case 'AWS::Lambda::Function': {
          c.lambdaFunctions++;
          const fn: ResolverFunction = {
            stackName: stack.stackName,
            logicalId,
            memoryMB: toNumber(p.MemorySize) ?? 128,
            architecture: Array.isArray(p.Architectures) && p.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
          };
          if (ofType('AWS::AppSync::DataSource').some(([, ds]) => mentions(props(ds).LambdaConfig, logicalId))) c.resolverFunctions.push(fn);
          else if (p.VpcConfig !== undefined) vpcLambdas.push(fn);
          break;
        }
        case 'AWS::CodePipeline::Pipeline': {
          const stages = Array.isArray(p.Stages) ? (p.Stages as { Actions?: unknown[] }[]) : [];
          c.pipelines.push({
            stackName: stack.stackName,
            logicalId,
            type: p.PipelineType === 'V2' ? 'V2' : 'V1',
            actions: stages.reduce((sum, s) => sum + (listLength(s.Actions) ?? 0), 0),
          });
          break;
        }
        case 'AWS::CodeBuild::Project': {
          const computeType = String(((p.Environment ?? {}) as Record<string, unknown>).ComputeType ?? 'BUILD_GENERAL1_SMALL');
          c.codeBuildProjects[computeType] = (c.codeBuildProjects[computeType] ?? 0) + 1;
          break;
        }
        case 'AWS::EC2::FlowLog':
          if (p.LogDestinationType === undefined || p.LogDestinationType === 'cloud-watch-logs') c.flowLogsToCloudWatch++;
          break;
        case 'AWS::CloudWatch::Alarm': {
          c.alarms++;
          const metrics = Array.isArray(p.Metrics) ? (p.Metrics as Record<string, unknown>[]).filter((m) => m.MetricStat !== undefined).length : 0;
          c.alarmMetrics += Math.max(1, metrics);
          break;
        }
        case 'AWS::Logs::MetricFilter':
          c.customMetrics += listLength(p.MetricTransformations) ?? 1;
          break;
        case 'AWS::SSM::Parameter':
          if (p.Tier === 'Advanced') c.advancedSsmParameters++;
          break;
        default:
          if (resource.Type in TALLIES) c[TALLIES[resource.Type as keyof typeof TALLIES]]++;
      }
    }
    c.vpcs += stackVpcs;
    stackRoles.push({ account: stack.account, vpcs: stackVpcs, serves, hasEndpoints });
  }

  // Consumers = VPCs outside the API's account(s). The API's stacks are those with an NLB or an
  // ECS service, else (before those exist) those with interface endpoints. In a single-account
  // sandbox, fall back to the AppSync APIs, else to the VPCs of the other stacks.
  const anyServes = stackRoles.some((r) => r.serves);
  const isApi = (r: (typeof stackRoles)[number]) => (anyServes ? r.serves : r.hasEndpoints);
  const apiAccounts = new Set(stackRoles.filter(isApi).map((r) => r.account));
  const sum = (list: typeof stackRoles) => list.reduce((n, r) => n + r.vpcs, 0);
  let consumers = sum(stackRoles.filter((r) => !apiAccounts.has(r.account)));
  if (consumers === 0) consumers = c.appSyncApis > 0 ? c.appSyncApis : sum(stackRoles.filter((r) => !isApi(r)));

  // A resolver whose AppSync API lives in another stack is not linked by a DataSource in its own
  // template: then every VPC Lambda of an environment with AppSync APIs is taken as a resolver.
  if (c.resolverFunctions.length === 0 && c.appSyncApis > 0) c.resolverFunctions.push(...vpcLambdas);

  for (const service of c.fargateServices) {
    const totals = c.fargate[service.architecture];
    totals.tasks += service.desiredCount;
    totals.vcpu += service.desiredCount * service.vcpu;
    totals.memoryGB += service.desiredCount * service.memoryGB;
  }

  return {
    environment,
    /** Distinct `REGION`s of the stacks. */
    regions: [...new Set(stacks.map((s) => s.region))].sort(),
    /** Distinct accounts of the stacks. */
    accounts: [...new Set(stacks.map((s) => s.account))].sort(),
    stacks: stacks.map((s) => s.stackName),
    ...c,
    /** Used by the alternatives: consumer VPCs and AZs per VPC. */
    shape: { consumers, azs: azs > 0 ? azs : DEFAULT_AZS },
    /** Things the counter could not read, for the report. */
    warnings,
  };
}

/** Per environment counts of every stack in the assembly (see {@link countEnvironment}). */
export function countBillable(stacks: Record<string, readonly StackTemplate[]>): Record<string, EnvironmentCounts> {
  return Object.fromEntries(Object.entries(stacks).map(([environment, list]) => [environment, countEnvironment(environment, list)]));
}
