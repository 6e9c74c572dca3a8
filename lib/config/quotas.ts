import { AppConfig } from './types';

/**
 * AWS's default quotas the access matrix can hit, and the values a configuration declares as
 * raised in its accounts (`quotas`). Each default is from AWS's documentation (re-check there;
 * all are per region and adjustable through Service Quotas unless said otherwise):
 * - transit gateway route tables per transit gateway: 20
 *   (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html);
 * - routes per VPC route table, non-propagated: 50, adjustable to 1,000
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html);
 * - inbound or outbound rules per security group: 60, each direction counted apart
 *   (same page; rules per group times groups per interface may not pass 1,000);
 * - interface VPC endpoints per VPC: 50
 *   (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html);
 * - VPC Lattice service associations per service network: 500
 *   (https://docs.aws.amazon.com/vpc-lattice/latest/ug/quotas.html).
 * Not adjustable: a VPC Lattice auth policy's 10 KB (same page; checked in lattice-policies.ts terms).
 * Not adjustable, and so not in `quotas`: CloudFormation's 200 parameters per template
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html);
 * its 500 resources per stack are checked by the CDK itself at synth.
 */
export const DEFAULT_QUOTAS = {
  transitGatewayRouteTables: 20,
  routesPerVpcRouteTable: 50,
  securityGroupRules: 60,
  interfaceEndpointsPerVpc: 50,
  latticeServicesPerServiceNetwork: 500,
} as const;

/** CloudFormation's limit on parameters per template (each shared value read is one). */
export const MAX_TEMPLATE_PARAMETERS = 200;

export type QuotaName = keyof typeof DEFAULT_QUOTAS;

/** The quota in force: the configured (raised) value, or AWS's default. */
export function quotaOf(config: AppConfig, name: QuotaName): number {
  return config.quotas?.[name] ?? DEFAULT_QUOTAS[name];
}
