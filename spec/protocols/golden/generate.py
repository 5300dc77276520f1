#!/usr/bin/python3
"""
Writes the golden vectors next to this script: the bytes a piwheels 0.18 peer (Python cbor2 with 0.18's
transport conventions, see ../python/pywire.py) puts on the wire for each message and value.

  /usr/bin/python3 spec/protocols/golden/generate.py

The output is committed; the tests never derive golden bytes from our own encoder. Each entry keeps the
values as a typed tree (pywire.to_typed) so the TypeScript test can rebuild them without guessing types.
"""

import datetime as dt
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'python'))

import cbor2  # noqa: E402
from pywire import NoData, UTC, dump_msg, dumps, loads, protocol, to_typed  # noqa: E402

TS = dt.datetime(2020, 9, 15, 12, 0, 0, tzinfo=UTC)
TS_US = dt.datetime(2020, 9, 15, 12, 0, 1, 123456, tzinfo=UTC)

SLAVE_HELLO = [
    dt.timedelta(hours=3), dt.timedelta(minutes=5), '311', 'cp311', 'linux_armv7l', 'pi4-builder-1',
    'Raspbian GNU/Linux', '11 (bullseye)', 'c03112', '100000001234abcd',
]
# disk sizes above 2**32; the load average and temperature are whole floats: they must stay floats
SLAVE_STATS_WHOLE = [TS_US, 31268966400, 20120256512, 3978182656, 3311009792, 104853504, 104853504, 1.0, 60.0]
SLAVE_STATS = [TS, 31268966400, 20120256512, 3978182656, 3311009792, 104853504, 0, 0.52, 48.312]

FILE_1 = [
    'numpy-1.19.2-cp311-cp311-linux_armv7l.whl', 13431412,
    'b34bcbd0aea3b5d2bf86d1e5fa1ffcd2e2dfe4c7f4bf7fcb5c4d1ac2a6a9f3d1',
    'numpy', '1.19.2', 'cp311', 'cp311', 'linux_armv7l',
    {'apt': ['libatlas3-base', 'libc6', 'libgfortran5'], '': ['/opt/vc/lib/libbcm_host.so']},
]
FILE_2 = [
    'numpy-1.19.2-py3-none-any.whl', 2048,
    '0f343b0931126a20f133d67c2b018a3b6e0dd3b0e7d1dc7dbb0e2c1c8f0a1b2c',
    'numpy', '1.19.2', 'py3', 'none', 'any', {},
]

MASTER_STATS = [
    TS, 123456, {'cp311': 12, 'cp39': 3}, dt.timedelta(days=1, seconds=3600, microseconds=250000),
    5000000000, {'cp311': 40, 'cp39': 0}, 7, 654321, 100, 3000000, 9876543210,
    1000000000000, 500000000000, 8000000000, 6000000000, 2000000000, 2000000000, 1.0, 55.5,
]

DOWNLOAD = [
    'numpy-1.19.2-cp311-cp311-linux_armv7l.whl', '2001:db8::1', TS_US, 'armv7l', 'Raspbian GNU/Linux',
    '11', 'Linux', '5.10.63-v7+', 'CPython', '3.11.2', 'pip', '23.0.1', None,
]

# (name, protocol, sending side, verb, data); sending side 'binding' = the master's send map, 'mirror' = the
# client's (reversed(protocol) in 0.18)
MESSAGES = [
    ('HELLO', 'slave_driver', 'mirror', 'HELLO', SLAVE_HELLO),
    ('ACK', 'slave_driver', 'binding', 'ACK', [1, 'https://pypi.org/simple']),
    ('IDLE', 'slave_driver', 'mirror', 'IDLE', SLAVE_STATS),
    ('IDLE whole floats', 'slave_driver', 'mirror', 'IDLE', SLAVE_STATS_WHOLE),
    ('SLEEP paused', 'slave_driver', 'binding', 'SLEEP', True),
    ('SLEEP nothing to do', 'slave_driver', 'binding', 'SLEEP', False),
    ('BUILD', 'slave_driver', 'binding', 'BUILD', ['numpy', '1.19.2']),
    ('BUSY', 'slave_driver', 'mirror', 'BUSY', SLAVE_STATS_WHOLE),
    ('CONT', 'slave_driver', 'binding', 'CONT', NoData),
    ('BUILT two files', 'slave_driver', 'mirror', 'BUILT',
     [True, dt.timedelta(minutes=12, seconds=3, microseconds=512345), 'Collecting numpy==1.19.2\n...', [FILE_1, FILE_2]]),
    ('BUILT failed', 'slave_driver', 'mirror', 'BUILT', [False, dt.timedelta(seconds=7), 'error: no compiler', []]),
    ('SEND', 'slave_driver', 'binding', 'SEND', FILE_1[0]),
    ('SENT', 'slave_driver', 'mirror', 'SENT', NoData),
    ('DONE', 'slave_driver', 'binding', 'DONE', NoData),
    ('DIE', 'slave_driver', 'binding', 'DIE', NoData),
    ('BYE', 'slave_driver', 'mirror', 'BYE', NoData),

    ('IMPORT', 'mr_chase', 'mirror', 'IMPORT',
     [0, 'numpy', '1.19.2', 'cp311', True, dt.timedelta(0), 'Imported build', [FILE_1]]),
    ('REMOVE version', 'mr_chase', 'mirror', 'REMOVE', ['numpy', '1.19.2', 'broken build']),
    ('REMOVE package', 'mr_chase', 'mirror', 'REMOVE', ['numpy', None, '']),
    ('REBUILD HOME', 'mr_chase', 'mirror', 'REBUILD', ['HOME']),
    ('REBUILD SEARCH', 'mr_chase', 'mirror', 'REBUILD', ['SEARCH']),
    ('REBUILD PROJECT', 'mr_chase', 'mirror', 'REBUILD', ['PROJECT', 'numpy']),
    ('REBUILD BOTH all', 'mr_chase', 'mirror', 'REBUILD', ['BOTH', None]),
    ('import SENT', 'mr_chase', 'mirror', 'SENT', NoData),
    ('import SEND', 'mr_chase', 'binding', 'SEND', FILE_1[0]),
    ('import ERROR', 'mr_chase', 'binding', 'ERROR', 'invalid ABI: cp27mu'),
    ('import DONE', 'mr_chase', 'binding', 'DONE', NoData),

    ('status HELLO', 'monitor_stats', 'binding', 'HELLO',
     [TS, 'piwheels-master', 'Raspbian GNU/Linux', '10 (buster)', 'c03111', '100000001234abcd']),
    ('status STATS', 'monitor_stats', 'binding', 'STATS', MASTER_STATS),
    ('SLAVE HELLO', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'HELLO', SLAVE_HELLO]),
    ('SLAVE STATS', 'monitor_stats', 'binding', 'SLAVE', [1, TS_US, 'STATS', SLAVE_STATS_WHOLE]),
    ('SLAVE ACK', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'ACK', [1, 'https://pypi.org/simple']]),
    ('SLAVE BUILD', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'BUILD', ['numpy', '1.19.2']]),
    ('SLAVE SEND', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'SEND', FILE_1[0]]),
    ('SLAVE SLEEP', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'SLEEP', False]),
    ('SLAVE DONE', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'DONE', NoData]),
    ('SLAVE DIE bye', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'DIE', NoData]),
    ('SLAVE DIE expired', 'monitor_stats', 'binding', 'SLAVE', [1, TS, 'DIE', None]),

    ('control HELLO', 'master_control', 'mirror', 'HELLO', NoData),
    ('control KILL one', 'master_control', 'mirror', 'KILL', 3),
    ('control KILL all', 'master_control', 'mirror', 'KILL', None),
    ('control SLEEP all', 'master_control', 'mirror', 'SLEEP', None),
    ('control SKIP', 'master_control', 'mirror', 'SKIP', 2),
    ('control WAKE', 'master_control', 'mirror', 'WAKE', None),
    ('control QUIT', 'master_control', 'mirror', 'QUIT', NoData),

    ('LOGDOWNLOAD', 'lumberjack', 'mirror', 'LOGDOWNLOAD', DOWNLOAD),
    ('LOGSEARCH', 'lumberjack', 'mirror', 'LOGSEARCH', ['numpy'] + DOWNLOAD[1:3] + [None] * 10),
    ('LOGPROJECT', 'lumberjack', 'mirror', 'LOGPROJECT', ['numpy', '192.0.2.7', TS, 'Mozilla/5.0']),
    ('LOGJSON', 'lumberjack', 'mirror', 'LOGJSON', ['numpy', '192.0.2.7', TS, 'pip/23.0.1']),
    ('LOGPAGE', 'lumberjack', 'mirror', 'LOGPAGE', ['faq.html', '192.0.2.7', TS, 'Mozilla/5.0']),
]

# Plain values, encoded with cbor2 + 0.18's default encoder (protocols/README.md §1.2).
VALUES = [
    ('uint 0', 0), ('uint 23', 23), ('uint 24', 24), ('uint 255', 255), ('uint 256', 256),
    ('uint 65535', 65535), ('uint 65536', 65536), ('uint 2^32-1', 2**32 - 1), ('uint 2^32', 2**32),
    ('uint 2^53', 2**53), ('uint 2^64-1', 2**64 - 1), ('bignum 2^64', 2**64), ('bignum 2^100+1', 2**100 + 1),
    ('nint -1', -1), ('nint -24', -24), ('nint -25', -25), ('nint -256', -256), ('nint -257', -257),
    ('nint -65537', -65537), ('nint -2^32', -2**32), ('nint -2^32-1', -2**32 - 1), ('nint -2^53', -2**53),
    ('nint -2^64', -2**64), ('negative bignum -2^64-1', -2**64 - 1),
    ('float 0.0', 0.0), ('float -0.0', -0.0), ('float 1.0', 1.0), ('float 60.0', 60.0), ('float 1.5', 1.5),
    ('float 0.1', 0.1), ('float 1e300', 1e300), ('float 2^53 as float', float(2**53)),
    ('float nan', float('nan')), ('float inf', float('inf')), ('float -inf', float('-inf')),
    ('text empty', ''), ('text ascii', 'numpy'), ('text latin', 'ünïcödé'), ('text cjk', '日本語'),
    ('text astral', 'snake 🐍'), ('text 24 bytes', 'x' * 24), ('text 300 bytes', 'y' * 300),
    ('true', True), ('false', False), ('null', None),
    ('array empty', []), ('array nested', [1, [2, 3], []]), ('array 24 items', list(range(24))),
    ('map empty', {}), ('map', {'apt': ['libc6'], '': []}), ('map of ints', {'cp311': 12, 'cp39': 0}),
    ('datetime', TS), ('datetime with microseconds', TS_US),
    ('datetime 1 microsecond', dt.datetime(2021, 1, 1, 0, 0, 0, 1, tzinfo=UTC)),
    ('datetime 999999 microseconds', dt.datetime(2021, 1, 1, 23, 59, 59, 999999, tzinfo=UTC)),
    ('datetime year 1', dt.datetime(1, 1, 1, tzinfo=UTC)),
    ('datetime year 9999', dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ('datetime leap day', dt.datetime(2024, 2, 29, 6, 30, tzinfo=UTC)),
    ('timedelta 3h', dt.timedelta(hours=3)), ('timedelta 5 min', dt.timedelta(minutes=5)),
    ('timedelta zero', dt.timedelta(0)), ('timedelta 1.5 s', dt.timedelta(seconds=1.5)),
    ('timedelta 400 days', dt.timedelta(days=400, seconds=1, microseconds=2)),
    ('timedelta -1 s', dt.timedelta(seconds=-1)), ('timedelta -1 us', dt.timedelta(microseconds=-1)),
    ('timedelta -3 days 2 h', -dt.timedelta(days=3, hours=2)),
    ('set of str', {'cp311'}), ('set empty', set()),
    ('set of pairs', {('numpy', '1.19.2')}),
    ('NoData', NoData), ('SLAVE DONE data', [1, TS, 'DONE', NoData]),
]

# Decoded but never produced by our encoder: other forms a cbor2 peer may send.
DECODE_ONLY = [
    ('tag 1 epoch int', dumps(TS, datetime_as_timestamp=True)),
    ('tag 1 epoch float', dumps(TS_US, datetime_as_timestamp=True)),
    ('datetime +02:00 offset', dumps(dt.datetime(2020, 9, 15, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))),
    ('datetime -05:30 offset', dumps(dt.datetime(2020, 9, 15, 6, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30))))),
    ('half float 1.5', dumps(1.5, canonical=True)),
    ('single float 100000.0', dumps(100000.0, canonical=True)),
    ('half float 60.0', dumps(60.0, canonical=True)),
    ('bignum 5', dumps(cbor2.CBORTag(2, b'\x05'))),
    ('unknown tag 40000', dumps(cbor2.CBORTag(40000, [1, 'x']))),
    ('unknown tag 99999', dumps(cbor2.CBORTag(99999, 'x'))),
]


def entry(name, **fields):
    return dict(name=name, **fields)


def main():
    messages = []
    for name, proto, side, verb, data in MESSAGES:
        buf = dump_msg(protocol(proto, side), verb, data)
        fields = dict(protocol=proto, sender=side, verb=verb, hex=buf.hex())
        if data is not NoData:
            fields['data'] = to_typed(data)
        messages.append(entry(name, **fields))

    values = [entry(name, value=to_typed(value), hex=dumps(value).hex()) for name, value in VALUES]
    values += [entry(name, value=to_typed(loads(buf)), hex=buf.hex(), decodeOnly=True) for name, buf in DECODE_ONLY]

    for filename, content in (('messages.json', messages), ('values.json', values)):
        with open(os.path.join(HERE, filename), 'w', encoding='utf-8') as f:
            json.dump({'generatedBy': 'spec/protocols/golden/generate.py', 'cbor2': cbor2_version(), 'vectors': content},
                      f, indent=1, ensure_ascii=False)
            f.write('\n')


def cbor2_version():
    from importlib.metadata import version
    return version('cbor2')


if __name__ == '__main__':
    main()
