import { MemoryScribeData } from '../../../actors/scribe/memory-data.js';

const data = new MemoryScribeData(
  [
    {
      name: 'foo',
      skip: '',
      description: 'Foo!',
      spellings: [{ name: 'Foo', seen: new Date(2020, 0, 1) }, { name: 'FOO', seen: new Date(2021, 0, 1) }],
      versions: [
        {
          version: '1.0',
          released: new Date(2020, 1, 2),
          builds: [
            { abi: 'cp311', ok: true, builtAt: new Date(2020, 1, 3), output: 'built', files: [{ filename: 'a-1.0-cp311-cp311-linux_armv7l.whl', size: 1, hash: 'h1', abi: 'cp311', aptDeps: ['libxml2', 'libc6'], pipDeps: ['six'] }] },
            { abi: 'cp39', ok: false },
            { abi: 'cp37', ok: true, files: [] },
          ],
        },
        { version: '2.0', skip: 'broken', yanked: true, yankedReason: 'oops', builds: [{ abi: 'cp311', ok: false, files: [{ filename: 'failed.whl', size: 1, hash: 'x', abi: 'cp311' }] }] },
      ],
    },
    { name: 'skipped', skip: 'too big', versions: [{ version: '1' }] },
  ],
  new Map([['cp311', new Set(['libc6'])]]),
);

test('queries answer as the schema functions do', async () => {
  expect([...(await data.allPackages())]).toEqual(['foo', 'skipped']);
  const [releases, files] = await data.projectData('foo');
  expect(releases).toEqual([
    ['1.0', new Date(2020, 1, 2), '', false, '', [[1, 'cp311', true], [2, 'cp39', false], [3, 'cp37', true]]],
    ['2.0', new Date(0), 'broken', true, 'oops', [[4, 'cp311', false]]],
  ]);
  expect(files).toEqual([
    // apt dependencies minus those preinstalled for cp311, sorted
    ['1.0', 'a-1.0-cp311-cp311-linux_armv7l.whl', 1, 'h1', 'cp311', 'cp311', 'linux_armv7l', null, null, new Date(2020, 1, 3), ['libxml2'], ['six']],
  ]);
  expect((await data.projectData('skipped'))[0]).toEqual([['1', new Date(0), 'too big', false, '', []]]);
  expect(await data.buildLog(1)).toBe('built');
  expect(await data.buildLog(2)).toBeNull();
  expect(await data.buildLog(99)).toBeNull();
  await data.setFileMetadata('a-1.0-cp311-cp311-linux_armv7l.whl', '>=3.9', 'm1');
  expect((await data.projectData('foo'))[1][0]!.slice(7, 9)).toEqual(['>=3.9', 'm1']);
  expect(await data.description('foo')).toBe('Foo!');
  expect(await data.description('nope')).toBeNull();
  expect(await data.displayName('foo')).toBe('FOO');
  expect(await data.displayName('skipped')).toBe('skipped');
  expect(await data.displayName('nope')).toBeNull();
  expect(await data.aliases('foo')).toEqual(['Foo', 'FOO']);
  expect(await data.packageFiles('foo')).toEqual({ 'a-1.0-cp311-cp311-linux_armv7l.whl': 'h1' });
  expect([...(await data.versionFiles('foo', '1.0'))]).toEqual(['a-1.0-cp311-cp311-linux_armv7l.whl']);
  expect([...(await data.versionFiles('foo', '2.0'))]).toEqual([]);
});
