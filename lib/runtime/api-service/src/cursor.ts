/**
 * The opaque pagination cursor of `GET /v1/items`: base64url("v1:<id of the last item returned>").
 * The version prefix lets a later format be told apart from this one.
 */
import { ITEM_ID_PATTERN } from './contract';

const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;
const CURSOR_PREFIX = 'v1:';

/** The cursor that continues after the item `lastId`. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** Returns the id encoded in the cursor, or undefined when the cursor is malformed. */
export function decodeCursor(cursor: string): string | undefined {
  if (!CURSOR_PATTERN.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) return undefined;
  const id = decoded.slice(CURSOR_PREFIX.length);
  // Round-trip check rejects non-canonical encodings and trailing garbage bits.
  if (!ITEM_ID_PATTERN.test(id) || encodeCursor(id) !== cursor) return undefined;
  return id;
}
