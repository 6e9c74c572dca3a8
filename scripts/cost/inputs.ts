import { existsSync, readFileSync } from 'node:fs';

/** Every price the model uses; `cost/prices/<region>.json` must define all of them. */
export const PRICE_KEYS = [
  'nlbHour', 'nlcuHour', 'albHour', 'lcuHour',
  'wafWebAclMonth', 'wafRuleMonth', 'wafMillionRequests',
  'natGatewayHour', 'natGatewayGB',
  'interfaceEndpointAzHour', 'interfaceEndpointGB', 'privateLinkEndpointAzHour', 'privateLinkEndpointGB',
  'tgwAttachmentHour', 'tgwGB',
  'latticeServiceHour', 'latticeGB', 'latticeMillionRequests', 'latticeVpcAssociationHour',
  'apiGatewayRestMillionRequests',
  'fargateVcpuHourX86', 'fargateGBHourX86', 'fargateVcpuHourArm', 'fargateGBHourArm',
  'route53HostedZoneMonth', 'route53MillionQueries',
  'appSyncMillionOperations',
  'lambdaGBSecondX86', 'lambdaGBSecondArm', 'lambdaMillionRequests',
  'kmsKeyMonth',
  'codePipelineV2ActionMinute', 'codePipelineV1PipelineMonth',
  'codeBuildMinuteSmall', 'codeBuildMinuteMedium', 'codeBuildMinuteLarge',
  'logsIngestionGB', 'logsStorageGBMonth',
  'alarmMonth', 'customMetricMonth',
  'ssmAdvancedParameterMonth',
  'interAzGB', 'publicIpv4Hour', 'publicIpTransferGB',
] as const;

export type PriceKey = (typeof PRICE_KEYS)[number];

/** One price of the table. */
export interface PriceItem {
  readonly price: number;
  readonly unit: string;
  /** URL of the AWS pricing page. */
  readonly source: string;
  readonly note?: string;
  readonly confidence?: 'low';
}

/** Capacity of one load-balancer capacity unit. */
export interface CapacityUnit {
  readonly newConnectionsPerSecond: number;
  readonly activeConnections: number;
  readonly processedGBPerHour: number;
}

/** A dated price table (`cost/prices/<region>.json`). */
export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** `YYYY-MM-DD`. */
  readonly retrieved: string;
  readonly retrievalNote?: string;
  readonly hoursPerMonth: number;
  readonly items: Record<PriceKey, PriceItem>;
  readonly dimensions: {
    /** NLCU of a TLS listener. */
    readonly nlcuTls: CapacityUnit;
    /** NLCU of a TCP listener. */
    readonly nlcuTcp: CapacityUnit;
    /** ALB LCU (with <= 10 rules the rule-evaluation dimension is zero). */
    readonly albLcu: CapacityUnit;
    readonly latticeFreeRequestsPerServiceHour: { readonly value: number };
  };
}

/** Log ingestion, GB per month, by source. */
export interface LogVolumes {
  /** All the API's Fargate tasks together (ingested through the logs interface endpoint). */
  readonly apiService: number;
  /** All resolver Lambdas of the environment together. */
  readonly resolver: number;
  /** Each VPC flow log that is delivered to CloudWatch Logs. */
  readonly flowLogsPerVpc: number;
  /** CodeBuild logs of all the environment's pipelines together. */
  readonly pipeline: number;
}

/** The workload of one environment (see cost/README.md). */
export interface Workload {
  readonly requestsPerMonth: number;
  readonly avgRequestKiB: number;
  readonly avgResponseKiB: number;
  readonly newTlsConnectionsPerSecond: number;
  readonly avgActiveConnections: number;
  readonly lambdaAvgDurationMs: number;
  readonly imagePullsPerMonth: number;
  readonly imageSizeMiB: number;
  readonly logGiBPerMonth: LogVolumes;
  readonly logStorageMonths: number;
  readonly billableDnsQueriesPerMonth: number;
  readonly pipelineRunsPerMonth: number;
  readonly pipelineAvgActionMinutes: number;
  readonly codeBuildMinutesPerProjectPerRun: number;
  readonly wafRules: number;
}

/** `cost/workload.json`: a workload plus per-environment overrides. */
export interface WorkloadFile extends Workload {
  readonly environments?: Record<string, Partial<Omit<Workload, 'logGiBPerMonth'>> & { logGiBPerMonth?: Partial<LogVolumes> }>;
}

const WORKLOAD_NUMBERS = [
  'requestsPerMonth', 'avgRequestKiB', 'avgResponseKiB', 'newTlsConnectionsPerSecond', 'avgActiveConnections',
  'lambdaAvgDurationMs', 'imagePullsPerMonth', 'imageSizeMiB', 'logStorageMonths', 'billableDnsQueriesPerMonth',
  'pipelineRunsPerMonth', 'pipelineAvgActionMinutes', 'codeBuildMinutesPerProjectPerRun', 'wafRules',
] as const;
const LOG_SOURCES = ['apiService', 'resolver', 'flowLogsPerVpc', 'pipeline'] as const;

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function readJsonFile(file: string, what: string): unknown {
  if (!existsSync(file)) throw new Error(`${what} ${file} not found.`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks a parsed price table; throws listing every problem. */
export function validatePrices(value: unknown, file = 'price table'): PriceTable {
  const problems: string[] = [];
  const table = value as Partial<PriceTable>;
  if (typeof table.region !== 'string') problems.push('region: missing');
  if (typeof table.retrieved !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(table.retrieved)) problems.push('retrieved: expected YYYY-MM-DD');
  if (!isNonNegative(table.hoursPerMonth) || table.hoursPerMonth === 0) problems.push('hoursPerMonth: expected a positive number');
  for (const key of PRICE_KEYS) {
    const item = (table.items as Record<string, Partial<PriceItem>> | undefined)?.[key];
    if (!item) problems.push(`items.${key}: missing`);
    else {
      if (!isNonNegative(item.price)) problems.push(`items.${key}.price: expected a number >= 0`);
      if (typeof item.source !== 'string' || !item.source.startsWith('https://')) problems.push(`items.${key}.source: expected the https URL of the pricing page`);
    }
  }
  for (const unit of ['nlcuTls', 'nlcuTcp', 'albLcu'] as const) {
    const dims = table.dimensions?.[unit] as Partial<CapacityUnit> | undefined;
    for (const dim of ['newConnectionsPerSecond', 'activeConnections', 'processedGBPerHour'] as const) {
      if (!isNonNegative(dims?.[dim]) || dims?.[dim] === 0) problems.push(`dimensions.${unit}.${dim}: expected a positive number`);
    }
  }
  if (!isNonNegative(table.dimensions?.latticeFreeRequestsPerServiceHour?.value)) problems.push('dimensions.latticeFreeRequestsPerServiceHour.value: expected a number >= 0');
  if (problems.length > 0) throw new Error(`Invalid price table ${file}:\n  - ${problems.join('\n  - ')}`);
  return value as PriceTable;
}

/** Checks a parsed workload file; throws listing every problem. */
export function validateWorkload(value: unknown, file = 'workload'): WorkloadFile {
  const problems: string[] = [];
  const check = (w: Record<string, unknown>, where: string, partial: boolean) => {
    for (const key of WORKLOAD_NUMBERS) {
      if (partial && w[key] === undefined) continue;
      if (!isNonNegative(w[key])) problems.push(`${where}${key}: expected a number >= 0`);
    }
    const logs = w.logGiBPerMonth as Record<string, unknown> | undefined;
    if (partial && logs === undefined) return;
    for (const key of LOG_SOURCES) {
      if (partial && logs?.[key] === undefined) continue;
      if (!isNonNegative(logs?.[key])) problems.push(`${where}logGiBPerMonth.${key}: expected a number >= 0`);
    }
  };
  const workload = (value ?? {}) as Record<string, unknown>;
  check(workload, '', false);
  const overrides = (workload.environments ?? {}) as Record<string, Record<string, unknown>>;
  for (const [environment, override] of Object.entries(overrides)) check(override, `environments.${environment}.`, true);
  if (problems.length > 0) throw new Error(`Invalid workload ${file}:\n  - ${problems.join('\n  - ')}`);
  return value as WorkloadFile;
}

/** The workload of one environment: the file's fields, overridden by `environments[environment]`. */
export function workloadFor(file: WorkloadFile, environment: string): Workload {
  const { environments, ...base } = file;
  const override = environments?.[environment] ?? {};
  const { logGiBPerMonth, ...rest } = override;
  return { ...base, ...rest, logGiBPerMonth: { ...base.logGiBPerMonth, ...logGiBPerMonth } };
}

export function loadPrices(file: string): PriceTable {
  return validatePrices(readJsonFile(file, 'Price table'), file);
}

export function loadWorkload(file: string): WorkloadFile {
  return validateWorkload(readJsonFile(file, 'Workload'), file);
}
