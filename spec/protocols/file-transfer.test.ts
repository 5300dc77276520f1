/**
 * The file-transfer frames of protocols/README.md §6: raw ZeroMQ frames, ASCII decimal numbers, no CBOR. (The
 * Python round trips check the same helpers against frames a 0.18 slave and master build.)
 */
import {
  chunkFrames,
  chunkSizeFor,
  CHUNK_SIZE,
  formatMasterFrames,
  helloFrames,
  parseClientFrames,
  parseMasterFrames,
  PIPELINE_SIZE,
  pipelineSizeFor,
  ProtocolError,
} from '../../protocols/index.js';

const ascii = (...frames: string[]) => frames.map((f) => Buffer.from(f, 'latin1'));

test('chunk size 65536 and a pipeline of 10 (protocols/README.md §6, §7)', () => {
  expect(CHUNK_SIZE).toBe(65536);
  expect(PIPELINE_SIZE).toBe(10);
});

test('0.18\'s 64 KiB × 10 below 16 MiB; 256 KiB chunks from there, 6 in flight (1.5 MiB)', () => {
  expect(chunkSizeFor((16 << 20) - 1)).toBe(65536);
  expect(chunkSizeFor(16 << 20)).toBe(256 << 10);
  expect(pipelineSizeFor(65536)).toBe(10);
  expect(pipelineSizeFor(256 << 10)).toBe(6);
  expect(pipelineSizeFor(1 << 20)).toBe(1);
  expect(pipelineSizeFor(4 << 20)).toBe(1);
  expect(pipelineSizeFor(64 << 20)).toBe(1);
});

describe('slave → master', () => {
  test('HELLO <slave_id> is two frames of ASCII', () => {
    expect(helloFrames(42)).toEqual(ascii('HELLO', '42'));
    expect(parseClientFrames(ascii('HELLO', '42'))).toEqual({ verb: 'HELLO', slaveId: 42 });
  });

  test('CHUNK echoes the offset frame as received, then the bytes', () => {
    const data = Buffer.from([0, 1, 2, 255]);
    const frames = chunkFrames(Buffer.from('65536'), data);
    expect(frames).toEqual([Buffer.from('CHUNK'), Buffer.from('65536'), data]);
    expect(parseClientFrames(frames)).toEqual({ verb: 'CHUNK', offset: 65536, offsetFrame: Buffer.from('65536'), data });
  });

  test('an empty chunk is still a chunk', () => {
    expect(parseClientFrames([Buffer.from('CHUNK'), Buffer.from('0'), Buffer.alloc(0)])).toMatchObject({ offset: 0 });
  });
});

describe('master → slave', () => {
  test('the 123 456-byte example: FETCH 0 65536, FETCH 65536 57920, DONE', () => {
    expect(formatMasterFrames({ verb: 'FETCH', offset: 0, length: 65536 })).toEqual(ascii('FETCH', '0', '65536'));
    expect(formatMasterFrames({ verb: 'FETCH', offset: 65536, length: 57920 })).toEqual(ascii('FETCH', '65536', '57920'));
    expect(formatMasterFrames({ verb: 'DONE' })).toEqual(ascii('DONE'));
    expect(parseMasterFrames(ascii('FETCH', '65536', '57920'))).toEqual({ verb: 'FETCH', offset: 65536, length: 57920 });
    expect(parseMasterFrames(ascii('DONE'))).toEqual({ verb: 'DONE' });
  });

  test('offsets past 4 GiB', () => {
    expect(parseMasterFrames(ascii('FETCH', '8589934592', '65536'))).toEqual({ verb: 'FETCH', offset: 2 ** 33, length: 65536 });
  });
});

describe('malformed frames are a ProtocolError, never a crash', () => {
  test.each([
    ['no frames', []],
    ['an unknown verb', ascii('HELO', '1')],
    ['a lower-case verb', ascii('hello', '1')],
    ['HELLO without an id', ascii('HELLO')],
    ['HELLO with an extra frame', ascii('HELLO', '1', '2')],
    ['a negative id', ascii('HELLO', '-1')],
    ['an id with a sign', ascii('HELLO', '+1')],
    ['an id with spaces', ascii('HELLO', ' 1')],
    ['an id with leading zeros', ascii('HELLO', '01')],
    ['an id in exponent form', ascii('HELLO', '1e3')],
    ['an empty id', ascii('HELLO', '')],
    ['an id past 2^53', ascii('HELLO', '9007199254740993')],
    ['a 17-digit id', ascii('HELLO', '12345678901234567')],
    ['CHUNK without data', ascii('CHUNK', '0')],
    ['CHUNK with a bad offset', ascii('CHUNK', 'x', 'data')],
  ])('from a slave: %s', (_what, frames) => {
    expect(() => parseClientFrames(frames)).toThrow(ProtocolError);
  });

  test.each([
    ['no frames', []],
    ['FETCH without a length', ascii('FETCH', '0')],
    ['FETCH with a bad length', ascii('FETCH', '0', '-5')],
    ['DONE with data', ascii('DONE', '0')],
    ['a slave\'s verb', ascii('CHUNK', '0', 'x')],
  ])('from the master: %s', (_what, frames) => {
    expect(() => parseMasterFrames(frames)).toThrow(ProtocolError);
  });

  test('the error names the problem', () => {
    const err = (() => {
      try {
        parseClientFrames(ascii('HELLO', 'abc'));
      } catch (e) {
        return e as ProtocolError;
      }
      throw new Error('not thrown');
    })();
    expect(err.code).toBe('PIW_ERR_INVALID_DATA');
    expect(err.message).toBe('invalid slave id: "abc"');
  });
});
