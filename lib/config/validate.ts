import { RegionInfo } from 'aws-cdk-lib/region-info';
import { addressPlan } from './address-plan';
import { azIdPrefix, azIdRegionPrefix, isAzId } from './availability-zones';
import { blockSize, cidrsOverlap, parseCidr } from './cidr';
import { closest } from './suggest';
import { AppConfig, EnvironmentConfig } from './types';

/** One problem in the configuration: where, what was found, and how to fix it. */
export interface ConfigProblem {
  /** Path of the offending field, e.g. `environments[dev].consumers[0].cidr`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What is wrong and what to do instead. */
  readonly fix: string;
}

/**
 * A configuration mistake (unreadable file, JSON syntax, shape or meaning): entry points print
 * its message alone, without a stack trace, and exit non-zero before anything is synthesized.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Thrown by {@link assertValidConfig} with every problem found, not just the first. */
export class ConfigValidationError extends ConfigError {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** `field: value -> fix`, one line. */
export function formatProblem(p: ConfigProblem): string {
  return p.value === undefined ? `${p.field} (missing): ${p.fix}` : `${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`;
}

const ACCOUNT_ID = /^\d{12}$/;
const ENV_NAME = /^[a-z][a-z0-9]{0,15}$/;
const CONSUMER_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const PROJECT_NAME = /^[a-z][a-z0-9-]{1,23}$/;
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const TGW_ID = /^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** Stage ids that other top-level constructs of the app already use. */
const RESERVED_STAGE_IDS = ['Pipeline'];
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** In the region's partition; both prefixes: IAM requires the action prefix to match the one in the ARN (pipeline-stack.ts). */
const connectionArn = (partition: string) =>
  new RegExp(`^arn:${partition}:(codestar-connections|codeconnections):[a-z0-9-]+:\\d{12}:connection/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Fargate CPU units -> allowed memory in MiB. */
const FARGATE_MEMORY: Record<number, (m: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
};

/** True when `name` is a syntactically valid lowercase DNS name (no trailing dot). */
function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label)) && name.includes('.');
}

/** True when `name` is `parent` or ends in `.parent`. */
function isAtOrUnder(name: string, parent: string): boolean {
  return name === parent || name.endsWith(`.${parent}`);
}

/**
 * Checks the whole configuration and returns every problem found (empty when valid).
 * Pure: builds nothing, reads nothing but its argument.
 */
export function validateConfig(config: AppConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (field: string, value: unknown, fix: string) => problems.push({ field, value, fix });
  const checkAccount = (field: string, value: string) => {
    if (!ACCOUNT_ID.test(value)) report(field, value, 'an AWS account id is exactly 12 digits, e.g. "111111111111"; quote it as a string so leading zeros survive.');
  };

  if (!PROJECT_NAME.test(config.projectName)) {
    report('projectName', config.projectName, 'use 2-24 lowercase letters, digits or dashes, starting with a letter (it prefixes parameter and role names).');
  }
  const regionProblem = checkRegion(config.region);
  if (regionProblem) report('region', config.region, regionProblem);
  const regionValid = regionProblem === undefined;

  // Availability zones: the VPCs are built from these, never from a lookup.
  const azs = config.availabilityZones;
  if (azs.length < 2) {
    report('availabilityZones', azs, 'list at least 2 availability zones of the region (the NLB and the service need two AZs to survive one failing).');
  }
  // AZ ids (euw1-az1) name the same physical zone in every account; names (eu-west-1a) do not.
  const idPrefix = regionValid ? azIdPrefix(config.region) : undefined;
  azs.forEach((az, i) => {
    if (isAzId(az)) {
      if (idPrefix && azIdRegionPrefix(az) !== idPrefix) {
        report(`availabilityZones[${i}]`, az, `this AZ id is not in region ${config.region}; its ids start with "${idPrefix}-", e.g. "${idPrefix}-az1" (aws ec2 describe-availability-zones --region ${config.region}).`);
      }
    } else if (regionValid && !new RegExp(`^${config.region}[a-z]$`).test(az)) {
      report(
        `availabilityZones[${i}]`,
        az,
        `not an availability zone of region ${config.region}; use an AZ id such as "${idPrefix ?? 'euw1'}-az1" (the same zone in every account) or a zone name such as "${config.region}a".`,
      );
    }
  });
  if (azs.some(isAzId) && !azs.every(isAzId)) {
    report('availabilityZones', azs, 'use AZ ids for every zone (recommended across accounts) or names for every zone, not a mix.');
  }
  if (new Set(azs).size !== azs.length) report('availabilityZones', azs, 'list each availability zone once.');

  checkAccount('accounts.tools', config.accounts.tools);
  checkAccount('accounts.network', config.accounts.network);
  checkAccount('accounts.dns', config.accounts.dns);

  if (!ZONE_ID.test(config.parentZone.id)) {
    report('parentZone.id', config.parentZone.id, 'use the Route 53 hosted zone id of the parent zone (starts with "Z", uppercase letters and digits, without the "/hostedzone/" prefix).');
  }
  const parentName = config.parentZone.name;
  if (!isDnsName(parentName)) {
    report('parentZone.name', parentName, 'use the parent zone\'s DNS name in lowercase without a trailing dot, e.g. "example.com".');
  }

  const { workloadMask, transitMask } = config.subnets;
  if (!Number.isInteger(workloadMask) || workloadMask < 16 || workloadMask > 28) {
    report('subnets.workloadMask', workloadMask, 'use a prefix length from 16 to 28 (e.g. 22 for about 1,000 addresses per AZ).');
  }
  if (!Number.isInteger(transitMask) || transitMask < 16 || transitMask > 28) {
    report('subnets.transitMask', transitMask, 'use a prefix length from 16 to 28; AWS recommends a /28 for transit gateway attachments.');
  } else if (transitMask < workloadMask) {
    report('subnets.transitMask', transitMask, `the transit-gateway subnet should not be larger than the workload subnet (/${workloadMask}); use /28.`);
  }
  const neededPerVpc = azs.length * (blockSize(workloadMask) + blockSize(transitMask));
  const masksValid = problems.every((p) => !p.field.startsWith('subnets.'));

  const partition = partitionOfRegion(config.region) ?? 'aws';
  if (!connectionArn(partition).test(config.pipeline.connectionArn)) {
    report('pipeline.connectionArn', config.pipeline.connectionArn, `use the ARN of a CodeStar/CodeConnections connection, arn:${partition}:codeconnections:<region>:<tools account>:connection/<uuid> (or arn:${partition}:codestar-connections:... for one created before 2024).`);
  }
  if (!REPOSITORY.test(config.pipeline.repository)) {
    report('pipeline.repository', config.pipeline.repository, 'use "owner/repository" as the connection knows it.');
  }
  if (!config.pipeline.branch.trim()) report('pipeline.branch', config.pipeline.branch, 'name the branch the pipeline deploys, e.g. "main".');

  if (config.environments.length === 0) report('environments', [], 'define at least one environment.');

  // VPCs that share a transit gateway must not overlap: group them by gateway.
  const vpcsByGateway = new Map<string, { field: string; cidr: string }[]>();
  const seenEnvNames = new Map<string, number>();
  const seenDomains = new Map<string, string>();

  config.environments.forEach((env, index) => {
    const at = `environments[${env.name || index}]`;
    if (!ENV_NAME.test(env.name)) {
      report(`environments[${index}].name`, env.name, 'use 1-16 lowercase letters or digits, starting with a letter (e.g. "dev"); it names the Stage.');
    }
    if (RESERVED_STAGE_IDS.includes(env.name.charAt(0).toUpperCase() + env.name.slice(1))) {
      report(`environments[${index}].name`, env.name, `"${env.name}" would name its Stage like the pipeline stack; choose another name.`);
    }
    const earlier = seenEnvNames.get(env.name.toLowerCase());
    if (earlier !== undefined) {
      report(`environments[${index}].name`, env.name, `environment names must be unique; environments[${earlier}] is already "${env.name}". Rename one.`);
    } else {
      seenEnvNames.set(env.name.toLowerCase(), index);
    }

    checkAccount(`${at}.apiAccount`, env.apiAccount);
    validateDomain(env, at, parentName, seenDomains, report);

    // Which VPCs must not overlap: those that route to each other, i.e. share a transit gateway.
    // In privatelink mode nothing is routed between VPCs, so consumers may reuse any CIDR.
    const connectivity = env.connectivity ?? 'transit-gateway';
    let gatewayKey: string | undefined;
    if (connectivity !== 'transit-gateway' && connectivity !== 'privatelink') {
      report(`${at}.connectivity`, connectivity, 'use "transit-gateway" (the default) or "privatelink".');
    } else if (connectivity === 'privatelink') {
      if (env.transitGateway !== undefined) {
        report(`${at}.transitGateway`, env.transitGateway, 'privatelink mode has no transit gateway: remove transitGateway, or set connectivity to "transit-gateway".');
      }
    } else if (env.transitGateway === undefined) {
      report(`${at}.transitGateway`, undefined, 'transit-gateway mode needs one: add transitGateway: { mode: "create" } (or { mode: "import", transitGatewayId }), or set connectivity to "privatelink".');
    } else {
      gatewayKey = env.transitGateway.mode === 'create' ? `create:${env.name}:${index}` : `import:${env.transitGateway.transitGatewayId}`;
      if (env.transitGateway.mode === 'import') {
        if (!TGW_ID.test(env.transitGateway.transitGatewayId)) {
          report(`${at}.transitGateway.transitGatewayId`, env.transitGateway.transitGatewayId, 'use the id of an existing transit gateway: "tgw-" followed by 8 or 17 hex digits.');
        }
      } else if (env.transitGateway.amazonSideAsn !== undefined) {
        const asn = env.transitGateway.amazonSideAsn;
        const privateAsn = (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
        if (!Number.isInteger(asn) || !privateAsn) {
          report(`${at}.transitGateway.amazonSideAsn`, asn, 'use a private ASN: 64512-65534 or 4200000000-4294967294 (or omit it for 64512).');
        }
      }
    }
    const vpcs: { field: string; cidr: string }[] = [{ field: `${at}.apiCidr`, cidr: env.apiCidr }];
    if (env.consumers.length === 0) {
      report(`${at}.consumers`, [], 'list at least one consumer account: the API exists to be called from one.');
    }
    const consumerNames = new Set<string>();
    env.consumers.forEach((consumer, ci) => {
      const cat = `${at}.consumers[${ci}]`;
      checkAccount(`${cat}.account`, consumer.account);
      if (!CONSUMER_NAME.test(consumer.name)) {
        report(`${cat}.name`, consumer.name, 'use 1-24 lowercase letters, digits or dashes, starting with a letter; it names the consumer\'s stacks.');
      }
      if (consumerNames.has(consumer.name)) report(`${cat}.name`, consumer.name, 'consumer names must be unique within an environment; rename one.');
      consumerNames.add(consumer.name);
      if (consumer.graphqlAuth === 'API_KEY' && !(consumer.apiKeyExpires && /^\d{4}-\d{2}-\d{2}$/.test(consumer.apiKeyExpires) && !Number.isNaN(Date.parse(consumer.apiKeyExpires)))) {
        report(`${cat}.apiKeyExpires`, consumer.apiKeyExpires, 'API_KEY authorization needs the key\'s expiry date as "YYYY-MM-DD" (at most 365 days after the deploy); renew by moving the date and deploying.');
      }
      vpcs.push({ field: `${cat}.cidr`, cidr: consumer.cidr });
    });

    for (const vpc of vpcs) {
      const range = parseCidr(vpc.cidr);
      if (!range) {
        report(vpc.field, vpc.cidr, 'use an IPv4 CIDR whose address is the start of its block, e.g. "10.10.0.0/20".');
      } else if (range.prefix < 16 || range.prefix > 28) {
        report(vpc.field, vpc.cidr, 'a VPC CIDR must be between /16 and /28.');
      } else if (masksValid && !addressPlan(vpc.cidr, azs.length, workloadMask, transitMask)) {
        // Workload slots count up from the start, transit slots down from the end: they must not meet.
        report(
          vpc.field,
          vpc.cidr,
          `too small for ${azs.length} AZs: each AZ takes a /${workloadMask} workload slot and a /${transitMask} transit slot, ` +
            `${neededPerVpc} addresses in all; the block has ${blockSize(range.prefix)}. Use a larger block or smaller subnets.workloadMask ` +
            '(either change re-addresses every subnet of this VPC, replacing them; on an existing VPC, remove the added AZ instead).',
        );
      }
      if (gatewayKey === undefined) continue;
      const group = vpcsByGateway.get(gatewayKey) ?? [];
      group.push(vpc);
      vpcsByGateway.set(gatewayKey, group);
    }

    validateService(env, at, config.region, partition, report);
  });

  for (const group of vpcsByGateway.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = parseCidr(group[i].cidr);
        const b = parseCidr(group[j].cidr);
        if (a && b && cidrsOverlap(a, b)) {
          report(
            group[j].field,
            group[j].cidr,
            `overlaps ${group[i].field} (${group[i].cidr}); VPCs on one transit gateway need disjoint CIDRs or routing is ambiguous. Pick a block that does not overlap.`,
          );
        }
      }
    }
  }
  return problems;
}

/** The partitions this design is built and checked for (see {@link checkRegion}). */
export const SUPPORTED_PARTITIONS: readonly string[] = ['aws'];

/** The partition of a region aws-cdk-lib knows, e.g. `aws`, `aws-cn`, `aws-us-gov`. */
export function partitionOfRegion(region: string): string | undefined {
  return RegionInfo.regions.find((r) => r.name === region)?.partition;
}

/**
 * Why `region` cannot be used, or undefined. The list is aws-cdk-lib's (RegionInfo), not ours.
 * Only the `aws` partition is accepted: the design needs AppSync (in aws-cn only in Beijing),
 * a public Route 53 delegation and DNS-validated ACM certificates (in China a public name needs
 * an ICP recordal) and CodeConnections, and none of it has been synthesized and checked against
 * the cdk-nag and cfn-guard packs elsewhere. ARNs are still built with the partition, so
 * lifting this is a matter of that verification.
 */
function checkRegion(region: string): string | undefined {
  const partition = partitionOfRegion(region);
  if (partition === undefined) {
    const suggestion = closest(region, RegionInfo.regions.map((r) => r.name));
    return `not a region aws-cdk-lib knows${suggestion ? `; did you mean "${suggestion}"?` : '; use a region code such as "eu-west-1".'}`;
  }
  if (!SUPPORTED_PARTITIONS.includes(partition)) {
    return `${region} is in the "${partition}" partition; this design is built and checked for the "aws" partition only ` +
      '(AppSync, public Route 53 delegation with DNS-validated ACM certificates and CodeConnections are not verified there). Use a region of the "aws" partition.';
  }
  return undefined;
}

function validateDomain(
  env: EnvironmentConfig,
  at: string,
  parentName: string,
  seenDomains: Map<string, string>,
  report: (field: string, value: unknown, fix: string) => void,
): void {
  const domain = env.apiDomain;
  if (!isDnsName(domain)) {
    report(`${at}.apiDomain`, domain, 'use a lowercase DNS name without a trailing dot, e.g. "api.dev.example.com".');
    return;
  }
  if (domain === parentName || !isAtOrUnder(domain, parentName)) {
    report(`${at}.apiDomain`, domain, `must be a strict subdomain of the parent zone "${parentName}", e.g. "api.${env.name}.${parentName}".`);
  }
  for (const [other, otherField] of seenDomains) {
    if (other === domain) {
      report(`${at}.apiDomain`, domain, `${otherField} already uses this name; each environment needs its own API domain (its own delegated zone).`);
    } else if (isAtOrUnder(domain, other) || isAtOrUnder(other, domain)) {
      report(`${at}.apiDomain`, domain, `nests with ${otherField} ("${other}"); delegated zones of two environments must not contain each other.`);
    }
  }
  seenDomains.set(domain, `${at}.apiDomain`);
}

function validateService(env: EnvironmentConfig, at: string, region: string, partition: string, report: (field: string, value: unknown, fix: string) => void): void {
  const s = env.service;
  const sat = `${at}.service`;
  if (!Number.isInteger(s.desiredCount) || s.desiredCount < 2) {
    report(`${sat}.desiredCount`, s.desiredCount, 'run at least 2 tasks so every AZ keeps a healthy target through a deployment or an AZ failure.');
  }
  if (!Number.isInteger(s.minCapacity) || s.minCapacity < 2 || s.minCapacity > s.desiredCount) {
    report(`${sat}.minCapacity`, s.minCapacity, `use an integer from 2 to desiredCount (${s.desiredCount}).`);
  }
  if (!Number.isInteger(s.maxCapacity) || s.maxCapacity < s.desiredCount) {
    report(`${sat}.maxCapacity`, s.maxCapacity, `use an integer of at least desiredCount (${s.desiredCount}).`);
  }
  const memoryOk = FARGATE_MEMORY[s.cpu];
  if (!memoryOk) {
    report(`${sat}.cpu`, s.cpu, 'Fargate CPU must be one of 256, 512, 1024, 2048, 4096.');
  } else if (!memoryOk(s.memoryMiB)) {
    report(`${sat}.memoryMiB`, s.memoryMiB, `not a valid Fargate memory size for cpu ${s.cpu}; see the Fargate task size table (e.g. 256 -> 512/1024/2048).`);
  }
  if (s.architecture !== 'ARM64' && s.architecture !== 'X86_64') {
    report(`${sat}.architecture`, s.architecture, 'use "ARM64" (cheaper per vCPU) or "X86_64".');
  }
  if (!LOG_RETENTION_DAYS.includes(s.logRetentionDays)) {
    report(`${sat}.logRetentionDays`, s.logRetentionDays, `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')} days.`);
  }
  if (s.image.kind === 'ecr') {
    if (!ECR_REPOSITORY.test(s.image.repositoryName)) {
      report(`${sat}.image.repositoryName`, s.image.repositoryName, 'use the ECR repository name (not its URI), lowercase, e.g. "team/internal-api".');
    }
    if (!IMAGE_TAG.test(s.image.tag) || s.image.tag === 'latest') {
      report(`${sat}.image.tag`, s.image.tag, 'use an immutable tag such as a commit sha or version ("latest" makes deployments unrepeatable).');
    }
  } else if (s.image.kind !== 'asset') {
    report(`${sat}.image.kind`, (s.image as { kind: unknown }).kind, 'use "asset" (build from lib/runtime/api-service) or "ecr".');
  }
  if (s.alarmTopicArn !== undefined && !new RegExp(`^arn:${partition}:sns:${region}:${env.apiAccount}:[A-Za-z0-9_-]{1,256}$`).test(s.alarmTopicArn)) {
    // CloudWatch alarms can only notify a topic in their own region.
    report(`${sat}.alarmTopicArn`, s.alarmTopicArn, `use the ARN of an SNS topic in the api account ${env.apiAccount} and region ${region}, or omit it.`);
  }
}

/** Throws a {@link ConfigValidationError} listing every problem, or returns the config unchanged. */
export function assertValidConfig(config: AppConfig): AppConfig {
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
