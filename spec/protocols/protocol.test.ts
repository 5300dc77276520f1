/**
 * The transport layer's checks, spec/behaviours.md 1–10, with 0.18's messages word for word (protocols/README.md §1.3).
 */
import {
  encodeCbor,
  fileJugglerFsProtocol,
  masterControlProtocol,
  monitorControlProtocol,
  mrChaseProtocol,
  OpaqueTag,
  oracleProtocol,
  ProtocolError,
  slaveClientProtocol,
  slaveDriverProtocol,
  statsProtocol,
  TimeDelta,
  type ProtocolErrorCode,
} from '../../protocols/index.js';
import { built, slaveStats } from './samples.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

function refusal(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

function expectRefusal(fn: () => unknown, code: ProtocolErrorCode, message: string, verb?: string): void {
  const err = refusal(fn);
  expect({ code: err.code, message: err.message, verb: err.verb }).toEqual({ code, message, verb });
}

describe('spec/behaviours.md 1: no data is a bare CBOR string, data is [verb, data]', () => {
  test('SENT encodes to 64 53454e54 (protocols/README.md §1.1)', () => {
    expect(slaveClientProtocol.encode({ verb: 'SENT' })).toEqual(hex('64 53454e54'));
  });

  test('["SLEEP", false] encodes to 82 65 534c454550 f4', () => {
    expect(slaveDriverProtocol.encode({ verb: 'SLEEP', data: false })).toEqual(hex('82 65534c454550 f4'));
  });

  test('null data is still data: ["KILL", null]', () => {
    const frame = monitorControlProtocol.encode({ verb: 'KILL', data: null });
    expect(frame).toEqual(hex('82 644b494c4c f6'));
    expect(masterControlProtocol.decode(frame)).toEqual({ verb: 'KILL', data: null });
  });

  test('BUILD carries one data item, not a flat list', () => {
    const frame = slaveDriverProtocol.encode({ verb: 'BUILD', data: ['numpy', '1.14.0'] });
    expect(frame).toEqual(encodeCbor(['BUILD', ['numpy', '1.14.0']]));
    expectRefusal(() => slaveClientProtocol.decode(encodeCbor(['BUILD', 'numpy', '1.14.0'])), 'PIW_ERR_STRUCTURE', 'invalid message structure received');
  });

  test('a no-data verb decodes to no data', () => {
    expect(slaveDriverProtocol.decode(hex('64 53454e54'))).toEqual({ verb: 'SENT' });
  });
});

describe('spec/behaviours.md 2, 3: data where none belongs, none where it must be', () => {
  test('a bare string for a verb that needs data: "missing data for: X"', () => {
    expectRefusal(() => slaveDriverProtocol.decode(encodeCbor('IDLE')), 'PIW_ERR_MISSING_DATA', 'missing data for: IDLE', 'IDLE');
    expectRefusal(() => masterControlProtocol.decode(encodeCbor('KILL')), 'PIW_ERR_MISSING_DATA', 'missing data for: KILL', 'KILL');
  });

  test('[verb, data] for a no-data verb: "data not expected for: X"', () => {
    expectRefusal(() => slaveDriverProtocol.decode(encodeCbor(['BYE', null])), 'PIW_ERR_UNEXPECTED_DATA', 'data not expected for: BYE', 'BYE');
  });

  test('sending without data: "data must be specified for X"; with data for none: "no data expected for X"', () => {
    expectRefusal(() => slaveDriverProtocol.encode({ verb: 'ACK' } as never), 'PIW_ERR_MISSING_DATA', 'data must be specified for ACK', 'ACK');
    expectRefusal(() => slaveDriverProtocol.encode({ verb: 'CONT', data: null } as never), 'PIW_ERR_UNEXPECTED_DATA', 'no data expected for CONT', 'CONT');
  });
});

describe('spec/behaviours.md 4: an unknown verb, on send and on receive', () => {
  test.each(['FOO', 'idle', 'constructor', '__proto__', 'toString', ''])('%j', (verb) => {
    expectRefusal(() => slaveClientProtocol.encode({ verb } as never), 'PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${verb}`, verb);
    expectRefusal(() => slaveDriverProtocol.decode(encodeCbor(verb)), 'PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${verb}`, verb);
    expectRefusal(() => slaveDriverProtocol.decode(encodeCbor([verb, 1])), 'PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${verb}`, verb);
  });

  test('a verb of the other direction is unknown: the master cannot send IDLE', () => {
    expectRefusal(() => slaveDriverProtocol.encode({ verb: 'IDLE', data: slaveStats } as never), 'PIW_ERR_UNKNOWN_MESSAGE', 'unknown message: IDLE', 'IDLE');
  });
});

describe('spec/behaviours.md 5: a frame that is not CBOR: "unable to deserialize data"', () => {
  test.each([
    ['empty', ''],
    ['truncated array', '82 64 49444c45'],
    ['truncated string', '65 534c4545'],
    ['trailing bytes', '64 53454e54 00'],
    ['two items', '64 53454e54 64 53454e54'],
    ['a lone break', 'ff'],
    ['reserved additional information', '1c'],
    ['invalid UTF-8 verb', '62 c328'],
    ['JSON text', Buffer.from('["IDLE", null]').toString('hex')],
    ['an impossible date', 'c0 74 323032302d30322d33305431323a30303a30305a'],
    ['a timedelta that is not [d, s, us]', '82 6542554c54 84 f5 d907d1 82 00 00 60 80'],
  ])('%s', (_what, frame) => {
    expectRefusal(() => slaveDriverProtocol.decode(hex(frame)), 'PIW_ERR_DESERIALIZE', 'unable to deserialize data');
  });
});

describe('spec/behaviours.md 6: neither a string nor a 2-item sequence: "invalid message structure received"', () => {
  test.each([
    ['an integer', 5],
    ['null', null],
    ['an empty list', []],
    ['a 1-item list', ['IDLE']],
    ['a 3-item list', ['IDLE', 1, 2]],
    ['a map', { IDLE: 1 }],
    ['a verb that is not a string', [1, 2]],
    ['a set of two', new Set(['IDLE', 1])],
  ])('%s', (_what, item) => {
    expectRefusal(() => slaveDriverProtocol.decode(encodeCbor(item)), 'PIW_ERR_STRUCTURE', 'invalid message structure received');
  });
});

describe('spec/behaviours.md 7: an unknown tag decodes opaque and fails validation', () => {
  test.each([
    ['tag 37 (UUID to cbor2)', 37, new Uint8Array(16)],
    ['tag 4 (decimal)', 4, [-2, 27315]],
    ['tag 260 (IP address)', 260, new Uint8Array([127, 0, 0, 1])],
    ['cbor-x tag 259 (Map)', 259, { cp311: 1 }],
    ['cbor-x tag 28 (shareable)', 28, { cp311: 1 }],
    ['cbor-x tag 105 (record)', 105, [0xe000, ['cp311'], 1]],
  ])('%s', (_what, tag, value) => {
    const frame = encodeCbor(['STATBQ', new OpaqueTag(tag, value)]);
    const err = refusal(() => statsProtocol.decode(frame));
    expect(err.code).toBe('PIW_ERR_INVALID_DATA');
    expect(err.message).toMatch(/^invalid data for STATBQ: expected dict/);
  });

  test('where a protocol takes anything (Extra), the opaque tag is kept and forwarded as it came', () => {
    const frame = encodeCbor(['OK', new OpaqueTag(40000, [1, 'x'])]);
    const got = fileJugglerFsProtocol.mirror().decode(frame);
    expect(got.data).toEqual(new OpaqueTag(40000, [1, 'x']));
    expect(fileJugglerFsProtocol.encode(got as never)).toEqual(frame);
  });
});

describe('spec/behaviours.md 8: timedelta round-trips via tag 2001 [days, seconds, microseconds]', () => {
  test('BUILT duration 75.5 s is d907d1 83 00 18 4b 1a 0007a120', () => {
    const frame = slaveClientProtocol.encode({ verb: 'BUILT', data: built as never });
    expect(frame.toString('hex')).toContain('d907d18300184b1a0007a120');
    const got = slaveDriverProtocol.decode(frame);
    expect((got.data as unknown[])[1]).toEqual(new TimeDelta(0, 75, 500000));
  });

  test('a negative duration is normalised like Python: -1 s is [-1, 86399, 0]', () => {
    const frame = oracleProtocol.mirror().encode({ verb: 'LOGBUILD', data: [1, 'foo', '0.1', 'cp311', false, new TimeDelta(0, -1), '', []] });
    expect(frame.toString('hex')).toContain('d907d18320' + '1a0001517f' + '00');
  });
});

describe('spec/behaviours.md 9: data that does not match the schema raises before anything is sent', () => {
  test('the error names the verb and the field, and no frame is produced', () => {
    const sent: Buffer[] = [];
    const send = (frame: Buffer) => sent.push(frame);
    const bad = slaveStats.map((x, i) => (i === 1 ? 1.5 : x));
    expectRefusal(() => send(slaveClientProtocol.encode({ verb: 'IDLE', data: bad as never })), 'PIW_ERR_INVALID_DATA', 'invalid data for IDLE: expected int @ data[1]', 'IDLE');
    expect(sent).toEqual([]);
  });

  test('valid data with no CBOR form: "unable to serialize data"', () => {
    expectRefusal(() => slaveDriverProtocol.encode({ verb: 'SEND', data: 'half a surrogate \ud800.whl' }), 'PIW_ERR_SERIALIZE', 'unable to serialize data', 'SEND');
    expectRefusal(() => fileJugglerFsProtocol.encode({ verb: 'OK', data: { run: () => 1 } }), 'PIW_ERR_SERIALIZE', 'unable to serialize data', 'OK');
  });
});

describe('spec/behaviours.md 10: a ROUTER message must be exactly [address, empty, payload]', () => {
  const address = Buffer.from([0, 0x6b, 0x8b, 0x45, 0x67]);

  test('encodeAddressed and decodeAddressed frame a REQ peer\'s conversation', () => {
    const frames = slaveClientProtocol.encodeAddressed(address, { verb: 'SENT' });
    expect(frames).toEqual([address, Buffer.alloc(0), hex('64 53454e54')]);
    const { address: from, msg } = slaveDriverProtocol.decodeAddressed(frames);
    expect(from).toEqual(address);
    expect(msg).toEqual({ verb: 'SENT' });
  });

  test.each([
    ['two frames', [address, hex('64 53454e54')]],
    ['four frames', [address, Buffer.alloc(0), hex('64 53454e54'), Buffer.alloc(0)]],
    ['no frames', []],
    ['a non-empty delimiter', [address, Buffer.from('x'), hex('64 53454e54')]],
  ])('%s', (_what, frames) => {
    expectRefusal(() => slaveDriverProtocol.decodeAddressed(frames), 'PIW_ERR_STRUCTURE', 'invalid message structure received');
  });

  test('a well-framed payload is still checked like any other', () => {
    expectRefusal(() => mrChaseProtocol.decodeAddressed([address, Buffer.alloc(0), hex('ff')]), 'PIW_ERR_DESERIALIZE', 'unable to deserialize data');
  });
});

describe('hostile input', () => {
  test('a frame of half a million bad items is refused with its first fault alone', () => {
    const frame = encodeCbor(['SAVERWP', Array.from({ length: 500_000 }, () => 1)]);
    expectRefusal(() => oracleProtocol.decode(frame), 'PIW_ERR_INVALID_DATA', 'invalid data for SAVERWP: expected a sequence of exactly 3 @ data[0]', 'SAVERWP');
  });

  test('issue 11: a HELLO whose data is a 64 MiB bignum is refused at once as invalid data, its digits never written out', () => {
    const frame = Buffer.concat([hex('82 6548454c4c4f c2 5a04000000'), Buffer.alloc(64 << 20, 0xa5)]);
    expectRefusal(() => slaveDriverProtocol.decode(frame), 'PIW_ERR_INVALID_DATA', 'invalid data for HELLO: expected a sequence of exactly 10', 'HELLO');
  });

  test('issue 11: an unknown verb of a megabyte is named in a few dozen characters, never whole', () => {
    const verb = 'X'.repeat(1 << 20);
    for (const frame of [encodeCbor(verb), encodeCbor([verb, 1])]) {
      const err = refusal(() => slaveDriverProtocol.decode(frame));
      expect(err.code).toBe('PIW_ERR_UNKNOWN_MESSAGE');
      expect(err.message).toMatch(/^unknown message: X{32}… \(1048576 characters\)$/);
      expect(err.verb!.length).toBeLessThan(100);
    }
  });
});
