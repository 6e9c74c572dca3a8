/**
 * Who is calling, whatever proves it: the one interface both identity sources implement, so the
 * rules around them are one code path (app.ts): `/healthz` stays open, every other route needs a
 * caller, the caller's consumer name goes into its request log line (and so into the per-consumer
 * metric the monitoring derives from those lines), and
 *
 *   no identity, or one that cannot be verified             401 UNAUTHENTICATED
 *   a verified principal CALLERS does not list for this API  403 FORBIDDEN
 *   the identity cannot be verified now (STS down)           503 IDENTITY_UNAVAILABLE
 *
 * The sources: ./caller-identity (`sts-token`, a presigned GetCallerIdentity the API verifies with
 * STS) and ./lattice-identity (`lattice`, the identity header VPC Lattice adds after checking the
 * caller's SigV4 signature).
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond';

/** One consumer's resolver: the role it runs as in its account. */
export interface CallerMapping {
  readonly consumer: string;
  readonly account: string;
  readonly role: string;
}

/** A verified caller. */
export interface Caller {
  readonly consumer: string;
  readonly arn: string;
}

/** The values of CALLER_IDENTITY_SOURCE. */
export type CallerIdentitySourceKind = 'sts-token' | 'lattice';

export interface CallerIdentitySource {
  readonly kind: CallerIdentitySourceKind;
  /**
   * The caller of `req`: synchronously when already known (the hot path costs no extra turn of
   * the event loop), else a promise; a failure is thrown (or rejected) as an HttpError of the
   * status above.
   */
  identify(req: IncomingMessage): Caller | Promise<Caller>;
}

export const unauthenticated = (message: string): HttpError => new HttpError(401, 'UNAUTHENTICATED', message);

const ASSUMED_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):sts::([0-9]{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;

/**
 * The caller a verified principal ARN maps to, else 403: only a role session of a listed
 * (account, role) is a consumer; any other principal of a listed account (another role, a user)
 * is refused.
 */
export function mapCaller(arn: string, callers: readonly CallerMapping[]): Caller | HttpError {
  const m = ASSUMED_ROLE_ARN.exec(arn);
  const match = m ? callers.find((c) => c.account === m[2] && c.role === m[3]) : undefined;
  if (!match) return new HttpError(403, 'FORBIDDEN', 'this caller is not allowed to call this API');
  return { consumer: match.consumer, arn };
}
