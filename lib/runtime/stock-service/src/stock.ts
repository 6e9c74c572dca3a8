/**
 * In-memory stock levels, one per catalogue item, generated deterministically at start-up (the
 * same ids as the catalogue's, so both APIs answer for the same items).
 */
import { DEFAULT_ITEM_COUNT, itemId } from '../../api-service/src/catalogue';

export interface StockLevel {
  readonly itemId: string;
  /** Units that can be sold now. */
  readonly available: number;
  /** Units held for orders not yet shipped. */
  readonly reserved: number;
  /** When the level was last counted (ISO 8601, UTC). */
  readonly updatedAt: string;
}

export interface Stock {
  readonly size: number;
  get(itemId: string): StockLevel | undefined;
}

/** A fixed instant, so the data (and every test) is the same on each start. */
const COUNTED_AT = Date.UTC(2026, 0, 1);

export function createDefaultStock(count = DEFAULT_ITEM_COUNT): Stock {
  const levels = new Map<string, StockLevel>();
  for (let n = 1; n <= count; n++) {
    const id = itemId(n);
    levels.set(id, Object.freeze({
      itemId: id,
      available: (n * 37) % 500,
      reserved: (n * 11) % 40,
      updatedAt: new Date(COUNTED_AT + n * 60_000).toISOString(),
    }));
  }
  return { size: levels.size, get: (id) => levels.get(id) };
}
