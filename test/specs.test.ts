import { isFocused, LISTED_SPECS, specsOnDiskUnderRoots } from './specs';

// The spec groups (specs.ts), checked once: a spec left out of every group, or a focused test
// inside one (which would skip every other spec of its group with jest still passing), fails here.
test('every *.spec.ts is in exactly one group (else it never runs)', () => {
  expect([...LISTED_SPECS].sort()).toEqual(specsOnDiskUnderRoots().sort());
  expect(new Set(LISTED_SPECS).size).toBe(LISTED_SPECS.length);
});

test('no spec is focused (a .only would skip every other spec of its group, and jest would pass)', () => {
  expect(LISTED_SPECS.filter(isFocused)).toEqual([]);
});
