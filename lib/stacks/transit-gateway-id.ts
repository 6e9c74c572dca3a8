import { Construct } from 'constructs';
import { transitGatewayOf } from '../config/connectivity';
import { AppConfig, EnvironmentConfig } from '../config/types';
import { SharedParameter } from '../constructs/shared-parameter';

/**
 * The environment's transit gateway id as seen from a spoke stack: from config in `import` mode,
 * otherwise from the parameter TransitHub shares (known only after the network account deploys);
 * `undefined` in privatelink mode, which has no gateway.
 */
export function transitGatewayIdFor(scope: Construct, config: AppConfig, environment: EnvironmentConfig): string | undefined {
  const mode = transitGatewayOf(environment);
  if (!mode) return undefined;
  if (mode.mode === 'import') return mode.transitGatewayId;
  return SharedParameter.read(scope, 'TransitGatewayId', { config, environment, key: 'transit-gateway-id' });
}
