import { Connectivity } from './types';

/**
 * The AWS services every API VPC reaches through an interface endpoint (private DNS on), so its
 * tasks need no route to the internet: ECR's API and registry (image pulls), CloudWatch Logs, and
 * STS (the API verifies its callers' identity tokens there). The network stack creates them, the
 * quota rule counts them, the reachability analysis checks the tasks reach each.
 */
export const API_VPC_INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'sts'] as const;

/**
 * The interface endpoints of an API VPC in the given mode: in lattice mode the caller's identity
 * arrives in the header VPC Lattice adds after checking the request's signature, so nothing in the
 * VPC calls STS and its endpoint would be paid for unused.
 */
export function apiVpcInterfaceEndpoints(connectivity: Connectivity): readonly (typeof API_VPC_INTERFACE_ENDPOINTS)[number][] {
  return connectivity === 'lattice' ? API_VPC_INTERFACE_ENDPOINTS.filter((name) => name !== 'sts') : API_VPC_INTERFACE_ENDPOINTS;
}
