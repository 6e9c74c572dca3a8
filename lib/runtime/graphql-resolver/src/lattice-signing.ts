/**
 * With API_SIGNING=lattice the API sits behind a VPC Lattice service with auth type AWS_IAM: every
 * request is SigV4-signed with the function's own role credentials for the service
 * `vpc-lattice-svcs` in the function's region, and Lattice checks the signature and the service's
 * auth policy before anything reaches the API (which then reads the caller from the identity
 * header Lattice adds). No caller token is sent in this mode.
 *
 * What AWS documents for Lattice ("SIGv4 authenticated requests for Amazon VPC Lattice"): payload
 * signing is not supported, a request must carry `x-amz-content-sha256: UNSIGNED-PAYLOAD`; a
 * request that carries a signature Lattice cannot authenticate fails. The resolver only sends GETs
 * without a body, so nothing is lost by leaving the payload unsigned.
 *
 * Signed per request (the date and the path change) at the cost of one HMAC and two SHA-256 over a
 * few hundred bytes: the day's signing key is derived once (./sigv4.ts).
 */
import { credentialsFromEnv } from './lambda-credentials';
import { signedHeaders } from './sigv4';

/** The SigV4 service name of VPC Lattice's data plane (auth policies use the same prefix). */
export const LATTICE_SIGNING_SERVICE = 'vpc-lattice-svcs';

/** The headers to add to a request to `host` (the Host header as sent) for `pathAndQuery`. */
export function latticeSigningHeaders(method: string, host: string, pathAndQuery: string, env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): Record<string, string> {
  const { credentials, region } = credentialsFromEnv(env);
  return signedHeaders({ method, host, pathAndQuery, region, service: LATTICE_SIGNING_SERVICE, credentials, date: new Date(now) });
}
