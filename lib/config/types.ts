/**
 * The shape of the whole deployment: accounts, network plan, DNS and service sizing.
 * Values live in `environments.ts`; `validate.ts` checks them before any construct is built.
 */

/** A 12-digit AWS account id, e.g. `111111111111`. */
export type AccountId = string;

/** CPU architecture of the Fargate tasks (and of the image built for them). */
export type CpuArchitecture = 'ARM64' | 'X86_64';

/** How an environment gets its Transit Gateway. */
export type TransitGatewayConfig =
  /** The `TransitHub` stack creates one TGW for this environment in the network account. */
  | { readonly mode: 'create'; /** @default 64512 */ readonly amazonSideAsn?: number }
  /**
   * An existing TGW (for example the organisation's), already shared with this environment's
   * accounts through AWS RAM. No `TransitHub` stack is deployed.
   */
  | { readonly mode: 'import'; readonly transitGatewayId: string };

/**
 * How an environment's consumers reach the API:
 * - `transit-gateway`: their VPCs are attached to the environment's transit gateway and route to
 *   the API VPC (CIDRs must not overlap); pays off when the attachments exist anyway.
 * - `privatelink`: the API's NLB is a VPC endpoint service and each consumer VPC has an interface
 *   endpoint to it; no transit gateway, and CIDRs may overlap. Cheaper for one API and a few consumers.
 */
export type Connectivity = 'transit-gateway' | 'privatelink';

/** One account that calls the API, with its own VPC. */
export interface ConsumerConfig {
  /** Short name used in stack ids, e.g. `orders` -> stack `ConsumerNetwork-orders`. Lowercase, digits, dashes. */
  readonly name: string;
  /** The consumer account id. */
  readonly account: AccountId;
  /** The consumer VPC's CIDR; must not overlap any other VPC on the same transit gateway (may overlap in `privatelink` mode). */
  readonly cidr: string;
  /**
   * AppSync authorization for the consumer's GraphQL API.
   * @default 'AWS_IAM'
   */
  readonly graphqlAuth?: 'AWS_IAM' | 'API_KEY';
  /**
   * With `API_KEY`: the key's expiry date, `YYYY-MM-DD` (AppSync allows at most 365 days ahead).
   * A fixed date, not "now + n days", so synth stays reproducible; renew by moving it.
   */
  readonly apiKeyExpires?: string;
}

/** Where the API container image comes from. */
export type ImageSource =
  /** Built from `lib/runtime/api-service` as a CDK Docker asset (the default). */
  | { readonly kind: 'asset' }
  /** A pre-built image in an ECR repository of the api account. */
  | { readonly kind: 'ecr'; readonly repositoryName: string; readonly tag: string };

/** Sizing and behaviour of the Fargate service. */
export interface ServiceConfig {
  /** Tasks running normally; at least 2 so each AZ keeps a target. */
  readonly desiredCount: number;
  /** Autoscaling floor; at least 2 and at most `desiredCount`. */
  readonly minCapacity: number;
  /** Autoscaling ceiling; at least `desiredCount`. */
  readonly maxCapacity: number;
  /** Fargate CPU units (256, 512, 1024, 2048, 4096). */
  readonly cpu: number;
  /** Fargate memory in MiB; must be a valid pairing with `cpu`. */
  readonly memoryMiB: number;
  /** Task CPU architecture. */
  readonly architecture: CpuArchitecture;
  /** Container image source. */
  readonly image: ImageSource;
  /**
   * ARN of an SNS topic in the api account that receives alarm notifications.
   * @default - alarms are created without actions
   */
  readonly alarmTopicArn?: string;
  /** Days to keep the container logs. */
  readonly logRetentionDays: number;
}

/** One deployment environment (dev, prod, ...): its own accounts, VPCs, TGW and API name. */
export interface EnvironmentConfig {
  /** Lowercase name, e.g. `dev`; the Stage id is its capitalised form (`Dev`). */
  readonly name: string;
  /** The account that runs the API (VPC, subzone, NLB, Fargate). */
  readonly apiAccount: AccountId;
  /** The API VPC's CIDR. */
  readonly apiCidr: string;
  /** Accounts that call the API; at least one. */
  readonly consumers: readonly ConsumerConfig[];
  /** The API's DNS name, a strict subdomain of the parent zone, e.g. `api.dev.example.com`. */
  readonly apiDomain: string;
  /**
   * How the consumers reach the API.
   * @default 'transit-gateway'
   */
  readonly connectivity?: Connectivity;
  /** How this environment gets its transit gateway: required in `transit-gateway` mode, absent in `privatelink` mode. */
  readonly transitGateway?: TransitGatewayConfig;
  /** The Fargate service. */
  readonly service: ServiceConfig;
  /**
   * Whether the pipeline waits for a manual approval before deploying this environment.
   * @default false
   */
  readonly requireApproval?: boolean;
}

/**
 * Subnet sizes used in every VPC (API and consumers). Each AZ, by its position in
 * `availabilityZones`, owns a fixed slot: workload subnets count up from the start of the VPC's
 * block, transit subnets down from its end, so an added AZ never moves an existing subnet.
 * Changing a mask re-addresses (replaces) every subnet.
 */
export interface SubnetPlan {
  /** Prefix length of the workload subnet in each AZ (tasks, NLB, Lambda), e.g. 22. */
  readonly workloadMask: number;
  /** Prefix length of the dedicated transit-gateway attachment subnet in each AZ; AWS recommends /28. */
  readonly transitMask: number;
}

/** The CDK pipeline's source. */
export interface PipelineConfig {
  /** ARN of the CodeStar (CodeConnections) connection in the tools account. */
  readonly connectionArn: string;
  /** `owner/repository` of the source repository. */
  readonly repository: string;
  /** Branch that the pipeline deploys. */
  readonly branch: string;
}

/** The whole application. */
export interface AppConfig {
  /** Prefix of shared parameter names and resource names, e.g. `internal-api`. */
  readonly projectName: string;
  /** The one region everything is deployed to. */
  readonly region: string;
  /**
   * AZs used by every VPC, from config (never looked up); at least 2, all in `region`. Give AZ ids
   * (`euw1-az1`): an AZ name such as `eu-west-1a` maps to a different physical zone in each account,
   * so names could put the API and its consumers in different zones. Names are accepted (all or
   * none) for single-account sandboxes and deployments made with names. Append only: an AZ's
   * position is its address slot (see `subnets`), so reordering or removing one re-addresses subnets.
   */
  readonly availabilityZones: readonly string[];
  /** Accounts that exist once, not per environment. */
  readonly accounts: {
    /** Holds the CDK pipeline. */
    readonly tools: AccountId;
    /** Holds each environment's transit gateway (in `create` mode). */
    readonly network: AccountId;
    /** Holds the parent public hosted zone and the delegation roles. */
    readonly dns: AccountId;
  };
  /** The parent public hosted zone in the dns account (imported by id and name, never looked up). */
  readonly parentZone: { readonly id: string; readonly name: string };
  /** Subnet sizes for every VPC. */
  readonly subnets: SubnetPlan;
  /** The deployment pipeline. */
  readonly pipeline: PipelineConfig;
  /** Environments in promotion order (the pipeline deploys them in this order). */
  readonly environments: readonly EnvironmentConfig[];
}
