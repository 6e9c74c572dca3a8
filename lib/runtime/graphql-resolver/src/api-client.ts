/**
 * The item API client as the resolver and the deploy-time health check use it (node built-ins
 * only, no AWS SDK, to keep cold starts short). Its parts, one job each:
 *
 *   client-config.ts  configuration from the Lambda environment
 *   agent-pool.ts     the keep-alive agent and its socket-reuse rules
 *   transport.ts      one GET with a deadline and one retry on a dead reused socket
 *   status-errors.ts  HTTP status to resolver error
 *
 * Callers import from here, so the parts can change without touching them.
 */
import { destroyAgent } from './agent-pool';
import { forgetCallerTokens } from './caller-token';
import { forgetConfig } from './client-config';
import { jsonOrStatusError } from './status-errors';
import { ApiRequestOptions, apiRequest } from './transport';

export { destroyAgent, getAgentStats } from './agent-pool';
export type { AgentStats } from './agent-pool';
export { ApiClientConfigError, getConfig } from './client-config';
export type { ApiClientConfig } from './client-config';
export { apiRequest } from './transport';
export type { ApiRequestOptions, ApiResponse } from './transport';

/** `GET {base}{path}` expecting a 2xx JSON body; any other answer throws its resolver error. */
export async function getJson(path: string, options: ApiRequestOptions = {}): Promise<unknown> {
  const res = await apiRequest(path, options);
  return jsonOrStatusError(res, path, options.requestId);
}

/** For tests: destroys the agent and forgets the configuration so that env is read again. */
export function resetApiClient(): void {
  destroyAgent();
  forgetConfig();
  forgetCallerTokens();
}
