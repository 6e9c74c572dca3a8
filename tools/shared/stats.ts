/**
 * The statistics the measuring tools share (`npm run bench`, `npm run measure:local`): pure
 * functions of numbers, so a tool that measures imports them without importing another tool.
 */

/** Median of the finite values (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly (number | undefined)[]): number {
  const sorted = values.filter((v): v is number => Number.isFinite(v)).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** a / b, NaN unless both are finite and b is not 0. */
export const ratio = (a = NaN, b = NaN): number => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
