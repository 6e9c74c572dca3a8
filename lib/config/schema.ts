import { z } from 'zod';

/**
 * The one declaration of every configuration field: its key, its type and its documentation.
 * `types.ts` derives the TypeScript types from these schemas, and `config.schema.json` is
 * generated from them (`npm run docs -- --write`) so editors check a JSON file as it is typed;
 * each field's `.describe()` text is its documentation in both. This schema checks the shape
 * (keys, types, allowed values); the semantic rules (account ids, CIDR overlaps, regions...)
 * are in `rules/`. Every object is strict: a misspelt key is an error, not a silently ignored
 * default. Defaults of optional fields are applied where they are read (e.g. `connectivity.ts`)
 * and written here as "Default: ...".
 */

export const accountIdSchema = z.string().describe('A 12-digit AWS account id, as a string (leading zeros survive), e.g. "111111111111".');

export const cpuArchitectureSchema = z.enum(['ARM64', 'X86_64']).describe('CPU architecture of the Fargate tasks (and of the image built for them).');

export const transitGatewaySchema = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('create').describe('The TransitHub stack creates one TGW for this environment in the network account.'),
      amazonSideAsn: z.number().optional().describe('Private ASN of the new TGW: 64512-65534 or 4200000000-4294967294. Default: 64512.'),
    }),
    z.strictObject({
      mode: z.literal('import').describe('An existing TGW (for example the organisation\'s), already shared with this environment\'s accounts through AWS RAM; no TransitHub stack is deployed.'),
      transitGatewayId: z.string().describe('The existing TGW\'s id, e.g. "tgw-0123456789abcdef0".'),
    }),
  ])
  .describe('How this environment gets its transit gateway: required in transit-gateway mode, absent in privatelink and lattice modes.');

export const connectivitySchema = z
  // The custom message is the fix the shape check reports for any other value.
  .enum(['transit-gateway', 'privatelink', 'lattice'], { error: 'use "transit-gateway" (the default), "privatelink" or "lattice".' })
  .describe(
    'How the consumers reach the API. "transit-gateway": their VPCs are attached to the environment\'s transit gateway and route to the API VPC ' +
      '(CIDRs must not overlap); pays off when the attachments exist anyway. "privatelink": the API\'s NLB is a VPC endpoint service and each consumer VPC ' +
      'has an interface endpoint to it; no transit gateway, and CIDRs may overlap; cheaper for one API and a few consumers. "lattice": one VPC Lattice service ' +
      'network per environment, each API a Lattice service (no load balancer) whose IAM auth policy names exactly its callers\' roles, each consumer VPC ' +
      'associated with the network; no transit gateway, CIDRs may overlap; the cheapest at platform scale (npm run cost). Default: "transit-gateway".',
  );

export const consumerSchema = z
  .strictObject({
    name: z.string().describe('Short name used in stack ids, e.g. "orders" -> stack ConsumerNetwork-orders. Lowercase letters, digits, dashes.'),
    account: accountIdSchema.describe('The consumer account id.'),
    cidr: z.string().describe('The consumer VPC\'s CIDR; must not overlap any other VPC on the same transit gateway (may overlap in privatelink mode).'),
    calls: z
      .array(z.string())
      .describe(
        'Names of the environment\'s APIs (apis[].name) this consumer may call; at least one. The access matrix: routes, security groups, endpoints, ' +
          'parameters and GraphQL fields exist for exactly these pairs.',
      ),
    graphqlAuth: z.enum(['AWS_IAM', 'API_KEY']).optional().describe('AppSync authorization for the consumer\'s GraphQL API. Default: "AWS_IAM".'),
    apiKeys: z
      .array(
        z.strictObject({
          name: z.string().describe('The key\'s name: letters and digits, starting with a letter; it names the key\'s resource, so renaming a key replaces it. "Default" keeps the key an earlier single-key configuration created.'),
          expires: z.string().describe('The key\'s expiry date, YYYY-MM-DD (UTC midnight): 1 to 365 days after the synth, as AppSync requires. A fixed date, not "now + n days", so synth stays reproducible; renew by moving it.'),
        }),
      )
      .optional()
      .describe(
        'With API_KEY: the GraphQL API\'s keys (1 to 50). To rotate, add a key and deploy, move the callers to it, then remove the old one and deploy again.',
      ),
  })
  .describe('One account that calls some of the environment\'s APIs, with its own VPC.');

export const imageSourceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('asset').describe('Built from the API\'s runtime folder (apis[].runtime) as a CDK Docker asset (the default).') }),
    z.strictObject({
      kind: z.literal('ecr').describe('A pre-built image in an ECR repository of the api account.'),
      repositoryName: z.string().describe('The ECR repository\'s name (not its URI), in the API\'s account, e.g. "team/internal-api".'),
      tag: z.string().describe('An immutable tag (a commit sha or version), never "latest".'),
    }),
  ])
  .describe('Where the API container image comes from.');

export const serviceSchema = z
  .strictObject({
    desiredCount: z.number().describe('Tasks running normally; at least 2 so each AZ keeps a target.'),
    minCapacity: z.number().describe('Autoscaling floor; at least 2 and at most desiredCount.'),
    maxCapacity: z.number().describe('Autoscaling ceiling; at least desiredCount.'),
    cpu: z.number().describe('Fargate CPU units: 256, 512, 1024, 2048 or 4096.'),
    memoryMiB: z.number().describe('Fargate memory in MiB; must be a valid pairing with cpu.'),
    architecture: cpuArchitectureSchema.describe('Task CPU architecture; an asset image is built for it.'),
    image: imageSourceSchema,
    alarmTopicArn: z.string().optional().describe('ARN of an SNS topic in the API\'s account (and the region) that receives alarm notifications. Default: a topic of the API\'s service stack.'),
    logRetentionDays: z.number().describe('Days to keep the container logs (a CloudWatch Logs retention value).'),
  })
  .describe('Sizing and behaviour of the Fargate service.');

export const apiSchema = z
  .strictObject({
    name: z.string().describe('Short name of the API, e.g. "catalogue": it names its stacks (ApiService-catalogue), parameters, roles and alarms. 1-16 lowercase letters, digits or dashes, starting with a letter.'),
    account: accountIdSchema.describe('The account that runs this API (its VPC, subzone, NLB, Fargate). Several APIs may share one.'),
    cidr: z.string().describe('This API\'s VPC CIDR; must not overlap any VPC it routes to over a transit gateway.'),
    domain: z.string().describe('This API\'s DNS name, its own zone delegated from the parent zone: a strict subdomain of it, e.g. "catalogue.dev.example.com".'),
    runtime: z
      .string()
      .optional()
      .describe(
        'Folder under lib/runtime with this API\'s code: its container (built from it unless service.image is "ecr") and the GraphQL fields and resolver ' +
          'its consumers serve (api-runtime.json). Default: "api-service" (the catalogue).',
      ),
    graphqlPrefix: z
      .string()
      .optional()
      .describe(
        'A lowercase word (letters and digits, starting with a letter, at most 20) put before this API\'s GraphQL names in its consumers\' schemas: with "archive", ' +
          'Query fields item and items become archiveItem and archiveItems, types Item and ItemPage become ArchiveItem and ArchiveItemPage. It lets one consumer ' +
          'call two APIs of one runtime, whose fragments declare the same names. Default: none (the fragment\'s own names).',
      ),
    service: serviceSchema.describe('The API\'s Fargate service.'),
  })
  .describe('One internal API: its own account, VPC, delegated name, certificate, NLB and Fargate service.');

export const quotasSchema = z
  .strictObject({
    transitGatewayRouteTables: z.number().optional().describe('Route tables per transit gateway. Default: 20 (AWS\'s default quota).'),
    routesPerVpcRouteTable: z.number().optional().describe('Routes per VPC route table (non-propagated). Default: 50 (AWS\'s default quota).'),
    securityGroupRules: z.number().optional().describe('Inbound (and, separately, outbound) rules per security group. Default: 60 (AWS\'s default quota).'),
    interfaceEndpointsPerVpc: z.number().optional().describe('Interface endpoints per VPC. Default: 50 (AWS\'s default quota).'),
    latticeServicesPerServiceNetwork: z.number().optional().describe('VPC Lattice service associations per service network (lattice mode: one per API). Default: 500 (AWS\'s default quota).'),
  })
  .describe(
    'The AWS quotas the access matrix can hit, as raised in your accounts (Service Quotas console, region of the deployment). Synth checks the matrix ' +
      'against them, so a design over a quota fails here and not in CloudFormation. Default: AWS\'s defaults.',
  );

export const environmentSchema = z
  .strictObject({
    name: z.string().describe('Lowercase name, e.g. "dev"; the Stage id is its capitalised form ("Dev").'),
    apis: z.array(apiSchema).describe('The internal APIs of this environment; at least one, each called by at least one consumer.'),
    consumers: z.array(consumerSchema).describe('Accounts that call the APIs; at least one, each calling the APIs its calls list names.'),
    connectivity: connectivitySchema.optional(),
    transitGateway: transitGatewaySchema.optional(),
    requireApproval: z.boolean().optional().describe('Whether the pipeline waits for a manual approval before deploying this environment. Default: false.'),
  })
  .describe('One deployment environment (dev, prod, ...): its APIs, its consumers, who calls what, and how they connect.');

export const subnetPlanSchema = z
  .strictObject({
    workloadMask: z.number().describe('Prefix length of the workload subnet in each AZ (tasks, NLB, Lambda), e.g. 22.'),
    transitMask: z.number().describe('Prefix length of the dedicated transit-gateway attachment subnet in each AZ; AWS recommends 28.'),
  })
  .describe(
    'Subnet sizes used in every VPC (API and consumers). Each AZ, by its position in availabilityZones, owns a fixed slot: workload subnets count up from ' +
      'the start of the VPC\'s block, transit subnets down from its end, so an added AZ never moves an existing subnet. Changing a mask re-addresses (replaces) every subnet.',
  );

export const pipelineSchema = z
  .strictObject({
    connectionArn: z.string().describe('ARN of the CodeStar (CodeConnections) connection in the tools account.'),
    repository: z.string().describe('"owner/repository" of the source repository.'),
    branch: z.string().describe('Branch that the pipeline deploys.'),
  })
  .describe('The CDK pipeline\'s source.');

/** The schema of a whole configuration file (`$schema` allowed so editors find config.schema.json). */
export const appConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of config.schema.json, for editors.'),
    projectName: z.string().describe('Prefix of shared parameter names and resource names, e.g. "internal-api".'),
    region: z.string().describe('The one region everything is deployed to, e.g. "eu-west-1".'),
    availabilityZones: z
      .array(z.string())
      .describe(
        'AZs used by every VPC, from config (never looked up); at least 2, all in the region. Give AZ ids ("euw1-az1"): an AZ name such as "eu-west-1a" ' +
          'maps to a different physical zone in each account, so names could put the API and its consumers in different zones. Names are accepted (all or none) ' +
          'for single-account sandboxes and deployments made with names. Append only: an AZ\'s position is its address slot (see subnets), so reordering or ' +
          'removing one re-addresses subnets.',
      ),
    accounts: z
      .strictObject({
        tools: accountIdSchema.describe('Holds the CDK pipeline.'),
        network: accountIdSchema.describe('Holds each environment\'s transit gateway (in create mode).'),
        dns: accountIdSchema.describe('Holds the parent public hosted zone and the delegation roles.'),
      })
      .describe('Accounts that exist once, not per environment.'),
    parentZone: z
      .strictObject({
        id: z.string().describe('Route 53 hosted zone id, e.g. "Z0123456789EXAMPLE".'),
        name: z.string().describe('The zone\'s DNS name, e.g. "example.com".'),
      })
      .describe('The parent public hosted zone in the dns account (imported by id and name, never looked up).'),
    subnets: subnetPlanSchema,
    pipeline: pipelineSchema.describe('The deployment pipeline: the CDK pipeline\'s source.'),
    quotas: quotasSchema.optional(),
    environments: z.array(environmentSchema).describe('Environments in promotion order (the pipeline deploys them in this order).'),
  })
  .describe('Configuration of the internal API across AWS accounts: accounts, network plan, DNS and service sizing (see lib/config/schema.ts).');

/** The JSON Schema for editors, generated from {@link appConfigSchema}. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(appConfigSchema) as Record<string, unknown>;
}
