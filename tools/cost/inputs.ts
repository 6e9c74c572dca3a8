/**
 * The price table (`tools/cost/prices/<region>.json`) and the workload (`tools/cost/workload.json`) as zod
 * schemas: their types, and the checks every file passes before it is used (fields: tools/cost/README.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** Every price the model uses; `tools/cost/prices/<region>.json` must define all of them. */
export const PRICE_KEYS = [
  'nlbHour', 'nlcuHour', 'albHour', 'lcuHour',
  'wafWebAclMonth', 'wafRuleMonth', 'wafMillionRequests',
  'natGatewayHour', 'natGatewayGB',
  'interfaceEndpointAzHour', 'interfaceEndpointGB', 'privateLinkEndpointAzHour', 'privateLinkEndpointGB',
  'tgwAttachmentHour', 'tgwGB',
  'latticeServiceHour', 'latticeGB', 'latticeMillionRequests', 'latticeVpcAssociationHour',
  'apiGatewayRestMillionRequests',
  'fargateVcpuHourX86', 'fargateGBHourX86', 'fargateVcpuHourArm', 'fargateGBHourArm',
  'route53HostedZoneMonth', 'route53HostedZoneMonthBeyondTier', 'route53MillionQueries',
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

/** zod numbers are finite. */
const amount = z.number().min(0);
const positive = z.number().positive();

/** Capacity of one load-balancer capacity unit. */
const capacityUnit = z.object({ newConnectionsPerSecond: positive, activeConnections: positive, processedGBPerHour: positive });
export type CapacityUnit = z.infer<typeof capacityUnit>;

const priceTable = z.object({
  region: z.string(),
  currency: z.string(),
  retrieved: z.iso.date('expected YYYY-MM-DD'),
  retrievalNote: z.string().optional(),
  hoursPerMonth: positive,
  // An object with every key of PRICE_KEYS (a missing one is an error).
  items: z.record(
    z.enum(PRICE_KEYS),
    z.object({
      price: amount,
      unit: z.string(),
      source: z.string().startsWith('https://', 'expected the https URL of the pricing page'),
      note: z.string().optional(),
      confidence: z.literal('low').optional(),
    }),
  ),
  dimensions: z.object({
    /** NLCU of a TLS listener. */
    nlcuTls: capacityUnit,
    /** NLCU of a TCP listener. */
    nlcuTcp: capacityUnit,
    /** ALB LCU (with <= 10 rules the rule-evaluation dimension is zero). */
    albLcu: capacityUnit,
    latticeFreeRequestsPerServiceHour: z.object({ value: amount }),
    /** Hosted zones a month at `route53HostedZoneMonth`; the rest at `route53HostedZoneMonthBeyondTier`. */
    route53HostedZonesFirstTier: z.object({ value: amount }),
  }),
});
/** A dated price table (`tools/cost/prices/<region>.json`). */
export type PriceTable = z.infer<typeof priceTable>;

/** Log ingestion, GB per month, by source. */
const logVolumes = z.object({ apiService: amount, resolver: amount, flowLogsPerVpc: amount, pipeline: amount });

const workload = z.object({
  requestsPerMonth: amount,
  avgRequestKiB: amount,
  avgResponseKiB: amount,
  newTlsConnectionsPerSecond: amount,
  avgActiveConnections: amount,
  lambdaAvgDurationMs: amount,
  imagePullsPerMonth: amount,
  imageSizeMiB: amount,
  logGiBPerMonth: logVolumes,
  logStorageMonths: amount,
  billableDnsQueriesPerMonth: amount,
  pipelineRunsPerMonth: amount,
  pipelineAvgActionMinutes: amount,
  codeBuildMinutesPerProjectPerRun: amount,
  wafRules: amount,
});
/** The workload of one environment (see tools/cost/README.md). */
export type Workload = z.infer<typeof workload>;

/** `tools/cost/workload.json`: a workload plus per-environment overrides of any of its fields. */
const workloadFile = workload.extend({
  environments: z.record(z.string(), workload.partial().extend({ logGiBPerMonth: logVolumes.partial().optional() })).optional(),
});
export type WorkloadFile = z.infer<typeof workloadFile>;

/**
 * `value` once it matches `schema`, else an error listing every problem. The value itself is
 * returned (not zod's copy), so keys the schema does not name (`$comment`) stay, in their order.
 */
function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value, { error: (issue) => (issue.input === undefined ? 'missing' : undefined) });
  if (result.success) return value as z.infer<T>;
  throw new Error(`Invalid ${what}:\n  - ${result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('\n  - ')}`);
}

/** The JSON file `file` once it matches `schema`; `what` names it in errors (`Price table`). */
function load<T extends z.ZodType>(schema: T, file: string, what: string): z.infer<T> {
  if (!existsSync(file)) throw new Error(`${what} ${file} not found.`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return checked(schema, value, `${what.toLowerCase()} ${file}`);
}

/** Checks a parsed price table; throws listing every problem. */
export const validatePrices = (value: unknown): PriceTable => checked(priceTable, value, 'price table');
export const loadPrices = (file: string): PriceTable => load(priceTable, file, 'Price table');
export const loadWorkload = (file: string): WorkloadFile => load(workloadFile, file, 'Workload');

/** The workload of one environment: the file's fields, overridden by `environments[environment]`. */
export function workloadFor(file: WorkloadFile, environment: string): Workload {
  const { environments, ...base } = file;
  const { logGiBPerMonth, ...rest } = environments?.[environment] ?? {};
  return { ...base, ...rest, logGiBPerMonth: { ...base.logGiBPerMonth, ...logGiBPerMonth } };
}
