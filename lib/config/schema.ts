import { z } from 'zod';
import { AppConfig } from './types';

/**
 * The shape of a configuration file, as a zod schema: key names, types and unknown keys.
 * The semantic rules (account ids, CIDR overlaps, regions...) stay in `validate.ts`; this
 * schema only makes sure they are given something of the right shape. `config.schema.json`
 * is generated from it (`npm run docs -- --write`) so editors can check a JSON file as it is
 * typed. Every object is strict: a misspelt key is an error, not a silently ignored default.
 */

const accountId = z.string().describe('A 12-digit AWS account id, as a string (leading zeros survive), e.g. "111111111111".');

const transitGateway = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('create').describe('The TransitHub stack creates one TGW for this environment in the network account.'),
      amazonSideAsn: z.number().optional().describe('Private ASN of the new TGW. Default 64512.'),
    }),
    z.strictObject({
      mode: z.literal('import').describe('An existing TGW, already shared with this environment\'s accounts through AWS RAM.'),
      transitGatewayId: z.string().describe('e.g. "tgw-0123456789abcdef0".'),
    }),
  ])
  .describe('How this environment gets its transit gateway: required in transit-gateway mode, absent in privatelink mode.');

const consumer = z.strictObject({
  name: z.string().describe('Short name used in stack ids, e.g. "orders" -> stack ConsumerNetwork-orders.'),
  account: accountId,
  cidr: z.string().describe('The consumer VPC\'s CIDR; must not overlap any other VPC on the same transit gateway (may overlap in privatelink mode).'),
  graphqlAuth: z.enum(['AWS_IAM', 'API_KEY']).optional().describe('AppSync authorization. Default AWS_IAM.'),
  apiKeyExpires: z.string().optional().describe('With API_KEY: the key\'s expiry date, YYYY-MM-DD.'),
});

const image = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('asset').describe('Built from lib/runtime/api-service as a CDK Docker asset.') }),
    z.strictObject({
      kind: z.literal('ecr').describe('A pre-built image in an ECR repository of the api account.'),
      repositoryName: z.string(),
      tag: z.string().describe('An immutable tag (a commit sha or version), never "latest".'),
    }),
  ])
  .describe('Where the API container image comes from.');

const service = z.strictObject({
  desiredCount: z.number().describe('Tasks running normally; at least 2.'),
  minCapacity: z.number().describe('Autoscaling floor; 2 to desiredCount.'),
  maxCapacity: z.number().describe('Autoscaling ceiling; at least desiredCount.'),
  cpu: z.number().describe('Fargate CPU units: 256, 512, 1024, 2048 or 4096.'),
  memoryMiB: z.number().describe('Fargate memory in MiB, valid for the cpu.'),
  architecture: z.enum(['ARM64', 'X86_64']),
  image,
  alarmTopicArn: z.string().optional().describe('SNS topic in the api account for alarm notifications.'),
  logRetentionDays: z.number().describe('Days to keep the container logs (a CloudWatch Logs retention value).'),
});

const environment = z.strictObject({
  name: z.string().describe('Lowercase name, e.g. "dev"; the Stage id is its capitalised form.'),
  apiAccount: accountId.describe('The account that runs the API.'),
  apiCidr: z.string().describe('The API VPC\'s CIDR.'),
  consumers: z.array(consumer).describe('Accounts that call the API; at least one.'),
  apiDomain: z.string().describe('The API\'s DNS name, a strict subdomain of the parent zone.'),
  connectivity: z.enum(['transit-gateway', 'privatelink']).optional()
    .describe('How the consumers reach the API: "transit-gateway" (default) or "privatelink" (an endpoint service on the NLB, no transit gateway).'),
  transitGateway: transitGateway.optional(),
  service,
  requireApproval: z.boolean().optional().describe('The pipeline waits for a manual approval before this environment. Default false.'),
});

/** The schema of a whole configuration file (`$schema` allowed so editors find config.schema.json). */
export const appConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of config.schema.json, for editors.'),
    projectName: z.string().describe('Prefix of shared parameter names and resource names, e.g. "internal-api".'),
    region: z.string().describe('The one region everything is deployed to, e.g. "eu-west-1".'),
    availabilityZones: z.array(z.string()).describe('AZ ids used by every VPC, e.g. "euw1-az1" (names such as "eu-west-1a" differ per account; accepted all or none); at least 2, all in the region; append only: a position is an address slot.'),
    accounts: z
      .strictObject({
        tools: accountId.describe('Holds the CDK pipeline.'),
        network: accountId.describe('Holds each environment\'s transit gateway.'),
        dns: accountId.describe('Holds the parent public hosted zone and the delegation roles.'),
      })
      .describe('Accounts that exist once, not per environment.'),
    parentZone: z
      .strictObject({ id: z.string().describe('Route 53 hosted zone id, e.g. "Z0123456789EXAMPLE".'), name: z.string().describe('e.g. "example.com".') })
      .describe('The parent public hosted zone in the dns account.'),
    subnets: z
      .strictObject({
        workloadMask: z.number().describe('Prefix length of the workload subnet in each AZ, e.g. 22.'),
        transitMask: z.number().describe('Prefix length of the transit-gateway attachment subnet in each AZ; AWS recommends 28.'),
      })
      .describe('Subnet sizes for every VPC.'),
    pipeline: z
      .strictObject({
        connectionArn: z.string().describe('ARN of the CodeStar (CodeConnections) connection in the tools account.'),
        repository: z.string().describe('"owner/repository" of the source repository.'),
        branch: z.string().describe('Branch that the pipeline deploys.'),
      })
      .describe('The deployment pipeline.'),
    environments: z.array(environment).describe('Environments in promotion order.'),
  })
  .describe('Configuration of the internal API across AWS accounts (see lib/config/types.ts).');

/** What the schema accepts, without the editor-only `$schema` key. */
type SchemaConfig = Omit<z.infer<typeof appConfigSchema>, '$schema'>;
/** Deep `readonly` and `?` removed, so a misspelt optional key cannot hide in the comparison below. */
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]-?: Mutable<T[K]> } : T;
// Compile-time guard: `npm run build` fails when types.ts and this schema drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<Mutable<AppConfig>, Mutable<SchemaConfig>> = true;
void schemaMatchesTypes;

/** The JSON Schema for editors, generated from {@link appConfigSchema}. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(appConfigSchema) as Record<string, unknown>;
}
