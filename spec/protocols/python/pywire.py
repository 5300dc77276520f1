"""
A piwheels 0.18 peer's view of the wire, for the tests: cbor2 with 0.18's transport conventions
(transport.py's default_encoder/default_decoder), the voluptuous schemas of the protocols our Python peers
speak, transcribed from protocols/README.md, and 0.18's send_msg/recv_msg checks.

Plus a "typed tree": a JSON form of Python values that keeps their exact types (int vs float vs bool,
aware datetime, timedelta, set, NoData), so the TypeScript side can compare what Python sees.

Run with Debian's /usr/bin/python3 (python3-cbor2, python3-voluptuous).
"""

import datetime as dt
import math

import cbor2
from voluptuous import Any, ExactSequence, Extra, Invalid, Schema

UTC = dt.timezone.utc


class _NoData:
    # 0.18's singleton for "this message has no data" (protocols.py)
    __slots__ = ()

    def __repr__(self):
        return 'NoData'


NoData = _NoData()


def default_encoder(encoder, value):
    # transport.py: timedelta -> tag 2001 [days, seconds, microseconds]; NoData -> tag 2002 null
    if isinstance(value, dt.timedelta):
        encoder.encode(cbor2.CBORTag(2001, (value.days, value.seconds, value.microseconds)))
    elif value is NoData:
        encoder.encode(cbor2.CBORTag(2002, None))
    else:
        raise cbor2.CBOREncodeError('cannot serialize type %s' % value.__class__.__name__)


def default_decoder(decoder, tag, shareable_index=None):
    if tag.tag == 2001:
        days, seconds, microseconds = tag.value
        return dt.timedelta(days=days, seconds=seconds, microseconds=microseconds)
    elif tag.tag == 2002:
        return NoData
    return tag


def dumps(value, **kwargs):
    return cbor2.dumps(value, default=default_encoder, **kwargs)


def loads(buf):
    return cbor2.loads(buf, tag_hook=default_decoder)


# -- schemas (protocols/README.md §3, §4) ------------------------------------------------------------------------

def utc_datetime(value):
    # 0.18 checks isinstance(value, datetime); every timestamp in the system is also UTC-aware (§1.2)
    if not isinstance(value, dt.datetime):
        raise Invalid('expected datetime')
    if value.utcoffset() != dt.timedelta(0):
        raise Invalid('expected a UTC-aware datetime')
    return value


_master_hello = ExactSequence([utc_datetime, str, str, str, str, str])

_master_stats = ExactSequence([
    utc_datetime, int, {str: int}, dt.timedelta, int, {str: int}, int, int, int, int, int,
    int, int, int, int, int, int, float, float,
])

_slave_hello = ExactSequence([dt.timedelta, dt.timedelta, str, str, str, str, str, str, str, str])

_slave_stats = ExactSequence([utc_datetime, int, int, int, int, int, int, float, float])

_file_state = ExactSequence([str, int, str, str, str, str, str, str, {str: [str]}])

_build_state = ExactSequence([int, str, str, str, bool, dt.timedelta, str, [_file_state]])

_download_state = ExactSequence([str, str, utc_datetime] + [Any(str, None)] * 10)
_search_state = _download_state
_hit_state = ExactSequence([str, str, utc_datetime, str])


class Protocol:
    def __init__(self, recv=None, send=None):
        compile_ = lambda spec: {
            msg: NoData if schema is NoData else Schema(schema) for msg, schema in (spec or {}).items()
        }
        self.recv = compile_(recv)
        self.send = compile_(send)

    def __reversed__(self):
        p = Protocol()
        p.recv, p.send = self.send, self.recv
        return p


PROTOCOLS = {
    'slave_driver': Protocol(recv={
        'HELLO': _slave_hello,
        'BYE': NoData,
        'IDLE': _slave_stats,
        'BUSY': _slave_stats,
        'BUILT': ExactSequence([bool, dt.timedelta, str, [_file_state]]),
        'SENT': NoData,
    }, send={
        'ACK': ExactSequence([int, str]),
        'SLEEP': bool,
        'BUILD': ExactSequence([str, str]),
        'CONT': NoData,
        'SEND': str,
        'DONE': NoData,
        'DIE': NoData,
    }),
    'mr_chase': Protocol(recv={
        'IMPORT': _build_state,
        'REMOVE': ExactSequence([str, Any(str, None), str]),
        'REBUILD': Any(
            ExactSequence(['HOME']),
            ExactSequence(['SEARCH']),
            ExactSequence(['PROJECT', Any(str, None)]),
            ExactSequence(['BOTH', Any(str, None)]),
        ),
        'SENT': NoData,
    }, send={
        'SEND': str,
        'ERROR': str,
        'DONE': NoData,
    }),
    # piwheels 0.19+'s mr_chase (piw-add's verbs, DONE carrying the action), from its protocols.py
    'mr_chase_019': Protocol(recv={
        'ADDPKG': ExactSequence([str, str, str, bool, [str]]),
        'ADDVER': ExactSequence([str, str, str, bool, utc_datetime, bool, bool, [str]]),
    }, send={
        'SEND': str,
        'ERROR': str,
        'DONE': str,
    }),
    'monitor_stats': Protocol(send={
        'HELLO': _master_hello,
        'STATS': _master_stats,
        'SLAVE': ExactSequence([int, utc_datetime, str, Extra]),
    }),
    'master_control': Protocol(recv={
        'HELLO': NoData,
        'KILL': Any(int, None),
        'SLEEP': Any(int, None),
        'SKIP': Any(int, None),
        'WAKE': Any(int, None),
        'QUIT': NoData,
    }),
    'lumberjack': Protocol(recv={
        'LOGDOWNLOAD': _download_state,
        'LOGSEARCH': _search_state,
        'LOGPROJECT': _hit_state,
        'LOGJSON': _hit_state,
        'LOGPAGE': _hit_state,
    }),
}


def protocol(name, side):
    """`binding` is the protocol as declared (master side); `mirror` is reversed(), the client's view."""
    p = PROTOCOLS[name]
    return p if side == 'binding' else reversed(p)


# -- 0.18's transport.Socket.dump_msg / load_msg, word for word in behaviour -------------------------------

def dump_msg(proto, msg, data=NoData):
    try:
        schema = proto.send[msg]
    except KeyError:
        raise IOError('unknown message: %s' % msg)
    if data is NoData:
        if schema is not NoData:
            raise IOError('data must be specified for %s' % msg)
        return dumps(msg)
    if schema is NoData:
        raise IOError('no data expected for %s' % msg)
    try:
        data = schema(data)
    except Invalid as e:
        raise IOError('invalid data for %s: %s' % (msg, e))
    try:
        return dumps((msg, data))
    except cbor2.CBOREncodeError:
        raise IOError('unable to serialize data')


def load_msg(proto, buf):
    try:
        msg = loads(buf)
    except cbor2.CBORDecodeError:
        raise IOError('unable to deserialize data')
    if isinstance(msg, str):
        try:
            schema = proto.recv[msg]
        except KeyError:
            raise IOError('unknown message: %s' % msg)
        if schema is NoData:
            return msg, None
        raise IOError('missing data for: %s' % msg)
    try:
        msg, data = msg
    except (TypeError, ValueError):
        raise IOError('invalid message structure received')
    try:
        schema = proto.recv[msg]
    except KeyError:
        raise IOError('unknown message: %s' % msg)
    if schema is NoData:
        raise IOError('data not expected for: %s' % msg)
    try:
        return msg, schema(data)
    except Invalid as e:
        raise IOError('invalid data for %s: %s' % (msg, e))


# -- typed trees ---------------------------------------------------------------------------------------------

def to_typed(value):
    """A JSON-able tree naming each value's exact Python type."""
    if value is NoData:
        return {'nodata': None}
    if value is None:
        return {'none': None}
    if isinstance(value, bool):
        return {'bool': value}
    if isinstance(value, int):
        return {'int': str(value)}
    if isinstance(value, float):
        return {'float': value if math.isfinite(value) else repr(value)}
    if isinstance(value, str):
        return {'str': value}
    if isinstance(value, bytes):
        return {'bytes': value.hex()}
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return {'naive_datetime': value.isoformat()}
        return {'datetime': value.astimezone(UTC).isoformat()}
    if isinstance(value, dt.timedelta):
        return {'timedelta': [value.days, value.seconds, value.microseconds]}
    if isinstance(value, (list, tuple)):  # ExactSequence and cbor2 treat them alike
        return {'list': [to_typed(v) for v in value]}
    if isinstance(value, dict):
        return {'dict': [[to_typed(k), to_typed(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {'set': [to_typed(v) for v in value]}
    if isinstance(value, cbor2.CBORTag):
        return {'tag': value.tag, 'value': to_typed(value.value)}
    return {'other': repr(value)}


def from_typed(tree, immutable=False):
    """The Python value a typed tree names (inside a set, lists become tuples as cbor2 decodes them)."""
    if 'tag' in tree:
        return cbor2.CBORTag(tree['tag'], from_typed(tree['value'], immutable))
    (kind, value), = tree.items()
    if kind == 'nodata':
        return NoData
    if kind == 'none':
        return None
    if kind == 'bool':
        return bool(value)
    if kind == 'int':
        return int(value)
    if kind == 'float':
        return float(value)
    if kind == 'str':
        return value
    if kind == 'bytes':
        return bytes.fromhex(value)
    if kind == 'datetime':
        result = dt.datetime.fromisoformat(value)
        assert result.tzinfo is not None, value
        return result
    if kind == 'timedelta':
        return dt.timedelta(days=value[0], seconds=value[1], microseconds=value[2])
    if kind == 'list':
        items = [from_typed(v, immutable) for v in value]
        return tuple(items) if immutable else items
    if kind == 'dict':
        return {from_typed(k, True): from_typed(v, immutable) for k, v in value}
    if kind == 'set':
        return {from_typed(v, True) for v in value}
    raise ValueError('no Python value for %r' % (tree,))
