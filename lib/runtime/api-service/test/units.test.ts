import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeCursor, encodeCursor } from '../src/cursor';
import { DEFAULT_ITEM_COUNT, InMemoryCatalogue, generateItems } from '../src/catalogue';
import { loadRuntimeConfig } from '../src/env';
import { RequestLogEntry, createBatchedSink, createLogger } from '../src/logger';
import * as settings from '../src/settings';

describe('settings', () => {
  test('exported values the infrastructure relies on', () => {
    expect(settings.CONTAINER_PORT).toBe(8080);
    expect(settings.HEALTH_CHECK_PATH).toBe('/healthz');
    expect(settings.KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(settings.DRAIN_TIMEOUT_MS).toBe(20_000);
  });

  test.each(['settings.ts', 'contract.ts'])('%s has no imports (safe for the CDK app and the resolver to import)', (file) => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'src', file), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/require\(/);
    // Re-exports only of the import-free contract.
    for (const [, from] of source.matchAll(/^export\s[^;]*\bfrom\s+'([^']+)'/gm)) expect(from).toBe('./contract');
  });
});

describe('catalogue', () => {
  test('250 deterministic items with unique ids item-0001..item-0250', () => {
    const a = generateItems();
    const b = generateItems();
    expect(DEFAULT_ITEM_COUNT).toBe(250);
    expect(a).toHaveLength(250);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(new Set(a.map((i) => i.id)).size).toBe(250);
    expect(a[0]?.id).toBe('item-0001');
    expect(a[249]?.id).toBe('item-0250');
    for (const item of a) {
      expect(item.priceCents).toBeGreaterThan(0);
      expect(Number.isInteger(item.priceCents)).toBe(true);
      expect(item.tags.length).toBeGreaterThan(0);
    }
  });

  test('rejects duplicate ids', () => {
    const [first] = generateItems(1);
    expect(() => new InMemoryCatalogue([first!, first!])).toThrow(/duplicate/);
  });

  test('page() after an id that is not in the catalogue continues from the next one', () => {
    const c = new InMemoryCatalogue(generateItems(10));
    expect(c.page('item-0003a', 2).items.map((i) => i.id)).toEqual(['item-0004', 'item-0005']);
    expect(c.page('item-0010', 5)).toEqual({ items: [], lastId: undefined });
    const last = c.page('item-0008', 2); // exactly fills the last page: no further cursor
    expect(last.items.map((i) => i.id)).toEqual(['item-0009', 'item-0010']);
    expect(last.lastId).toBeUndefined();
    expect(c.page('item-0007', 2).lastId).toBe('item-0009');
  });
});

describe('cursor', () => {
  test('round-trips and is opaque base64url', () => {
    const cursor = encodeCursor('item-0042');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('item');
    expect(decodeCursor(cursor)).toBe('item-0042');
  });

  test.each(['', '!!', 'AAAA', encodeCursor('item-0042') + 'A', 'x'.repeat(201)])('rejects %p', (bad) => {
    expect(decodeCursor(bad)).toBeUndefined();
  });
});

describe('environment', () => {
  test('defaults', () => {
    expect(loadRuntimeConfig({})).toEqual({
      port: 8080,
      host: undefined,
      drainTimeoutMs: 20_000,
    });
  });

  test('overrides', () => {
    expect(
      loadRuntimeConfig({ PORT: '0', HOST: '127.0.0.1', DRAIN_TIMEOUT_MS: '5000' }),
    ).toEqual({ port: 0, host: '127.0.0.1', drainTimeoutMs: 5000 });
  });

  test.each([
    { PORT: '65536' },
    { PORT: '-1' },
    { PORT: '80.5' },
    { DRAIN_TIMEOUT_MS: '0' },
    { DRAIN_TIMEOUT_MS: '20s' },
  ])('rejects %p', (env) => {
    expect(() => loadRuntimeConfig(env)).toThrow(/environment variable/);
  });
});

describe('logger', () => {
  test('fields cannot override time/level/msg; undefined fields are omitted', () => {
    const lines: string[] = [];
    const logger = createLogger((l) => lines.push(l), () => new Date('2024-01-02T03:04:05.678Z'));
    logger.warn('hello', { level: 'debug', msg: 'x', a: 1, b: undefined });
    expect(lines).toEqual(['{"time":"2024-01-02T03:04:05.678Z","level":"warn","msg":"hello","a":1}']);
  });
});

describe('request log line (built by hand on the hot path)', () => {
  const at = new Date('2024-01-02T03:04:05.678Z');
  /** What the generic path produces: JSON.stringify of time, level, msg, then the entry's fields. */
  const generic = (e: RequestLogEntry): string =>
    JSON.stringify({ time: at.toISOString(), level: e.status >= 500 ? 'error' : 'info', msg: 'request', ...JSON.parse(JSON.stringify(e)) });
  test.each<RequestLogEntry>([
    { requestId: 'abc-1', method: 'GET', path: '/v1/items/item-0001', status: 200, durationMs: 0.123 },
    { requestId: 'x', method: 'POST', path: '/a"b\\c\n\u0000\u2028é', status: 503, durationMs: 12, aborted: true },
    { requestId: 'y', method: 'GET', path: '/', status: 499, durationMs: 1e-7, aborted: false },
    { requestId: 'z', method: 'GET', path: '/v1/items', status: 200, durationMs: 1, consumer: 'web' },
    { requestId: 'w', method: 'GET', path: '/v1/items', status: 200, durationMs: 1, aborted: true, consumer: 'we"b' },
  ])('is the JSON the generic path would write: %j', (entry) => {
    const lines: string[] = [];
    createLogger((l) => lines.push(l), () => at).request(entry);
    expect(lines).toEqual([generic(entry)]);
    expect(JSON.parse(lines[0])).toEqual(JSON.parse(generic(entry)));
  });
});

describe('batched sink', () => {
  test('lines of one event-loop turn leave in one write, on setImmediate', async () => {
    const writes: string[] = [];
    const { sink } = createBatchedSink((c) => writes.push(c));
    sink('a');
    sink('b');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['a\nb\n']);
    sink('c');
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  test('a buffer reaching maxChars is written at once; flush() writes the rest synchronously', () => {
    const writes: string[] = [];
    const { sink, flush } = createBatchedSink((c) => writes.push(c), 8);
    sink('1234');
    expect(writes).toEqual([]);
    sink('5678');
    expect(writes).toEqual(['1234\n5678\n']);
    sink('9');
    flush();
    expect(writes).toEqual(['1234\n5678\n', '9\n']);
    flush();
    expect(writes).toHaveLength(2);
  });
});

