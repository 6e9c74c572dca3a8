/** tools/shared/stats.ts: the statistics `npm run bench` and `npm run measure:local` share. */
import { median, percentile, ratio } from '../../../tools/shared/stats';

test('median of the finite values, the mean of the middle two for an even count, NaN for none', () => {
  expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([NaN, 5, undefined])]).toEqual([2, 2.5, 5]);
  expect(median([])).toBeNaN();
});

test('nearest-rank percentile, whatever the input order', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
  expect([percentile(hundred, 50), percentile(hundred, 99), percentile([7], 99)]).toEqual([50, 99, 7]);
  expect(percentile([], 50)).toBeNaN();
});

test('ratio is NaN unless both sides are finite and the divisor is not 0', () => {
  expect([ratio(3, 2), ratio(1, 0), ratio(undefined, 2)]).toEqual([1.5, NaN, NaN]);
});
