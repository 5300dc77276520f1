import { canonicalizeName } from '../../../machines/cloud-gazer/canonical-name.js';

describe('canonicalizeName (behaviour 105)', () => {
  test.each([
    ['foo', 'foo'],
    ['Foo', 'foo'],
    ['Foo_Bar', 'foo-bar'],
    ['zope.interface', 'zope-interface'],
    ['a..b--c__d', 'a-b-c-d'],
    ['A-_.B', 'a-b'],
    ['PyYAML', 'pyyaml'],
  ])('%s → %s (lowercase, runs of -_. become one -)', (name, canonical) => {
    expect(canonicalizeName(name)).toBe(canonical);
  });
});
