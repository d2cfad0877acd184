#!/usr/bin/python3
"""Tests ucql-inspect (tools/inspect) end to end.

Run by meson (suite 'unit', test 'tools/inspect') with Debian's
/usr/bin/python3, which has python3-cassandra: requests are encoded by the
DataStax driver (ProtocolHandler.encode_message), v5 framing by its
SegmentCodec; responses are hand-assembled with struct.pack from the spec
(native_protocol_v4.spec §4.2). Every check compares exact values, so each
can fail. Prints 'N passed, M failed'; exits 1 if any failed.

usage: test_inspect.py PATH/TO/ucql-inspect
"""
import json
import struct
import subprocess
import sys
import traceback

from cassandra import ConsistencyLevel as CL
from cassandra.connection import locally_supported_compressions, segment_codec_lz4, \
    segment_codec_no_compression
from cassandra.protocol import (BatchMessage, ExecuteMessage, OptionsMessage, PrepareMessage,
                                ProtocolHandler, QueryMessage, RegisterMessage, StartupMessage,
                                AuthResponseMessage)
from cassandra.query import BatchType
import io

TOOL = sys.argv[1]
passed = 0
failed = 0


def check(name, cond, detail=''):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print('FAIL: %s %s' % (name, detail))


def eq(name, got, want):
    check(name, got == want, 'got %r, want %r' % (got, want))


def run(args, data=b''):
    p = subprocess.run([TOOL] + args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


def decode_json(name, data, args=()):
    """Runs decode --json; returns (rc, [objects], stderr). Every line must be JSON."""
    rc, out, err = run(['decode', '--json'] + list(args) + ['-'], data)
    objs = []
    for line in out.splitlines():
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            check(name + ': output line is JSON', False, '%r: %s' % (line, e))
    return rc, objs, err


# ---- helpers to build traffic ----------------------------------------------

def req(msg, stream, version, compressor=None):
    return ProtocolHandler.encode_message(msg, stream, version, compressor, False)


def s_string(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack('>H', len(b)) + b


def s_long_string(s):
    b = s.encode()
    return struct.pack('>i', len(b)) + b


def s_bytes(b):
    return struct.pack('>i', -1) if b is None else struct.pack('>i', len(b)) + b


def s_string_list(items):
    return struct.pack('>H', len(items)) + b''.join(s_string(x) for x in items)


def resp(version, stream, opcode, body, flags=0):
    return struct.pack('>BBhBI', 0x80 | version, flags, stream, opcode, len(body)) + body


def col_spec(name, type_id):
    return s_string(name) + struct.pack('>H', type_id)


def segments(envelopes, codec):
    """Frames envelope bytes as v5 segments with the driver's codec."""
    buf = io.BytesIO()
    codec.encode(buf, envelopes)
    return buf.getvalue()


def checks():
    # ---- token ------------------------------------------------------------------

    TOKENS = [
        ([''], 0),
        (['61'], -8839064797231613815),
        (['616263'], -5434086359492102041),
        (['68656c6c6f'], -3758069500696749310),
        (['00000001'], -4069959284402364209),
        (['0000002a'], -7160136740246525330),
        (['0000000000000001'], 6292367497774912474),
        (['ff'], -4442228696663692417),
        (['808182'], 4805209697930042770),
        (['e282ac'], 8619152265340498936),
        (['0123456789abcdef'.encode().hex()], 5467490433528156583),
        (['0123456789abcdefg'.encode().hex()], -8200385122730116642),
        (['The quick brown fox jumps over the lazy dog'.encode().hex()], -2068352364225029268),
        (['00000001', '61'], 6516349416904725244),  # composite (int 1, 'a')
        (['0004000000010000016100'], 6516349416904725244),  # the same, pre-serialized
        (['0x00000001'], -4069959284402364209),
    ]
    for args, want in TOKENS:
        rc, out, err = run(['token'] + args)
        eq('token %s rc' % args, rc, 0)
        eq('token %s' % args, out.strip(), str(want))

    for bad in (['zz'], ['abc'], ['61', '6g'], []):
        rc, out, err = run(['token'] + bad)
        eq('token %s exits 2' % bad, rc, 2)
        check('token %s says why' % bad, err.startswith('ucql-inspect: token'), err)
        eq('token %s prints no token' % bad, out, '')
    rc, out, err = run(['token', '61', 'x1'])
    check('bad hex names the argument', 'argument 2' in err and "'x'" in err, err)

    # ---- help --------------------------------------------------------------------

    rc, out, err = run(['--help'])
    eq('--help exits 0', rc, 0)
    for word in ('--v5', '--lz4', '--server', '--json', '--max-frame', 'token', 'Exit status'):
        check('--help documents ' + word, word in out)
    rc, out, err = run(['decode', '--bogus'])
    eq('unknown option exits 2', rc, 2)
    rc, out, err = run(['decode', '/nonexistent/capture'])
    eq('missing file exits 2', rc, 2)
    check('missing file is named', '/nonexistent/capture' in err, err)

    # ---- v4 / v3 requests ---------------------------------------------------------

    q = QueryMessage('SELECT * FROM "ks".t WHERE k = ? -- é\n\t"x"', CL.LOCAL_QUORUM,
                     serial_consistency_level=CL.LOCAL_SERIAL, fetch_size=100,
                     paging_state=b'\x01\x02\xff', timestamp=1234567890123)
    q.query_params = [b'\x00\x00\x00\x01', None]
    ex = ExecuteMessage(b'\xde\xad\xbe\xef', [b'\x00\x00\x00\x07'], CL.QUORUM, fetch_size=5000,
                        skip_meta=True)
    prep = PrepareMessage('INSERT INTO t (k) VALUES (?)')
    batch = BatchMessage(BatchType.UNLOGGED,
                         [(False, 'INSERT INTO t (k) VALUES (1)', []),
                          (True, b'\xab\xcd', [b'\x00\x00\x00\x02', b'x'])],
                         CL.TWO, timestamp=42)
    traced = QueryMessage('SELECT now() FROM system.local', CL.ONE)
    traced.tracing = True
    traced.custom_payload = {'k1': b'v1', 'key2': b''}
    capture = (req(OptionsMessage(), 0, 4) +
               req(StartupMessage('3.0.0', {'DRIVER_NAME': 'py'}), 1, 4) +
               req(RegisterMessage(['SCHEMA_CHANGE', 'STATUS_CHANGE']), 2, 4) +
               req(q, 3, 4) + req(ex, 4, 4) + req(prep, 5, 4) + req(batch, 6, 4) +
               req(traced, 7, 4) + req(AuthResponseMessage(b'\x00user\x00pw'), 8, 4))
    rc, objs, err = decode_json('v4 requests', capture)
    eq('v4 requests rc', rc, 0)
    eq('v4 requests count', len(objs), 9)
    eq('v4 opcodes', [o.get('opcode') for o in objs],
       ['OPTIONS', 'STARTUP', 'REGISTER', 'QUERY', 'EXECUTE', 'PREPARE', 'BATCH', 'QUERY',
        'AUTH_RESPONSE'])
    eq('v4 streams', [o.get('stream') for o in objs], list(range(9)))
    eq('v4 versions', {o.get('version') for o in objs}, {4})
    eq('v4 offsets', objs[1].get('offset'), 9)
    eq('startup options', objs[1].get('options'),
       {'CQL_VERSION': '3.0.0', 'DRIVER_NAME': 'py'})
    eq('register events', objs[2].get('events'), ['SCHEMA_CHANGE', 'STATUS_CHANGE'])
    o = objs[3]
    eq('query text (escaped, UTF-8)', o.get('query'), 'SELECT * FROM "ks".t WHERE k = ? -- é\n\t"x"')
    eq('query consistency', o.get('consistency'), 'LOCAL_QUORUM')
    eq('query values', o.get('values'), 2)
    eq('query page_size', o.get('page_size'), 100)
    eq('query paging_state', o.get('paging_state'), '0102ff')
    eq('query serial', o.get('serial_consistency'), 'LOCAL_SERIAL')
    eq('query timestamp', o.get('timestamp'), 1234567890123)
    eq('query flags', o.get('flags'), [])
    o = objs[4]
    eq('execute id', o.get('id'), 'deadbeef')
    eq('execute consistency', o.get('consistency'), 'QUORUM')
    eq('execute values', o.get('values'), 1)
    # The driver accepts skip_meta but never sends the flag: absent here, and
    # checked on a hand-built EXECUTE below.
    eq('execute skip_metadata', o.get('skip_metadata'), None)
    eq('execute page_size', o.get('page_size'), 5000)
    eq('prepare query', objs[5].get('query'), 'INSERT INTO t (k) VALUES (?)')
    o = objs[6]
    eq('batch type', o.get('batch_type'), 'UNLOGGED')
    eq('batch statements', o.get('statements'), 2)
    eq('batch consistency', o.get('consistency'), 'TWO')
    eq('batch timestamp', o.get('timestamp'), 42)
    eq('batch statement_list', o.get('statement_list'),
       [{'query': 'INSERT INTO t (k) VALUES (1)', 'values': 0}, {'id': 'abcd', 'values': 2}])
    o = objs[7]
    eq('traced flags', o.get('flags'), ['TRACING', 'CUSTOM_PAYLOAD'])
    eq('custom payload keys', sorted(o.get('custom_payload_keys', [])), ['k1', 'key2'])
    eq('traced query', o.get('query'), 'SELECT now() FROM system.local')
    eq('auth response token', objs[8].get('token_length'), 8)
    eq('length of QUERY body', objs[5].get('length'), 4 + len('INSERT INTO t (k) VALUES (?)'))

    # Text mode: the same stream, one line per message.
    rc, out, err = run(['decode', '-'], capture)
    eq('text rc', rc, 0)
    lines = out.splitlines()
    eq('text lines', len(lines), 9)
    check('text QUERY line', lines[3].startswith('@%d v4 stream=3 QUERY' % objs[3]['offset']), lines[3])
    check('text consistency', 'consistency=LOCAL_QUORUM' in lines[3], lines[3])
    check('text flags', 'flags=TRACING|CUSTOM_PAYLOAD' in lines[7], lines[7])

    # EXECUTE with SKIP_METADATA and NAMES, hand-built (v4 §4.1.4).
    body = s_string(b'\x01') + struct.pack('>HB', 0x0001, 0x01 | 0x02 | 0x40) + struct.pack('>H', 1) + \
        s_string('name') + s_bytes(b'\x00')
    rc, objs, err = decode_json('skip meta', struct.pack('>BBhBI', 4, 0, 1, 0x0A, len(body)) + body)
    eq('skip meta rc', rc, 0)
    eq('skip meta fields', objs and (objs[0].get('skip_metadata'), objs[0].get('named_values'),
                                     objs[0].get('values')), (True, True, 1))

    # v3
    rc, objs, err = decode_json('v3', req(QueryMessage('SELECT 1', CL.ONE, fetch_size=10), 9, 3))
    eq('v3 rc', rc, 0)
    eq('v3 version', objs and objs[0].get('version'), 3)
    eq('v3 page size', objs and objs[0].get('page_size'), 10)

    # ---- v4 compression -----------------------------------------------------------

    lz4_compress = locally_supported_compressions['lz4'][0]
    big = QueryMessage('SELECT * FROM t WHERE k IN (%s)' % ','.join(['1'] * 500), CL.ONE)
    comp = (req(StartupMessage('3.0.0', {'COMPRESSION': 'lz4'}), 0, 4) +
            req(big, 1, 4, lz4_compress) + req(OptionsMessage(), 2, 4, lz4_compress))
    start_len = 9 + struct.unpack('>I', comp[5:9])[0]
    eq('driver set the compression flag', comp[start_len + 1] & 1, 1)
    rc, objs, err = decode_json('v4 lz4', comp, ['--lz4'])
    eq('v4 lz4 rc', rc, 0)
    eq('v4 lz4 opcodes', [o.get('opcode') for o in objs], ['STARTUP', 'QUERY', 'OPTIONS'])
    eq('v4 lz4 query', objs[1].get('query') if len(objs) > 1 else None, big.query)
    eq('v4 lz4 compressed member', objs[1].get('compressed') if len(objs) > 1 else None, True)
    eq('v4 lz4 flags', objs[1].get('flags') if len(objs) > 1 else None, ['COMPRESSION'])
    check('v4 lz4 length is the wire length',
          len(objs) > 1 and objs[1].get('length') < len(big.query), str(objs[1:2]))
    rc, objs, err = decode_json('v4 lz4 without --lz4', comp)
    eq('compressed frame without --lz4 exits 1', rc, 1)
    eq('messages before it are printed', len(objs), 1)
    check('compressed frame error names the offset', 'offset %d' % start_len in err and '--lz4' in err, err)

    # ---- v5: handshake, then segments (client side) --------------------------------

    def v5_client(codec, big_query):
        hs = (req(OptionsMessage(), 0, 5) +
              req(StartupMessage('3.0.0', {'COMPRESSION': 'lz4'} if codec is segment_codec_lz4 else {}), 1, 5))
        q1 = QueryMessage('SELECT a FROM ks.t', CL.LOCAL_ONE, fetch_size=7, keyspace='ks')
        e1 = ExecuteMessage(b'\x01\x02', [b'\x00\x00\x00\x05'], CL.ALL, result_metadata_id=b'\x0a\x0b')
        p1 = PrepareMessage('SELECT b FROM t', keyspace='ks2')
        # Two envelopes in one self-contained segment, then a big one split.
        seg1 = segments(req(q1, 2, 5) + req(e1, 3, 5), codec)
        seg2 = segments(req(QueryMessage(big_query, CL.ONE), 4, 5), codec)
        seg3 = segments(req(p1, 5, 5), codec)
        return hs, seg1, seg2, seg3


    BIG = 'SELECT * FROM t WHERE k = \'' + 'x' * 200000 + '\''
    for name, codec, flag in (('v5', segment_codec_no_compression, []),
                              ('v5 lz4', segment_codec_lz4, ['--lz4'])):
        hs, seg1, seg2, seg3 = v5_client(codec, BIG)
        data = hs + seg1 + seg2 + seg3
        rc, objs, err = decode_json(name, data, ['--v5'] + flag)
        eq(name + ' rc', rc, 0)
        eq(name + ' err', err, '')
        eq(name + ' opcodes', [o.get('opcode') for o in objs],
           ['OPTIONS', 'STARTUP', 'QUERY', 'EXECUTE', 'QUERY', 'PREPARE'])
        eq(name + ' versions', {o.get('version') for o in objs}, {5})
        if len(objs) == 6:
            eq(name + ' handshake unframed', [('in_segment' in o) for o in objs[:2]], [False, False])
            eq(name + ' segment offsets', [o.get('offset') for o in objs[2:]],
               [len(hs), len(hs), len(hs) + len(seg1), len(hs) + len(seg1) + len(seg2)])
            eq(name + ' in_segment', [o.get('in_segment') for o in objs[2:]],
               [0, struct.unpack('>I', req(QueryMessage('SELECT a FROM ks.t', CL.LOCAL_ONE, fetch_size=7,
                                                         keyspace='ks'), 2, 5)[5:9])[0] + 9, 0, 0])
            eq(name + ' query keyspace (v5 flag)', objs[2].get('keyspace'), 'ks')
            eq(name + ' query consistency', objs[2].get('consistency'), 'LOCAL_ONE')
            eq(name + ' execute result_metadata_id', objs[3].get('result_metadata_id'), '0a0b')
            eq(name + ' execute id', objs[3].get('id'), '0102')
            eq(name + ' split envelope reassembled', objs[4].get('query'), BIG)
            eq(name + ' prepare keyspace', objs[5].get('keyspace'), 'ks2')
        check(name + ': the big query really was split', len(seg2) > 131071 + 10 or codec is segment_codec_lz4)
        # Without --v5 the segments are not envelopes: an error at the first segment.
        rc, objs, err = decode_json(name + ' without --v5', data, flag)
        eq(name + ' without --v5 exits 1', rc, 1)
        eq(name + ' without --v5 prints the handshake', len(objs), 2)
        check(name + ' without --v5 names the offset', 'offset %d' % len(hs) in err, err)
        # A payload CRC error in the second segment.
        bad = bytearray(data)
        bad[len(hs) + len(seg1) + 20] ^= 0x40
        rc, objs, err = decode_json(name + ' bad crc', bytes(bad), ['--v5'] + flag)
        eq(name + ' bad crc exits 1', rc, 1)
        eq(name + ' bad crc prints what came before', len(objs), 4)
        check(name + ' bad crc names the segment offset',
              'offset %d' % (len(hs) + len(seg1)) in err and 'UCQL_E_CRC' in err, err)
        # Input ending inside the last segment.
        rc, objs, err = decode_json(name + ' cut', data[:-3], ['--v5'] + flag)
        eq(name + ' cut exits 1', rc, 1)
        eq(name + ' cut prints the rest', len(objs), 5)
        check(name + ' cut says where',
              'input ends inside a segment at offset %d' % (len(data) - len(seg3)) in err, err)

    # Input ending between the pieces of a split envelope.
    hs, seg1, seg2, seg3 = v5_client(segment_codec_no_compression, BIG)
    rc, objs, err = decode_json('v5 split cut', hs + seg1 + seg2[:131071 + 10], ['--v5'])
    eq('v5 split cut exits 1', rc, 1)
    eq('v5 split cut prints the rest', len(objs), 4)
    check('v5 split cut message', 'split across segments' in err and 'offset %d' % (len(hs) + len(seg1)) in err, err)
    # lz4 segments read as uncompressed ones: header CRC error.
    hs, seg1, seg2, seg3 = v5_client(segment_codec_lz4, 'SELECT 1')
    rc, objs, err = decode_json('v5 lz4 read plain', hs + seg1, ['--v5'])
    eq('v5 lz4 read plain exits 1', rc, 1)
    check('v5 lz4 read plain: header CRC at the segment', 'offset %d: segment header' % len(hs) in err, err)

    # ---- responses (server side), hand-assembled -------------------------------------

    rows_md = struct.pack('>ii', 0x0001 | 0x0002, 2) + s_bytes(b'\xca\xfe') + s_string('ks') + \
        s_string('t') + col_spec('k', 0x0009) + s_string('v') + struct.pack('>HH', 0x0020, 0x000D)
    rows = struct.pack('>i', 2) + rows_md + struct.pack('>i', 1) + s_bytes(b'\x00\x00\x00\x01') + \
        s_bytes(None)
    prepared_v4 = (struct.pack('>i', 4) + s_string(b'\x11\x22') +
                   struct.pack('>iii', 1, 1, 1) + struct.pack('>H', 0) + s_string('ks') + s_string('t') +
                   col_spec('k', 0x0009) +
                   struct.pack('>ii', 0x0004, 1))
    schema = struct.pack('>i', 5) + s_string('CREATED') + s_string('TABLE') + s_string('ks') + s_string('t')
    unavailable = struct.pack('>i', 0x1000) + s_string('Cannot achieve consistency') + \
        struct.pack('>Hii', 0x0006, 3, 1)
    write_timeout = struct.pack('>i', 0x1100) + s_string('timed out') + struct.pack('>Hii', 0x0001, 0, 1) + \
        s_string('SIMPLE')
    already = struct.pack('>i', 0x2400) + s_string('exists') + s_string('ks') + s_string('')
    event = s_string('TOPOLOGY_CHANGE') + s_string('NEW_NODE') + bytes([4, 10, 0, 0, 7]) + \
        struct.pack('>i', 9042)
    supported = struct.pack('>H', 2) + s_string('COMPRESSION') + s_string_list(['lz4', 'snappy']) + \
        s_string('CQL_VERSION') + s_string_list(['3.4.5'])
    tracing_id = bytes(range(16))
    traced_void = tracing_id + s_string_list(['w1', 'a "quoted" warning']) + struct.pack('>i', 1)
    responses = (resp(4, 0, 0x06, supported) + resp(4, 1, 0x02, b'') +
                 resp(4, 2, 0x08, rows) + resp(4, 3, 0x08, prepared_v4) +
                 resp(4, 4, 0x08, struct.pack('>i', 3) + s_string('ks')) + resp(4, 5, 0x08, schema) +
                 resp(4, 6, 0x00, unavailable) + resp(4, 7, 0x00, write_timeout) +
                 resp(4, 8, 0x00, already) + resp(4, -1, 0x0C, event) +
                 resp(4, 9, 0x08, traced_void, flags=0x02 | 0x08) +
                 resp(4, 10, 0x03, s_string('org.apache.cassandra.auth.PasswordAuthenticator')) +
                 resp(4, 11, 0x10, s_bytes(None)) + resp(4, 12, 0x0E, s_bytes(b'abc')))
    rc, objs, err = decode_json('v4 responses', responses, ['--server'])
    eq('responses rc', rc, 0)
    eq('responses err', err, '')
    eq('responses opcodes', [o.get('opcode') for o in objs],
       ['SUPPORTED', 'READY', 'RESULT', 'RESULT', 'RESULT', 'RESULT', 'ERROR', 'ERROR', 'ERROR', 'EVENT',
        'RESULT', 'AUTHENTICATE', 'AUTH_SUCCESS', 'AUTH_CHALLENGE'])
    if len(objs) == 14:
        eq('supported options', objs[0].get('options'),
           {'COMPRESSION': ['lz4', 'snappy'], 'CQL_VERSION': ['3.4.5']})
        o = objs[2]
        eq('rows kind', o.get('kind'), 'Rows')
        eq('rows columns', o.get('columns'), ['k', 'v'])
        eq('rows column types', o.get('column_types'), ['int', 'list<text>'])
        eq('rows count', o.get('rows'), 1)
        eq('rows has_more_pages', o.get('has_more_pages'), True)
        eq('rows paging_state', o.get('paging_state'), 'cafe')
        eq('rows table', (o.get('keyspace'), o.get('table')), ('ks', 't'))
        o = objs[3]
        eq('prepared kind', o.get('kind'), 'Prepared')
        eq('prepared id', o.get('id'), '1122')
        eq('prepared bind markers', o.get('bind_markers'), ['k'])
        eq('prepared pk', o.get('pk_indexes'), [0])
        eq('prepared no result metadata', o.get('no_metadata'), True)
        eq('set keyspace', (objs[4].get('kind'), objs[4].get('keyspace')), ('Set_keyspace', 'ks'))
        eq('schema change', (objs[5].get('kind'), objs[5].get('change'), objs[5].get('target'),
                             objs[5].get('keyspace'), objs[5].get('name')),
           ('Schema_change', 'CREATED', 'TABLE', 'ks', 't'))
        o = objs[6]
        eq('unavailable', (o.get('error'), o.get('error_code'), o.get('message'), o.get('consistency'),
                           o.get('required'), o.get('alive')),
           ('Unavailable', '0x1000', 'Cannot achieve consistency', 'LOCAL_QUORUM', 3, 1))
        o = objs[7]
        eq('write timeout', (o.get('error'), o.get('received'), o.get('block_for'), o.get('write_type')),
           ('Write_timeout', 0, 1, 'SIMPLE'))
        eq('already exists', (objs[8].get('error'), objs[8].get('keyspace'), objs[8].get('table')),
           ('Already_exists', 'ks', ''))
        o = objs[9]
        eq('event', (o.get('stream'), o.get('event'), o.get('change'), o.get('address')),
           (-1, 'TOPOLOGY_CHANGE', 'NEW_NODE', '10.0.0.7:9042'))
        o = objs[10]
        eq('tracing id', o.get('tracing_id'), '00010203-0405-0607-0809-0a0b0c0d0e0f')
        eq('warnings', o.get('warnings'), ['w1', 'a "quoted" warning'])
        eq('traced flags', o.get('flags'), ['TRACING', 'WARNING'])
        eq('traced void kind', o.get('kind'), 'Void')
        eq('authenticator', objs[11].get('authenticator'), 'org.apache.cassandra.auth.PasswordAuthenticator')
        eq('auth success null token', objs[12].get('token_length'), None)
        check('auth success token_length member present', 'token_length' in objs[12])
        eq('auth challenge token', objs[13].get('token_length'), 3)

    # Server side of a v5 connection: SUPPORTED, READY unframed, then segments.
    for name, codec, flag in (('v5 server', segment_codec_no_compression, []),
                              ('v5 server lz4', segment_codec_lz4, ['--lz4'])):
        hs = resp(5, 0, 0x06, supported) + resp(5, 1, 0x02, b'')
        framed = segments(resp(5, 2, 0x08, struct.pack('>i', 1)) + resp(5, -1, 0x0C, event) +
                          resp(5, 3, 0x08, rows), codec)
        rc, objs, err = decode_json(name, hs + framed, ['--v5', '--server'] + flag)
        eq(name + ' rc', rc, 0)
        eq(name + ' opcodes', [o.get('opcode') for o in objs],
           ['SUPPORTED', 'READY', 'RESULT', 'EVENT', 'RESULT'])
        eq(name + ' framed offsets', [o.get('offset') for o in objs[2:]], [len(hs)] * 3)
        eq(name + ' rows', objs[-1].get('rows') if objs else None, 1)
    # AUTHENTICATE also starts framing.
    hs = resp(5, 1, 0x03, s_string('Auth'))
    framed = segments(resp(5, 2, 0x10, s_bytes(b'')), segment_codec_no_compression)
    rc, objs, err = decode_json('v5 authenticate', hs + framed, ['--v5', '--server'])
    eq('v5 authenticate rc', rc, 0)
    eq('v5 authenticate opcodes', [o.get('opcode') for o in objs], ['AUTHENTICATE', 'AUTH_SUCCESS'])
    eq('v5 auth success framed', objs[-1].get('in_segment') if objs else None, 0)
    # v5 header without --v5: decoded as an unframed envelope.
    rc, objs, err = decode_json('v5 unframed', req(OptionsMessage(), 3, 5))
    eq('v5 envelope without --v5', (rc, [o.get('version') for o in objs]), (0, [5]))

    # ---- malformed input --------------------------------------------------------------

    good = req(OptionsMessage(), 0, 4) + req(QueryMessage('SELECT 1', CL.ONE), 1, 4)
    # 1. truncated final frame
    for cut in (1, 5, 9, len(good) - 9 - 1):
        rc, objs, err = decode_json('cut %d' % cut, good[:9 + cut])
        eq('cut %d exits 1' % cut, rc, 1)
        eq('cut %d prints the first message' % cut, len(objs), 1)
        check('cut %d message' % cut, 'input ends inside a frame at offset 9' in err, err)
    # 2. a body whose [long string] length runs past the body
    bad_body = struct.pack('>i', 1000) + b'SELECT 1' + struct.pack('>HB', 1, 0)
    bad = good + struct.pack('>BBhBI', 4, 0, 2, 0x07, len(bad_body)) + bad_body
    rc, objs, err = decode_json('bad body', bad)
    eq('bad body exits 1', rc, 1)
    eq('bad body prints the good ones', len(objs), 2)
    check('bad body names offset and error',
          'offset %d: QUERY body' % len(good) in err and 'UCQL_E_TRUNCATED' in err, err)
    # 3. trailing bytes inside a body
    bad_body = struct.pack('>i', 1) + b'x' + struct.pack('>HB', 1, 0) + b'!'
    rc, objs, err = decode_json('trailing', struct.pack('>BBhBI', 4, 0, 2, 0x07, len(bad_body)) + bad_body)
    eq('trailing exits 1', rc, 1)
    check('trailing error', 'offset 0: QUERY body' in err and 'UCQL_E_TRAILING' in err, err)
    # 4. bad version byte, unknown opcode, wrong direction
    rc, objs, err = decode_json('bad version', good + b'\x07\x00\x00\x00\x05\x00\x00\x00\x00')
    eq('bad version exits 1', rc, 1)
    check('bad version message', 'offset %d' % len(good) in err and 'UCQL_E_BAD_VERSION' in err, err)
    rc, objs, err = decode_json('bad opcode', b'\x04\x00\x00\x00\x04\x00\x00\x00\x00')
    check('bad opcode', rc == 1 and 'offset 0' in err and 'UCQL_E_BAD_OPCODE' in err, err)
    rc, objs, err = decode_json('direction', good, ['--server'])
    check('requests with --server', rc == 1 and 'offset 0' in err and 'client->server' in err, err)
    rc, objs, err = decode_json('direction 2', responses)
    check('responses without --server', rc == 1 and 'offset 0' in err and '--server' in err, err)
    # 5. --max-frame
    rc, objs, err = decode_json('max frame', good, ['--max-frame', '5'])
    check('--max-frame 5', rc == 1 and 'offset 9' in err and 'UCQL_E_TOO_BIG' in err and len(objs) == 1, err)
    rc, objs, err = decode_json('max frame ok', good, ['--max-frame', str(len(good))])
    eq('--max-frame large enough', (rc, len(objs)), (0, 2))
    # 6. corrupt lz4 in a v4 frame
    cbody = comp[start_len:]
    clen = 9 + struct.unpack('>I', cbody[5:9])[0]
    corrupt = bytearray(cbody[:clen])
    corrupt[9 + 4:] = b'\xff' * (clen - 13)
    rc, objs, err = decode_json('corrupt lz4', bytes(corrupt), ['--lz4'])
    check('corrupt lz4', rc == 1 and 'offset 0' in err and 'UCQL_E_COMPRESSION' in err, err)
    # 7. empty input
    rc, objs, err = decode_json('empty', b'')
    eq('empty input', (rc, objs, err), (0, [], ''))
    # 8. an envelope cut short inside a self-contained segment
    env = req(QueryMessage('SELECT 1', CL.ONE), 2, 5)
    hs = req(StartupMessage('3.0.0', {}), 1, 5)
    rc, objs, err = decode_json('short in segment', hs + segments(env[:-2], segment_codec_no_compression),
                                ['--v5'])
    eq('short envelope in segment exits 1', rc, 1)
    check('short envelope in segment names segment', 'offset %d (segment payload +0)' % len(hs) in err, err)


try:
    checks()
except Exception:  # a crash of the checks is a failure, not a silent stop
    traceback.print_exc()
    failed += 1
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
