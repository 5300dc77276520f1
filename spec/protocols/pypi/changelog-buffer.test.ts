import type { ChangelogEntry } from '../../../protocols/pypi/changelog.js';
import { PYPI_EPOCH, PyPIBuffer } from '../../../protocols/pypi/changelog-buffer.js';

const T = 1_600_000_000;
const ev = (serial: number, timestamp: number, pkg = 'foo'): ChangelogEntry => ({
  package: pkg,
  version: '1.0',
  timestamp,
  action: 'create',
  serial,
});
const serials = (events: ChangelogEntry[]) => events.map((e) => e.serial);

describe('PyPIBuffer', () => {
  describe('behaviour 124: where reading starts', () => {
    test('2000 serials before the requested serial', () => {
      expect(new PyPIBuffer(1_000_000).nextSerial).toBe(998_000);
      expect(new PyPIBuffer(PYPI_EPOCH).nextSerial).toBe(PYPI_EPOCH - 2000);
    });

    test('from 0 when the requested serial is before 628,000', () => {
      expect(new PyPIBuffer(627_999).nextSerial).toBe(0);
      expect(new PyPIBuffer(5000).nextSerial).toBe(0);
      expect(new PyPIBuffer(0).nextSerial).toBe(0);
    });

    test('setting the serial restarts the stream and empties the buffer', () => {
      const buffer = new PyPIBuffer(1_000_000);
      buffer.push([ev(998_500, T)]);
      expect(buffer.size).toBe(1);
      buffer.serial = 2_000_000;
      expect(buffer.size).toBe(0);
      expect(buffer.serial).toBe(2_000_000);
      expect(buffer.nextSerial).toBe(1_998_000);
    });
  });

  describe('behaviour 125: nothing before the epoch', () => {
    test('holds every pre-epoch event, however old, until the stream passes serial 628,000', () => {
      const buffer = new PyPIBuffer(0);
      expect(buffer.push([ev(1, T), ev(2, T + 86_400), ev(3, T + 2 * 86_400)])).toEqual([]);
      expect(buffer.nextSerial).toBe(3);
      expect(buffer.push([ev(PYPI_EPOCH, T + 3 * 86_400)])).toEqual([]);
      const ready = buffer.push([ev(PYPI_EPOCH + 1, T + 4 * 86_400)]);
      expect(serials(ready)).toEqual([1, 2, 3, PYPI_EPOCH]);
      expect(buffer.serial).toBe(PYPI_EPOCH + 1);
    });

    test('a requested pre-epoch serial is read from 0 but yielded from that serial on', () => {
      const buffer = new PyPIBuffer(3);
      const ready = buffer.push([ev(1, T), ev(2, T + 10), ev(3, T + 20), ev(4, T + 30), ev(PYPI_EPOCH + 1, T + 1000)]);
      expect(serials(ready)).toEqual([3, 4]);
    });
  });

  describe('behaviour 126: ordering and the 5-minute hold', () => {
    test('yields events 5 minutes older than the newest, by (timestamp, serial), from the requested serial', () => {
      const buffer = new PyPIBuffer(1_000_000);
      const ready = buffer.push([
        ev(998_001, T),
        ev(999_998, T + 5), // same second as the requested serial but before it
        ev(999_999, T + 10),
        ev(1_000_000, T + 5), // the requested serial, stamped earlier than the one before it
        ev(1_000_001, T + 4), // earlier than the requested serial's time: already yielded by a previous run
        ev(1_000_002, T + 20),
        ev(1_000_003, T + 400), // newest: holds back everything after T + 100
      ]);
      expect(serials(ready)).toEqual([1_000_000, 999_999, 1_000_002]);
      expect(buffer.serial).toBe(1_000_003);
      expect(buffer.nextSerial).toBe(1_000_003);
    });

    test('an event within 5 minutes of the newest waits for a later event', () => {
      const buffer = new PyPIBuffer(1_000_000);
      expect(buffer.push([ev(1_000_000, T), ev(1_000_001, T + 299)])).toEqual([]);
      expect(buffer.push([ev(1_000_002, T + 300)])).toEqual([]); // exactly 5 minutes is not older
      expect(serials(buffer.push([ev(1_000_003, T + 301)]))).toEqual([1_000_000]);
      expect(buffer.serial).toBe(1_000_001);
      expect(serials(buffer.push([ev(1_000_004, T + 900)]))).toEqual([1_000_001, 1_000_002, 1_000_003]);
      expect(buffer.serial).toBe(1_000_004);
    });

    test('starts at the first serial ≥ the requested one when that serial does not exist', () => {
      const buffer = new PyPIBuffer(1_000_000);
      const ready = buffer.push([ev(999_990, T), ev(999_999, T + 1), ev(1_000_005, T + 2), ev(1_000_006, T + 3), ev(1_000_007, T + 1000)]);
      expect(serials(ready)).toEqual([1_000_005, 1_000_006]);
    });

    test('waits while the requested serial has not been read yet', () => {
      const buffer = new PyPIBuffer(1_000_000);
      expect(buffer.push([ev(998_100, T), ev(999_000, T + 1000)])).toEqual([]);
      expect(buffer.nextSerial).toBe(999_000);
      expect(serials(buffer.push([ev(1_000_000, T + 1001), ev(1_000_001, T + 2000)]))).toEqual([1_000_000]);
    });

    test('answers out of serial order are put in order; serials already read are not taken twice', () => {
      const buffer = new PyPIBuffer(1_000_000);
      buffer.push([ev(1_000_001, T + 1), ev(1_000_000, T)]);
      expect(buffer.nextSerial).toBe(1_000_001);
      expect(buffer.push([ev(1_000_000, T), ev(1_000_001, T + 1)])).toEqual([]);
      expect(buffer.size).toBe(2);
      expect(serials(buffer.push([ev(1_000_002, T + 1000)]))).toEqual([1_000_000, 1_000_001]);
    });

    test('an empty answer changes nothing', () => {
      const buffer = new PyPIBuffer(1_000_000);
      expect(buffer.push([])).toEqual([]);
      expect(buffer.nextSerial).toBe(998_000);
      expect(buffer.serial).toBe(1_000_000);
    });
  });

  describe('holdSeconds 0 (the development master): nothing is held', () => {
    test('every event read from the requested serial on is yielded at once, by (timestamp, serial), and reading goes on after the last', () => {
      const buffer = new PyPIBuffer(1_000_000, { holdSeconds: 0 });
      const ready = buffer.push([ev(999_999, T), ev(1_000_000, T + 5), ev(1_000_001, T + 3), ev(1_000_002, T + 5)]);
      expect(serials(ready)).toEqual([1_000_001, 1_000_000, 1_000_002]);
      expect(buffer.serial).toBe(1_000_003);
      expect(buffer.size).toBe(0);
      expect(buffer.push([])).toEqual([]);
      expect(serials(buffer.push([ev(1_000_002, T + 5), ev(1_000_004, T + 1)]))).toEqual([1_000_004]);
      expect(buffer.serial).toBe(1_000_005);
    });

    test('still yields nothing before the epoch', () => {
      const buffer = new PyPIBuffer(0, { holdSeconds: 0 });
      expect(buffer.push([ev(1, T), ev(PYPI_EPOCH, T + 1)])).toEqual([]);
      expect(serials(buffer.push([ev(PYPI_EPOCH + 1, T + 2)]))).toEqual([1, PYPI_EPOCH, PYPI_EPOCH + 1]);
    });
  });
});
