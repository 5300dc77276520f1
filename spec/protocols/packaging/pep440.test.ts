import { compareVersions, isPrerelease, parseVersion } from '../../../protocols/packaging/pep440.js';

// Ascending, as packaging's own test-suite orders them (PEP 440 §"Summary of permitted suffixes").
const ASCENDING = [
  '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
  '1.0b2.post345.dev456', '1.0b2.post345', '1.0b2-346', '1.0c1.dev456', '1.0c1', '1.0rc2', '1.0c3', '1.0',
  '1.0.post456.dev34', '1.0.post456', '1.1.dev1', '1.2+123abc', '1.2+123abc456', '1.2+abc', '1.2+abc123',
  '1.2+abc123def', '1.2+1234.abc', '1.2+123456', '1.2.r32+123456', '1.2.rev33+123456',
  '1!1.0b2.post345.dev456', '1!1.0', '1!1.2.rev33+123456',
];

test('versions order as PEP 440 / pkg_resources orders them', () => {
  const shuffled = [...ASCENDING].reverse();
  expect([...shuffled].sort(compareVersions)).toEqual(ASCENDING);
  for (let i = 1; i < ASCENDING.length; i++) {
    expect(compareVersions(ASCENDING[i - 1]!, ASCENDING[i]!)).toBeLessThan(0);
    expect(compareVersions(ASCENDING[i]!, ASCENDING[i - 1]!)).toBeGreaterThan(0);
  }
});

test('equivalent spellings compare equal and normalise alike', () => {
  expect(compareVersions('1.0', '1.0.0')).toBe(0);
  expect(compareVersions('1.0', 'v1.0')).toBe(0);
  expect(compareVersions('1.0RC1', '1.0rc1')).toBe(0);
  expect(compareVersions('1.0-alpha-1', '1.0a1')).toBe(0);
  expect(compareVersions('1.0.post', '1.0.post0')).toBe(0);
  expect(compareVersions('1.0-1', '1.0.post1')).toBe(0);
  expect(compareVersions('01.002', '1.2')).toBe(0);
  expect(parseVersion('1.0-preview_2.DEV3').normalized).toBe('1.0rc2.dev3');
  expect(parseVersion(' 2!01.0.rev4+Ubuntu-1 ').normalized).toBe('2!1.0.post4+ubuntu.1');
});

test('numeric components compare exactly beyond 2**53', () => {
  expect(compareVersions('1.20201231235959123456789', '1.20201231235959123456788')).toBeGreaterThan(0);
  expect(compareVersions('1.0+99999999999999999999', '1.0+100000000000000000000')).toBeLessThan(0);
});

test('pre-release detection matches pkg_resources: dev or pre segment; post and local are not', () => {
  for (const v of ['1.0a1', '1.0b2', '1.0rc1', '1.0c1', '1.0.dev0', '1.0.post1.dev2', '2.0alpha', '3.0preview1']) {
    expect([v, isPrerelease(v)]).toEqual([v, true]);
  }
  for (const v of ['1.0', '1.0.post1', '1.0+local', '2!3', 'foo-bar', 'latest', '1.0-final']) {
    expect([v, isPrerelease(v)]).toEqual([v, false]);
  }
});

test('legacy (non-PEP 440) versions sort before every valid one and among themselves as setuptools did', () => {
  expect(parseVersion('foobar').legacy).toBe(true);
  expect(compareVersions('foobar', '0.0.dev0')).toBeLessThan(0);
  expect(compareVersions('1.0-SNAPSHOT', '0.1')).toBeLessThan(0);
  // setuptools' legacy key: "-" means "final-", "pre"/"rc" mean "c", "dev" means "@"
  expect(['2.0-x', '1.0.dev-x', '1.0-x', '1.0pre-x', '1.0.x'].sort(compareVersions))
    .toEqual(['1.0.dev-x', '1.0pre-x', '1.0-x', '1.0.x', '2.0-x']);
});
