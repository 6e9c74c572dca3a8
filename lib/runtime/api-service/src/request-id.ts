/**
 * The request-id rule shared by the api-service and the GraphQL resolver (which imports this file),
 * so an id the resolver sends is always the id the api-service logs: with two different patterns,
 * some ids passed one side and were replaced on the other, losing the correlation.
 *
 * Pure and import-free apart from node:crypto: it is bundled into both runtimes.
 */
import { randomUUID } from 'node:crypto';

/**
 * 1..128 characters of [A-Za-z0-9._:-], starting with an alphanumeric. AppSync request ids and
 * UUIDs match; anything else (absent, repeated, too long, header-injection attempts) does not.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The incoming id when it is a single value matching REQUEST_ID_PATTERN, else a fresh UUID. */
export function resolveRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}
