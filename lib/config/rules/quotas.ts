import { apiVpcInterfaceEndpoints } from '../api-network';
import { connectivityOf } from '../connectivity';
import { LATTICE_AUTH_POLICY_MAX_BYTES, latticeServicePolicy, policyBytes } from '../lattice-policies';
import { environmentField, ReportProblem } from '../errors';
import { apisCalledBy, callersOf } from '../matrix';
import { DEFAULT_QUOTAS, MAX_TEMPLATE_PARAMETERS, QuotaName, quotaOf } from '../quotas';
import { AppConfig } from '../types';

/**
 * Shared values a consumer's app stack reads per API it calls: endpoint, certificate, revision (and
 * the endpoint service's name; or the Lattice service's ARN, DNS name and hosted zone id).
 */
const PARAMETERS_PER_CALLED_API = { 'transit-gateway': 3, privatelink: 4, lattice: 6 } as const;

/**
 * `quotas`, and the access matrix against them: what each environment's matrix needs of every
 * quota it can hit, so a design over a quota fails at synth, naming the quota and how to raise it,
 * instead of in CloudFormation halfway through a deploy.
 */
export function quotaRules(config: AppConfig, report: ReportProblem): void {
  for (const [name, value] of Object.entries(config.quotas ?? {})) {
    const quota = name as QuotaName;
    if (value !== undefined && (!Number.isInteger(value) || value < DEFAULT_QUOTAS[quota])) {
      report(`quotas.${name}`, value, `give the quota as raised in your accounts, an integer of at least AWS's default ${DEFAULT_QUOTAS[quota]} (or omit it for the default).`);
    }
  }
  const over = (field: string, need: number, quota: QuotaName, what: string) => {
    const limit = quotaOf(config, quota);
    if (need > limit) {
      report(
        field,
        need,
        `needs ${need} ${what}, over the quota of ${limit}. Raise "${quotaName(quota)}" in Service Quotas (region ${config.region}) and set quotas.${quota} to the new value, ` +
          'or split the matrix (fewer APIs or consumers per environment).',
      );
    }
  };

  config.environments.forEach((env, index) => {
    const at = environmentField(env, index);
    const mode = connectivityOf(env);
    // Only a transit gateway routes between the VPCs (and only a load balancer's group lists CIDRs).
    const routed = mode === 'transit-gateway';
    // Read directly: a missing gateway is the connectivity rules' problem to report, not a crash here.
    if (routed && env.transitGateway?.mode === 'create') {
      // One table per VPC (see IsolatedTransitRouting for why consumers do not share one).
      over(`${at}.consumers`, env.apis.length + env.consumers.length, 'transitGatewayRouteTables', 'transit gateway route tables (one per API and one per consumer)');
      const vpcs = env.apis.length + env.consumers.length;
      if (vpcs > MAX_TEMPLATE_PARAMETERS) {
        report(`${at}.consumers`, vpcs, `the TransitRouting stack reads one attachment id per VPC, and CloudFormation allows ${MAX_TEMPLATE_PARAMETERS} parameters per template (not adjustable); split the environment.`);
      }
    }
    if (mode === 'lattice') {
      over(`${at}.apis`, env.apis.length, 'latticeServicesPerServiceNetwork', 'VPC Lattice service associations on its service network (one per API)');
    }
    env.apis.forEach((api, ai) => {
      const callers = callersOf(env, api).length;
      if (mode === 'lattice') {
        const bytes = policyBytes(latticeServicePolicy(config, env, api));
        if (bytes > LATTICE_AUTH_POLICY_MAX_BYTES) {
          report(`${at}.apis[${ai}]`, callers, `its VPC Lattice auth policy would be ${bytes} bytes for ${callers} calling consumers, over AWS's ${LATTICE_AUTH_POLICY_MAX_BYTES} (10 KB, not adjustable); ` +
            'split the API into two with fewer callers each, shorten projectName and consumer names, or use another connectivity mode.');
        }
      }
      if (routed) {
        // A route per caller, and the S3 gateway endpoint's prefix-list route.
        over(`${at}.apis[${ai}]`, callers + 1, 'routesPerVpcRouteTable', 'routes in each subnet route table of its VPC (one per calling consumer, plus S3)');
        over(`${at}.apis[${ai}]`, callers, 'securityGroupRules', 'inbound rules on its load balancer\'s security group (443 from each calling consumer\'s CIDR)');
      }
      over(`${at}.apis[${ai}]`, apiVpcInterfaceEndpoints(mode).length, 'interfaceEndpointsPerVpc', 'interface endpoints in its VPC');
    });
    env.consumers.forEach((consumer, ci) => {
      const calls = apisCalledBy(env, consumer).length;
      if (mode === 'privatelink') over(`${at}.consumers[${ci}].calls`, calls, 'interfaceEndpointsPerVpc', 'interface endpoints in its VPC (one per API it calls)');
      else if (routed) over(`${at}.consumers[${ci}].calls`, calls, 'routesPerVpcRouteTable', 'routes in each subnet route table of its VPC (one per API it calls)');
      const parameters = 1 + calls * PARAMETERS_PER_CALLED_API[mode];
      if (parameters > MAX_TEMPLATE_PARAMETERS) {
        report(`${at}.consumers[${ci}].calls`, calls, `its app stack would read ${parameters} shared values, over CloudFormation's ${MAX_TEMPLATE_PARAMETERS} parameters per template (not adjustable); split the consumer.`);
      }
    });
  });
}

/** The quota's name in the Service Quotas console. */
function quotaName(quota: QuotaName): string {
  switch (quota) {
    case 'transitGatewayRouteTables':
      return 'Transit gateway route tables per transit gateway';
    case 'routesPerVpcRouteTable':
      return 'Routes per route table';
    case 'securityGroupRules':
      return 'Inbound or outbound rules per security group';
    case 'interfaceEndpointsPerVpc':
      return 'Interface VPC endpoints per VPC';
    case 'latticeServicesPerServiceNetwork':
      return 'Service associations per service network';
  }
}
