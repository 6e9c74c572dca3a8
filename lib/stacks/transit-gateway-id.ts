import { Construct } from 'constructs';
import { sharedParameterArn } from '../config/shared-parameters';
import { AppConfig, EnvironmentConfig } from '../config/types';
import { readSharedParameter } from '../constructs/shared-parameter';

/**
 * The environment's transit gateway id as seen from a spoke stack: from config in `import` mode,
 * otherwise from the parameter TransitHub shares (known only after the network account deploys).
 */
export function transitGatewayIdFor(scope: Construct, config: AppConfig, environment: EnvironmentConfig): string {
  const mode = environment.transitGateway;
  if (mode.mode === 'import') return mode.transitGatewayId;
  return readSharedParameter(scope, 'TransitGatewayId', sharedParameterArn(config, environment, 'transit-gateway-id'));
}
