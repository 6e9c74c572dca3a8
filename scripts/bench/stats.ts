/**
 * Small pure helpers for the benchmark: summary statistics and number formatting.
 * No I/O; unit-tested in test/bench/helpers.test.ts.
 */

/** Median of the finite values (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of the finite values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Smallest and largest finite value, or NaN for both when there are none. */
export function range(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { min: NaN, max: NaN };
  return { min: Math.min(...finite), max: Math.max(...finite) };
}

/** Rounds to `digits` decimals; NaN and infinities pass through (JSON turns them into null). */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** a / b, or NaN when either is not a finite number or b is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/** `12.34 s` from milliseconds; `n/a` for NaN. */
export function formatSeconds(ms: number, digits = 2): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : 'n/a';
}

/** `1.23 ms`; `n/a` for NaN. */
export function formatMs(ms: number, digits = 2): string {
  return Number.isFinite(ms) ? `${ms.toFixed(digits)} ms` : 'n/a';
}

/** `512 MiB` from KiB (what /usr/bin/time %M and process.resourceUsage().maxRSS report); `n/a` for NaN/undefined. */
export function formatKib(kib: number | undefined): string {
  return kib !== undefined && Number.isFinite(kib) ? `${Math.round(kib / 1024)} MiB` : 'n/a';
}

/** `12,345 B` with thousands separators; `n/a` for NaN. */
export function formatBytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.round(bytes).toLocaleString('en-US')} B` : 'n/a';
}

/** `1.23x`; `n/a` for NaN. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** `12,345` (integers with separators); `n/a` for NaN. */
export function formatInt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}
