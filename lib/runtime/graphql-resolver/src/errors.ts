/**
 * Errors thrown by the resolver.
 *
 * For an AppSync *direct* Lambda resolver, the Lambda runtime reports a thrown error as
 * `{ errorType: error.name, errorMessage: error.message }` and AppSync turns that into the
 * GraphQL error's `errorType` and `message`. So:
 *   - `name` is set explicitly as a string (it must survive minification), and
 *   - `message` is written for the GraphQL caller: it never contains internal host names,
 *     IP addresses, ports, stack traces or upstream text of any kind (not even the internal
 *     API's own error message: the resolver's words only).
 * Everything useful for operators goes into `details` (non-enumerable, so it is never
 * serialised into the Lambda error payload) and is logged as structured JSON instead.
 */

export type ErrorDetails = Record<string, unknown>;

export abstract class ResolverError extends Error {
  /** Extra context for logs only. Non-enumerable: never part of the response payload. */
  declare readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    Object.defineProperty(this, 'details', { value: details, enumerable: false, writable: false });
  }

  /** True when the caller sent something invalid (4xx-like); false for upstream/internal faults. */
  abstract readonly clientFault: boolean;
}

/** The arguments were invalid (checked locally, or the internal API answered 400). */
export class BadRequest extends ResolverError {
  static {
    // On the prototype so that the name is already right while the stack is captured.
    this.prototype.name = 'BadRequest';
  }
  readonly clientFault = true;
}

/** The internal API answered 404. */
export class NotFound extends ResolverError {
  static {
    this.prototype.name = 'NotFound';
  }
  readonly clientFault = true;
}

/** 5xx/429 from the internal API, or the connection failed (refused, reset, DNS, TLS). */
export class UpstreamUnavailable extends ResolverError {
  static {
    this.prototype.name = 'UpstreamUnavailable';
  }
  readonly clientFault = false;
}

/**
 * The internal API's TLS certificate was rejected (wrong name, expired, self-signed, untrusted).
 * A configuration problem, not an outage: the message says what is wrong and gives no retry hint
 * (reported as UpstreamUnavailable, "please retry", callers would retry a fault that never heals).
 */
export class UpstreamCertificateRejected extends ResolverError {
  static {
    this.prototype.name = 'UpstreamCertificateRejected';
  }
  readonly clientFault = false;
}

/** Certificate-chain errors from node:tls meaning "not issued by a CA we trust". */
export const UNTRUSTED_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'INVALID_CA',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/**
 * What is wrong with the certificate, for a node:tls verification error code, in words a GraphQL
 * caller may see (no host names); undefined when the code is not a certificate problem.
 */
export function certificateProblem(code: string | undefined): string | undefined {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return "is not valid for the service's host name";
  if (code === 'CERT_HAS_EXPIRED') return 'has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'is not yet valid';
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') return 'is self-signed';
  if (code !== undefined && UNTRUSTED_CERTIFICATE_CODES.has(code)) return 'is not issued by a trusted certificate authority';
  return undefined;
}

/** The internal API did not answer within the per-request timeout. */
export class UpstreamTimeout extends ResolverError {
  static {
    this.prototype.name = 'UpstreamTimeout';
  }
  readonly clientFault = false;
}

/** The internal API answered, but with invalid JSON, an unexpected shape or an unexpected status. */
export class UpstreamBadResponse extends ResolverError {
  static {
    this.prototype.name = 'UpstreamBadResponse';
  }
  readonly clientFault = false;
}

/**
 * The internal API (or VPC Lattice in front of it) refused this function's identity: 401 (no
 * identity, or one it could not verify) or 403 (a principal it does not admit). A deployment
 * problem (the matrix, the auth policy, the CALLERS list or the signing mode disagree), never the
 * GraphQL caller's fault and not transient: no retry hint. Which side refused, and its words, are in
 * the log only.
 */
export class CallerNotAuthorized extends ResolverError {
  static {
    this.prototype.name = 'CallerNotAuthorized';
  }
  readonly clientFault = false;
}

/** The resolver was attached to a field it does not implement (a deployment mistake). */
export class UnsupportedField extends ResolverError {
  static {
    this.prototype.name = 'UnsupportedField';
  }
  readonly clientFault = false;
}

/** Anything unexpected (bad configuration, bugs). The real cause is only logged. */
export class InternalError extends ResolverError {
  static {
    this.prototype.name = 'InternalError';
  }
  readonly clientFault = false;
}

export const GENERIC_INTERNAL_MESSAGE = 'Internal error while resolving the field.';

/** Messages a GraphQL caller sees for upstream failures (no host names, addresses or ports). */
export const UPSTREAM_UNAVAILABLE_MESSAGE = 'The item service is temporarily unavailable. Please retry.';
export const UPSTREAM_TIMEOUT_MESSAGE = 'The item service did not answer in time. Please retry.';
export const UPSTREAM_BAD_RESPONSE_MESSAGE = 'The item service returned an unexpected response.';
export const CALLER_NOT_AUTHORIZED_MESSAGE = 'The item service did not accept this resolver as a caller; this is a configuration problem, not a transient outage.';
/** For a `certificateProblem()` description: says it is a configuration problem, so no retry hint. */
export const certificateRejectedMessage = (problem: string): string =>
  `The item service's TLS certificate ${problem}; this is a configuration problem of the service, not a transient outage.`;

/** Wraps anything that is not already a ResolverError so that nothing internal leaks out. */
export function toResolverError(err: unknown): ResolverError {
  if (err instanceof ResolverError) return err;
  return new InternalError(GENERIC_INTERNAL_MESSAGE, { reason: describeError(err) }, err);
}

/** A loggable description of any thrown value (for logs only — may contain internals). */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const out: Record<string, unknown> = { name: err.name, message: err.message };
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (err instanceof ResolverError) out.details = err.details;
    if (err.cause !== undefined) out.cause = describeError(err.cause);
    return out;
  }
  return { value: String(err) };
}
