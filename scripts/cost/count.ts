import { CfnResource, StackTemplate } from './assembly';

/** Fargate CPU architecture, as in `RuntimePlatform.CpuArchitecture`. */
export type Architecture = 'ARM64' | 'X86_64';

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
  readonly architecture: Architecture;
}

/** Running Fargate capacity of one architecture. */
export interface FargateTotals {
  readonly tasks: number;
  /** vCPUs summed over the running tasks. */
  readonly vcpu: number;
  /** GB summed over the running tasks. */
  readonly memoryGB: number;
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

/** The billable resources of one environment. */
export interface EnvironmentCounts {
  readonly environment: string;
  /** Distinct `REGION`s of the stacks. */
  readonly regions: string[];
  /** Distinct accounts of the stacks. */
  readonly accounts: string[];
  readonly stacks: string[];
  readonly vpcs: number;
  /** Network Load Balancers (`Type: network`). */
  readonly nlbs: number;
  /** Listeners with `Protocol: TLS` (they use the TLS NLCU dimensions). */
  readonly nlbTlsListeners: number;
  /** Application Load Balancers. */
  readonly albs: number;
  /** Interface VPC endpoints. */
  readonly interfaceEndpoints: number;
  /** Interface endpoints x AZs: the sum of their `SubnetIds` (one ENI, billed hourly, per subnet). */
  readonly interfaceEndpointAzs: number;
  /** Interface endpoints to an endpoint service (PrivateLink to the API), not to an AWS service; not in `interfaceEndpoints`. */
  readonly privateLinkEndpoints: number;
  /** Those endpoints x AZs. */
  readonly privateLinkEndpointAzs: number;
  /** Gateway VPC endpoints (free). */
  readonly gatewayEndpoints: number;
  /** Transit gateways (no hourly charge of their own). */
  readonly transitGateways: number;
  /** Transit gateway VPC attachments. */
  readonly tgwAttachments: number;
  readonly fargateServices: FargateService[];
  readonly fargate: Record<Architecture, FargateTotals>;
  readonly hostedZones: number;
  readonly appSyncApis: number;
  /** Every Lambda function, including CDK custom-resource handlers (invoked only on deploy). */
  readonly lambdaFunctions: number;
  /** Lambda functions on the request path (AppSync data sources). */
  readonly resolverFunctions: ResolverFunction[];
  readonly kmsKeys: number;
  readonly pipelines: PipelineCount[];
  /** CodeBuild projects by `Environment.ComputeType`. */
  readonly codeBuildProjects: Record<string, number>;
  readonly logGroups: number;
  /** VPC flow logs delivered to CloudWatch Logs. */
  readonly flowLogsToCloudWatch: number;
  readonly alarms: number;
  /** Metrics over all alarms (an alarm is billed per metric it evaluates). */
  readonly alarmMetrics: number;
  /** Custom metrics published by log metric filters (one per `MetricTransformations` entry). */
  readonly customMetrics: number;
  /** `AWS::SSM::Parameter` with `Tier: Advanced`. */
  readonly advancedSsmParameters: number;
  /** Used by the alternatives: consumer VPCs and AZs per VPC. */
  readonly shape: { readonly consumers: number; readonly azs: number };
  /** Things the counter could not read, for the report. */
  readonly warnings: string[];
}

const DEFAULT_AZS = 2;

function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

/** Logical id of `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attr] }`, else undefined. */
function referencedId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const ref = (value as Record<string, unknown>).Ref;
    if (typeof ref === 'string') return ref;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

function listLength(value: unknown): number | undefined {
  return Array.isArray(value) ? value.length : undefined;
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
export function countEnvironment(environment: string, stacks: readonly StackTemplate[]): EnvironmentCounts {
  const warnings: string[] = [];
  let vpcs = 0, nlbs = 0, nlbTlsListeners = 0, albs = 0, interfaceEndpoints = 0, interfaceEndpointAzs = 0, gatewayEndpoints = 0;
  let privateLinkEndpoints = 0, privateLinkEndpointAzs = 0;
  let transitGateways = 0, tgwAttachments = 0, hostedZones = 0, appSyncApis = 0, lambdaFunctions = 0, kmsKeys = 0;
  let logGroups = 0, flowLogsToCloudWatch = 0, alarms = 0, alarmMetrics = 0, customMetrics = 0, advancedSsmParameters = 0;
  let azs = 0;
  const stackRoles: { account: string; vpcs: number; serves: boolean; hasEndpoints: boolean }[] = [];
  const fargateServices: FargateService[] = [];
  const resolverFunctions: ResolverFunction[] = [];
  const vpcLambdas: ResolverFunction[] = [];
  const pipelines: PipelineCount[] = [];
  const codeBuildProjects: Record<string, number> = {};

  for (const stack of stacks) {
    const resources = stack.template.Resources ?? {};
    const entries = Object.entries(resources);
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
            nlbs++;
            serves = true;
          } else if (p.Type === undefined || p.Type === 'application') {
            albs++;
          }
          break;
        case 'AWS::ElasticLoadBalancingV2::Listener':
          if (p.Protocol === 'TLS') nlbTlsListeners++;
          break;
        case 'AWS::EC2::VPCEndpoint': {
          const subnets = listLength(p.SubnetIds);
          // An AWS service is named com.amazonaws.<region>.<service>; anything else (a parameter,
          // com.amazonaws.vpce.<region>.vpce-svc-...) is an endpoint service: PrivateLink pricing.
          const serviceName = JSON.stringify(p.ServiceName ?? null);
          if (p.VpcEndpointType === 'Interface' && !(serviceName.includes('com.amazonaws.') && !serviceName.includes('com.amazonaws.vpce.'))) {
            privateLinkEndpoints++;
            privateLinkEndpointAzs += subnets ?? DEFAULT_AZS;
            azs = Math.max(azs, subnets ?? 0);
          } else if (p.VpcEndpointType === 'Interface') {
            interfaceEndpoints++;
            hasEndpoints = true;
            if (subnets === undefined) warnings.push(`${stack.stackName}/${logicalId}: SubnetIds not a literal list; assumed ${DEFAULT_AZS} AZs`);
            interfaceEndpointAzs += subnets ?? DEFAULT_AZS;
            azs = Math.max(azs, subnets ?? 0);
          } else {
            gatewayEndpoints++;
          }
          break;
        }
        case 'AWS::EC2::TransitGateway':
          transitGateways++;
          break;
        case 'AWS::EC2::TransitGatewayVpcAttachment':
        case 'AWS::EC2::TransitGatewayAttachment':
          tgwAttachments++;
          azs = Math.max(azs, listLength(p.SubnetIds) ?? 0);
          break;
        case 'AWS::ECS::Service': {
          serves = true;
          const taskDefId = referencedId(p.TaskDefinition);
          const taskDef = taskDefId ? resources[taskDefId] : undefined;
          if (!taskDef || taskDef.Type !== 'AWS::ECS::TaskDefinition') {
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
          const platform = (td.RuntimePlatform ?? {}) as Record<string, unknown>;
          fargateServices.push({
            stackName: stack.stackName,
            logicalId,
            desiredCount: toNumber(p.DesiredCount) ?? minCapacity ?? 1,
            minCapacity,
            maxCapacity,
            vcpu: cpu / 1024,
            memoryGB: memory / 1024,
            architecture: platform.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64',
          });
          break;
        }
        case 'AWS::Route53::HostedZone':
          hostedZones++;
          break;
        case 'AWS::AppSync::GraphQLApi':
          appSyncApis++;
          break;
        case 'AWS::Lambda::Function': {
          lambdaFunctions++;
          const fn: ResolverFunction = {
            stackName: stack.stackName,
            logicalId,
            memoryMB: toNumber(p.MemorySize) ?? 128,
            architecture: Array.isArray(p.Architectures) && p.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
          };
          const isDataSource = ofType('AWS::AppSync::DataSource').some(([, ds]) => mentions(props(ds).LambdaConfig, logicalId));
          if (isDataSource) resolverFunctions.push(fn);
          else if (p.VpcConfig !== undefined) vpcLambdas.push(fn);
          break;
        }
        case 'AWS::KMS::Key':
          kmsKeys++;
          break;
        case 'AWS::CodePipeline::Pipeline': {
          const stages = Array.isArray(p.Stages) ? (p.Stages as { Actions?: unknown[] }[]) : [];
          pipelines.push({
            stackName: stack.stackName,
            logicalId,
            type: p.PipelineType === 'V2' ? 'V2' : 'V1',
            actions: stages.reduce((sum, s) => sum + (listLength(s.Actions) ?? 0), 0),
          });
          break;
        }
        case 'AWS::CodeBuild::Project': {
          const computeType = String(((p.Environment ?? {}) as Record<string, unknown>).ComputeType ?? 'BUILD_GENERAL1_SMALL');
          codeBuildProjects[computeType] = (codeBuildProjects[computeType] ?? 0) + 1;
          break;
        }
        case 'AWS::Logs::LogGroup':
          logGroups++;
          break;
        case 'AWS::EC2::FlowLog':
          if (p.LogDestinationType === undefined || p.LogDestinationType === 'cloud-watch-logs') flowLogsToCloudWatch++;
          break;
        case 'AWS::CloudWatch::Alarm': {
          alarms++;
          const metrics = Array.isArray(p.Metrics) ? (p.Metrics as Record<string, unknown>[]).filter((m) => m.MetricStat !== undefined).length : 0;
          alarmMetrics += Math.max(1, metrics);
          break;
        }
        case 'AWS::Logs::MetricFilter':
          customMetrics += listLength(p.MetricTransformations) ?? 1;
          break;
        case 'AWS::SSM::Parameter':
          if (p.Tier === 'Advanced') advancedSsmParameters++;
          break;
      }
    }
    vpcs += stackVpcs;
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
  if (consumers === 0) consumers = appSyncApis > 0 ? appSyncApis : sum(stackRoles.filter((r) => !isApi(r)));

  // A resolver whose AppSync API lives in another stack is not linked by a DataSource in its own
  // template: then every VPC Lambda of an environment with AppSync APIs is taken as a resolver.
  if (resolverFunctions.length === 0 && appSyncApis > 0) resolverFunctions.push(...vpcLambdas);

  const fargate = { ARM64: { tasks: 0, vcpu: 0, memoryGB: 0 }, X86_64: { tasks: 0, vcpu: 0, memoryGB: 0 } };
  for (const service of fargateServices) {
    const totals = fargate[service.architecture];
    totals.tasks += service.desiredCount;
    totals.vcpu += service.desiredCount * service.vcpu;
    totals.memoryGB += service.desiredCount * service.memoryGB;
  }

  return {
    environment,
    regions: [...new Set(stacks.map((s) => s.region))].sort(),
    accounts: [...new Set(stacks.map((s) => s.account))].sort(),
    stacks: stacks.map((s) => s.stackName),
    vpcs,
    nlbs,
    nlbTlsListeners,
    albs,
    interfaceEndpoints,
    interfaceEndpointAzs,
    privateLinkEndpoints,
    privateLinkEndpointAzs,
    gatewayEndpoints,
    transitGateways,
    tgwAttachments,
    fargateServices,
    fargate,
    hostedZones,
    appSyncApis,
    lambdaFunctions,
    resolverFunctions,
    kmsKeys,
    pipelines,
    codeBuildProjects,
    logGroups,
    flowLogsToCloudWatch,
    alarms,
    alarmMetrics,
    customMetrics,
    advancedSsmParameters,
    shape: { consumers, azs: azs > 0 ? azs : DEFAULT_AZS },
    warnings,
  };
}

/** Per environment counts of every stack in the assembly (see {@link countEnvironment}). */
export function countBillable(stacks: Record<string, readonly StackTemplate[]>): Record<string, EnvironmentCounts> {
  const result: Record<string, EnvironmentCounts> = {};
  for (const [environment, list] of Object.entries(stacks)) result[environment] = countEnvironment(environment, list);
  return result;
}
