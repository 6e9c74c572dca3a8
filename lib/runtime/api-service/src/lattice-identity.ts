/**
 * The `lattice` caller identity source (./caller-identity-source): the caller is read from the
 * identity header VPC Lattice adds to each request it forwards to a target, after it has checked
 * the request's SigV4 signature and the service's auth policy. No STS call, no cache to bound: the
 * header is parsed, and the last value seen is remembered (a resolver's role session sends the
 * same one for hours).
 *
 * Why the header can be trusted: AWS documents that Lattice strips the caller identity headers
 * from every incoming request ("the caller identity headers can't be spoofed"), so a value that
 * reaches the task is Lattice's own; and with the service's auth type AWS_IAM, a request that is
 * unsigned or whose signature fails, or whose principal the auth policy does not allow, is refused
 * by Lattice (403) before it reaches the task. That holds only for requests that come THROUGH
 * Lattice: the task's security group must admit the container port from Lattice's addresses only
 * (the VPC Lattice managed prefix list), never from a consumer CIDR or the VPC at large, or a
 * workload able to open a connection to the task could write this header itself.
 *
 * The header's format (AWS, "HTTP targets in VPC Lattice"): `key=value` pairs separated by `;`,
 * keys in no fixed order, new keys may appear, values may be empty, `;` inside a value escaped with
 * a backslash, e.g.
 *
 *   x-amzn-lattice-identity: Principal=arn:aws:sts::222222222222:assumed-role/web-resolver/s; PrincipalOrgID=o-abc; SessionName=s; Type=AWS_IAM
 *
 * An anonymous caller (auth type NONE, or a policy that admits anonymous principals) has no
 * Principal: refused here with 401 whatever the policy said, since a consumer is a role.
 */
import type { IncomingMessage } from 'node:http';
import { Caller, CallerIdentitySource, CallerMapping, mapCaller, unauthenticated } from './caller-identity-source';
import { HttpError } from './respond';

/** The header Lattice adds with the authenticated caller. */
export const LATTICE_IDENTITY_HEADER = 'x-amzn-lattice-identity';
/** Every header Lattice strips from incoming requests and sets itself (the local stand-in does the same). */
export const LATTICE_HEADER_PREFIX = 'x-amzn-lattice-';
/** Far longer than any principal ARN, org path and session name together. */
const MAX_HEADER_LENGTH = 8 * 1024;

export interface LatticeIdentityConfig {
  /** This API's name (logged at start-up; Lattice's auth policy binds the caller to the service). */
  readonly apiName: string;
  readonly callers: readonly CallerMapping[];
}

/** The header's `key=value;` map (keys case-sensitive, as AWS writes them; values trimmed, unescaped). */
export function parseLatticeIdentity(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  let key = '';
  let current = '';
  let inValue = false;
  const flush = (): void => {
    const k = (inValue ? key : current).trim();
    if (k !== '' && !fields.has(k)) fields.set(k, inValue ? current.trim() : '');
    key = '';
    current = '';
    inValue = false;
  };
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) current += value[(i += 1)];
    else if (c === ';') flush();
    else if (c === '=' && !inValue) {
      key = current;
      current = '';
      inValue = true;
    } else current += c;
  }
  flush();
  return fields;
}

/** The caller a header value names: a Caller, or the HttpError (401/403) to answer. */
export function callerFromLatticeIdentity(value: string, callers: readonly CallerMapping[]): Caller | HttpError {
  if (value.length > MAX_HEADER_LENGTH) return unauthenticated('the VPC Lattice identity header is too long');
  const fields = parseLatticeIdentity(value);
  const principal = fields.get('Principal') ?? '';
  const type = fields.get('Type');
  if (principal === '' || (type !== undefined && type !== 'AWS_IAM')) return unauthenticated('anonymous caller: the request was not signed with an IAM identity');
  return mapCaller(principal, callers);
}

export function createLatticeIdentitySource(config: LatticeIdentityConfig): CallerIdentitySource {
  let lastValue: string | undefined;
  let lastResult: Caller | HttpError | undefined;
  return {
    kind: 'lattice',
    identify(req: IncomingMessage): Caller {
      const values = req.headersDistinct[LATTICE_IDENTITY_HEADER];
      // Lattice sends exactly one; none means the request did not come through Lattice.
      if (values === undefined) throw unauthenticated('no caller identity: the request did not come through VPC Lattice');
      if (values.length !== 1) throw unauthenticated('more than one VPC Lattice identity header');
      const value = values[0];
      if (value !== lastValue) {
        lastResult = callerFromLatticeIdentity(value, config.callers);
        lastValue = value;
      }
      if (lastResult instanceof HttpError) throw lastResult;
      return lastResult as Caller;
    },
  };
}
