import { connectivityOf } from '../connectivity';
import { apiResourcePrefix, latticeServiceNetworkName } from '../names';
import { environmentField, ReportProblem } from '../errors';
import { AppConfig, EnvironmentConfig } from '../types';

const TGW_ID = /^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Each environment's `connectivity` and `transitGateway`: a gateway exactly in transit-gateway mode, and a usable one. */
export function connectivityRules(config: AppConfig, report: ReportProblem): void {
  config.environments.forEach((env, index) => {
    const at = environmentField(env, index);
    const gateway = env.transitGateway;
    const mode = connectivityOf(env);
    if (mode !== 'transit-gateway') {
      if (gateway !== undefined) {
        report(`${at}.transitGateway`, gateway, `${mode} mode has no transit gateway: remove transitGateway, or set connectivity to "transit-gateway".`);
      }
    } else if (gateway === undefined) {
      report(`${at}.transitGateway`, undefined, 'transit-gateway mode needs one: add transitGateway: { mode: "create" } (or { mode: "import", transitGatewayId }), or set connectivity to "privatelink" or "lattice".');
    } else if (gateway.mode === 'import') {
      if (!TGW_ID.test(gateway.transitGatewayId)) {
        report(`${at}.transitGateway.transitGatewayId`, gateway.transitGatewayId, 'use the id of an existing transit gateway: "tgw-" followed by 8 or 17 hex digits.');
      }
    } else if (gateway.amazonSideAsn !== undefined) {
      const asn = gateway.amazonSideAsn;
      const privateAsn = (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
      if (!Number.isInteger(asn) || !privateAsn) {
        report(`${at}.transitGateway.amazonSideAsn`, asn, 'use a private ASN: 64512-65534 or 4200000000-4294967294 (or omit it for 64512).');
      }
    }
  });
}

/**
 * Which transit gateway the environment's VPCs are routed through, as a key equal for VPCs that
 * share one (an imported gateway may serve several environments); undefined when nothing is
 * routed between its VPCs (privatelink and lattice modes, or a gateway missing, which the rules above report).
 */
export function gatewayKeyOf(env: EnvironmentConfig, index: number): string | undefined {
  if (connectivityOf(env) !== 'transit-gateway' || env.transitGateway === undefined) return undefined;
  return env.transitGateway.mode === 'create' ? `create:${env.name}:${index}` : `import:${env.transitGateway.transitGatewayId}`;
}

/** VPC Lattice's name rules (CreateServiceNetwork, CreateService): lowercase letters, digits and single hyphens. */
const LATTICE_NAME = (max: number) => new RegExp(`^(?!-)(?!.*--)[a-z0-9-]{3,${max}}(?<!-)$`);

/**
 * Lattice mode names a service network `<projectName>-<env>` (latticeServiceNetworkName, at most 63
 * characters) and each API's service `<projectName>-<env>-<api>` (apiResourcePrefix, at most 40): checked here, with every other problem, rather
 * than by the constructs one at a time.
 */
export function latticeNameRules(config: AppConfig, report: ReportProblem): void {
  config.environments.forEach((env, index) => {
    if (connectivityOf(env) !== 'lattice') return;
    const at = environmentField(env, index);
    const network = latticeServiceNetworkName(config, env);
    if (!LATTICE_NAME(63).test(network)) {
      report(`${at}.name`, env.name, `the environment's VPC Lattice service network would be named "${network}": 3-63 lowercase letters, digits or single hyphens; shorten projectName or the environment's name.`);
    }
    env.apis.forEach((api, ai) => {
      const service = apiResourcePrefix(config, env, api);
      if (!LATTICE_NAME(40).test(service) || service.startsWith('svc-')) {
        report(`${environmentField(env, index)}.apis[${ai}].name`, api.name, `its VPC Lattice service would be named "${service}" (${service.length} characters): VPC Lattice allows 40, lowercase letters, digits or single hyphens, not starting with "svc-"; shorten projectName, the environment's or the API's name.`);
      }
    });
  });
}
