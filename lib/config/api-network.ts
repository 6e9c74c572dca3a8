/**
 * The AWS services every API VPC reaches through an interface endpoint (private DNS on), so its
 * tasks need no route to the internet: ECR's API and registry (image pulls), CloudWatch Logs, and
 * STS (the API verifies its callers' identity tokens there). The network stack creates them, the
 * quota rule counts them, the reachability analysis checks the tasks reach each.
 */
export const API_VPC_INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'sts'] as const;
