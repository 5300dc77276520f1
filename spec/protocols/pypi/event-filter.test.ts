import type { ChangelogEntry } from '../../../protocols/pypi/changelog.js';
import { PyPIEventFilter, toUtc } from '../../../protocols/pypi/event-filter.js';

const T = 1_531_327_388; // 2018-07-11 16:43:08 UTC
let serial = 0;
const entry = (pkg: string, version: string | null, timestamp: number, action: string): ChangelogEntry => ({
  package: pkg,
  version,
  timestamp,
  action,
  serial: ++serial,
});
const SDIST = 'add source file foo-1.0.tar.gz';
const WHEEL = 'add py3 file foo-1.0-py3-none-any.whl';
const CP311 = 'add cp311 file foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl';

describe('PyPIEvents filtering', () => {
  test('behaviour 122: timestamps become UTC instants', () => {
    expect(toUtc(T).toISOString()).toBe('2018-07-11T16:43:08.000Z');
    const event = new PyPIEventFilter().accept(entry('foo', '1.0', T, SDIST));
    expect(event?.timestamp.toISOString()).toBe('2018-07-11T16:43:08.000Z');
  });

  test('behaviour 117: the first file event of a version is emitted; later ones are suppressed', () => {
    const filter = new PyPIEventFilter();
    expect(filter.accept(entry('foo', '1.0', T, WHEEL))).toEqual({
      package: 'foo',
      version: '1.0',
      timestamp: toUtc(T),
      action: 'create',
      wantsDescription: true,
    });
    expect(filter.accept(entry('foo', '1.0', T + 1, CP311))).toBeNull();
    expect(filter.accept(entry('foo', '2.0', T + 2, SDIST))).toMatchObject({ version: '2.0', action: 'source' });
    expect(filter.accept(entry('foo', '2.0', T + 3, WHEEL))).toBeNull();
    expect(filter.accept(entry('foo', '2.0', T + 4, SDIST))).toBeNull();
  });

  test('behaviour 117: the first sdist after binary-only files is re-emitted as source with the original time', () => {
    const filter = new PyPIEventFilter();
    filter.accept(entry('foo', '1.0', T, WHEEL));
    filter.accept(entry('foo', '1.0', T + 5, CP311));
    expect(filter.accept(entry('foo', '1.0', T + 60, SDIST))).toEqual({
      package: 'foo',
      version: '1.0',
      timestamp: toUtc(T),
      action: 'source',
      wantsDescription: true,
    });
    expect(filter.accept(entry('foo', '1.0', T + 70, SDIST))).toBeNull();
    expect(filter.accept(entry('foo', '1.0', T + 80, WHEEL))).toBeNull();
  });

  test('behaviour 118: removing a version forgets it, so a new upload is emitted again', () => {
    const filter = new PyPIEventFilter();
    filter.accept(entry('foo', '1.0', T, SDIST));
    expect(filter.accept(entry('foo', '1.0', T + 1, 'remove release'))).toMatchObject({ action: 'remove', version: '1.0' });
    expect(filter.accept(entry('foo', '1.0', T + 2, SDIST))).toMatchObject({ action: 'source', timestamp: toUtc(T + 2) });
  });

  test('behaviour 118: the cache holds the last N versions, a repeat keeping its version fresh', () => {
    const filter = new PyPIEventFilter(3);
    for (const v of ['1', '2', '3']) expect(filter.accept(entry('foo', v, T, WHEEL))).not.toBeNull();
    expect(filter.accept(entry('foo', '1', T, WHEEL))).toBeNull(); // touches 1: 2 is now the oldest
    expect(filter.accept(entry('foo', '4', T, WHEEL))).not.toBeNull(); // evicts 2
    expect(filter.accept(entry('foo', '1', T, WHEEL))).toBeNull();
    expect(filter.accept(entry('foo', '2', T, WHEEL))).not.toBeNull();
  });

  test('the default cache remembers 1000 versions', () => {
    const filter = new PyPIEventFilter();
    for (let v = 0; v < 1000; v++) filter.accept(entry('foo', String(v), T, WHEEL));
    expect(filter.accept(entry('foo', '0', T, WHEEL))).toBeNull();
    filter.accept(entry('foo', '1000', T, WHEEL)); // evicts 1 (0 was touched)
    expect(filter.accept(entry('foo', '1', T, WHEEL))).not.toBeNull();
  });

  test('behaviour 119: package creation drops any version and wants a description', () => {
    const filter = new PyPIEventFilter();
    expect(filter.accept(entry('Foo', '0.2', T, 'create'))).toEqual({
      package: 'Foo',
      version: null,
      timestamp: toUtc(T),
      action: 'create',
      wantsDescription: true,
    });
  });

  test('behaviour 120: yank, unyank and remove carry no description', () => {
    const filter = new PyPIEventFilter();
    for (const [action, kind] of [
      ['yank release', 'yank'],
      ['unyank release', 'unyank'],
      ['remove release', 'remove'],
      ['remove project', 'remove'],
    ] as const) {
      expect(filter.accept(entry('foo', '1.0', T, action))).toEqual({
        package: 'foo',
        version: '1.0',
        timestamp: toUtc(T),
        action: kind,
        wantsDescription: false,
      });
    }
    expect(filter.accept(entry('foo', null, T, 'remove'))).toMatchObject({ action: 'remove', version: null });
  });

  test('A.4: ignored actions yield nothing and do not touch the cache', () => {
    const filter = new PyPIEventFilter();
    expect(filter.accept(entry('foo', '1.0', T, 'new release'))).toBeNull();
    expect(filter.accept(entry('foo', null, T, 'remove Owner alice'))).toBeNull();
    expect(filter.accept(entry('foo', '1.0', T, SDIST))).not.toBeNull();
  });

  test('clear() forgets every version seen', () => {
    const filter = new PyPIEventFilter();
    filter.accept(entry('foo', '1.0', T, SDIST));
    filter.clear();
    expect(filter.accept(entry('foo', '1.0', T, SDIST))).not.toBeNull();
  });
});
