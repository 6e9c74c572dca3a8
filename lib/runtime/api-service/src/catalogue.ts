/**
 * In-memory, read-only item catalogue, generated deterministically at start-up.
 *
 * Items are kept sorted by id; pagination is keyset-based ("items with id > the last id
 * returned"), so walking all pages returns every item exactly once, in id order.
 */

export interface Item {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number;
  readonly tags: readonly string[];
}

export interface Page {
  readonly items: readonly Item[];
  /** Id of the last item of this page when more items follow, otherwise undefined. */
  readonly lastId: string | undefined;
}

export interface Catalogue {
  readonly size: number;
  get(id: string): Item | undefined;
  /** Up to `limit` items whose id sorts strictly after `afterId` (from the start when undefined). */
  page(afterId: string | undefined, limit: number): Page;
}

export const DEFAULT_ITEM_COUNT = 250;

const ADJECTIVES = [
  'Compact', 'Durable', 'Ergonomic', 'Galvanised', 'Insulated', 'Lightweight', 'Modular',
  'Portable', 'Reinforced', 'Sealed', 'Stackable', 'Weatherproof',
] as const;
const NOUNS = [
  'Bracket', 'Cable', 'Clamp', 'Connector', 'Enclosure', 'Fan', 'Gasket', 'Hinge', 'Panel',
  'Rail', 'Sensor', 'Valve',
] as const;
const MATERIALS = ['aluminium', 'brass', 'nylon', 'polycarbonate', 'stainless steel', 'zinc alloy'] as const;
const TAGS = ['electrical', 'hvac', 'indoor', 'outdoor', 'plumbing', 'safety', 'spares', 'structural'] as const;

/** mulberry32: tiny, fast, deterministic PRNG (not for security). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)] as T;
}

/** `item-0001` .. `item-9999`. */
export function itemId(n: number): string {
  return `item-${String(n).padStart(4, '0')}`;
}

/** Generates `count` deterministic items (same seed => byte-identical catalogue). */
export function generateItems(count: number = DEFAULT_ITEM_COUNT, seed = 20_240_601): Item[] {
  const rand = prng(seed);
  const items: Item[] = [];
  for (let n = 1; n <= count; n++) {
    const adjective = pick(rand, ADJECTIVES);
    const noun = pick(rand, NOUNS);
    const material = pick(rand, MATERIALS);
    const tagCount = 1 + Math.floor(rand() * 3);
    const tags = new Set<string>();
    while (tags.size < tagCount) tags.add(pick(rand, TAGS));
    items.push(
      Object.freeze({
        id: itemId(n),
        name: `${adjective} ${noun} ${n}`,
        description: `${adjective} ${noun.toLowerCase()} made of ${material}.`,
        priceCents: 100 + Math.floor(rand() * 99_900),
        tags: Object.freeze([...tags].sort()),
      }),
    );
  }
  return items;
}

export class InMemoryCatalogue implements Catalogue {
  private readonly sorted: readonly Item[];
  private readonly byId: ReadonlyMap<string, Item>;

  constructor(items: readonly Item[]) {
    const byId = new Map<string, Item>();
    for (const item of items) {
      if (byId.has(item.id)) throw new Error(`duplicate item id ${item.id}`);
      byId.set(item.id, item);
    }
    this.byId = byId;
    // Plain code-unit order: the same order the `>` comparison in page() uses.
    this.sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get size(): number {
    return this.sorted.length;
  }

  get(id: string): Item | undefined {
    return this.byId.get(id);
  }

  page(afterId: string | undefined, limit: number): Page {
    const start = afterId === undefined ? 0 : this.firstIndexAfter(afterId);
    const items = this.sorted.slice(start, start + limit);
    const more = start + items.length < this.sorted.length;
    return { items, lastId: more && items.length > 0 ? items[items.length - 1]?.id : undefined };
  }

  /** Binary search: index of the first item whose id sorts strictly after `id`. */
  private firstIndexAfter(id: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as Item).id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function createDefaultCatalogue(): Catalogue {
  return new InMemoryCatalogue(generateItems());
}
