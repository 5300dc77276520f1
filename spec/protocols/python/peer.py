#!/usr/bin/python3
"""
A piwheels 0.18 peer for the tests, one process per test file: one JSON request per line on stdin, one JSON
reply per line on stdout, in order. Values travel as typed trees (pywire.to_typed / from_typed).

Requests ({"op": ...}):
  load      {protocol, side, hex}        0.18's recv_msg on `side`: {ok, verb, data?} | {ok: false, error}
  dump      {protocol, side, verb, data?} 0.18's send_msg on `side`: {ok, hex} | {ok: false, error}
  dumps     {value, datetime_as_timestamp?} cbor2 bytes of a value, no schema: {ok, hex}
  loads     {hex}                        the value cbor2 decodes: {ok, value} | {ok: false, error}
  slave_hello {slave_id}                 the frames a 0.18 slave opens a file transfer with
  slave_fetch {frames, file}             a 0.18 slave's answer to FETCH / DONE: {ok, frames | done}
  master_read {frames}                   how a 0.18 master reads HELLO / CHUNK frames
  master_fetch {offset, length} | {done} the frames a 0.18 master sends
"""

import json
import sys

from pywire import from_typed, dump_msg, dumps, load_msg, loads, protocol, to_typed


def unhex(frames):
    return [bytes.fromhex(f) for f in frames]


def op_load(req):
    buf = bytes.fromhex(req['hex'])
    verb, data = load_msg(protocol(req['protocol'], req['side']), buf)
    reply = {'ok': True, 'verb': verb}
    if not isinstance(loads(buf), str):  # 0.18 returns None for both the bare form and [verb, None]
        reply['data'] = to_typed(data)
    return reply


def op_dump(req):
    proto = protocol(req['protocol'], req['side'])
    if 'data' in req:
        buf = dump_msg(proto, req['verb'], from_typed(req['data']))
    else:
        buf = dump_msg(proto, req['verb'])
    return {'ok': True, 'hex': buf.hex()}


def op_dumps(req):
    options = {'datetime_as_timestamp': True} if req.get('datetime_as_timestamp') else {}
    return {'ok': True, 'hex': dumps(from_typed(req['value']), **options).hex()}


def op_loads(req):
    return {'ok': True, 'value': to_typed(loads(bytes.fromhex(req['hex'])))}


def op_slave_hello(req):
    # piwheels/slave/builder.py Wheel.transfer: the first (and every 5 s retry) frame pair
    return {'ok': True, 'frames': [b'HELLO'.hex(), str(req['slave_id']).encode('ascii').hex()]}


def op_slave_fetch(req):
    # Wheel.transfer: DONE ends the transfer; FETCH offset size -> CHUNK <offset as received> <data>
    data = bytes.fromhex(req['file'])
    msg, *args = unhex(req['frames'])
    if msg == b'DONE':
        return {'ok': True, 'done': True}
    if msg != b'FETCH':
        raise IOError('unexpected %r' % msg)
    offset, size = args
    chunk = data[int(offset):int(offset) + int(size)]
    return {'ok': True, 'frames': [b'CHUNK'.hex(), offset.hex(), chunk.hex()]}


def op_master_read(req):
    # FileJuggler.handle_file: HELLO <slave_id> starts a transfer; CHUNK <offset> <data> fills it
    msg, *args = unhex(req['frames'])
    if msg == b'HELLO':
        (slave_id,) = args
        return {'ok': True, 'verb': 'HELLO', 'slave_id': int(slave_id)}
    if msg == b'CHUNK':
        offset, data = args
        return {'ok': True, 'verb': 'CHUNK', 'offset': int(offset), 'data': data.hex()}
    raise IOError('unexpected %r' % msg)


def op_master_fetch(req):
    if req.get('done'):
        return {'ok': True, 'frames': [b'DONE'.hex()]}
    return {'ok': True, 'frames': [
        b'FETCH'.hex(), str(req['offset']).encode('ascii').hex(), str(req['length']).encode('ascii').hex(),
    ]}


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith('op_')}


def main():
    for line in sys.stdin:
        req = json.loads(line)
        try:
            reply = OPS[req['op']](req)
        except Exception as e:  # the test decides whether an error was expected
            reply = {'ok': False, 'error': str(e), 'type': type(e).__name__}
        sys.stdout.write(json.dumps(reply, ensure_ascii=False) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
