import { Connectivity, EnvironmentConfig, TransitGatewayConfig } from './types';

/** The environment's connectivity mode, with its default. */
export function connectivityOf(env: EnvironmentConfig): Connectivity {
  return env.connectivity ?? 'transit-gateway';
}

/**
 * The environment's transit gateway in `transit-gateway` mode; `undefined` in `privatelink` mode,
 * which has no gateway, attachment, transit subnet or gateway route at all.
 */
export function transitGatewayOf(env: EnvironmentConfig): TransitGatewayConfig | undefined {
  if (connectivityOf(env) !== 'transit-gateway') return undefined;
  if (!env.transitGateway) throw new Error(`environment "${env.name}": transit-gateway mode needs transitGateway (validation reports this first).`);
  return env.transitGateway;
}

/** True when the environment creates its own transit gateway (TransitHub and TransitRouting exist). */
export function createsTransitGateway(env: EnvironmentConfig): boolean {
  return transitGatewayOf(env)?.mode === 'create';
}
