#!/usr/bin/python3
"""Tests the ucql-mock executable end to end.

Run by meson (suite 'unit', test 'tools/mock-cli'): --help, exit status 2
with a message for bad options, and real runs: start the process, wait for
its 'ready' line (on its stdout, with a timeout), send OPTIONS to every node
and expect SUPPORTED, then SIGTERM (or SIGINT) and expect exit status 0.
With TLS (certificates in tests/data/tls) the same exchange goes through
Python's ssl module verifying the server against the test CA. Prints
'N passed, M failed'; exits 1 if any failed.

usage: test_mock_cli.py PATH/TO/ucql-mock PATH/TO/tests/data/tls
"""
import os
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import traceback

TOOL = sys.argv[1]
CERTS = sys.argv[2]
passed = 0
failed = 0
# Never wait longer than this for the process (a guard, not a measurement).
TIMEOUT = 60.0


def check(name, cond, detail=''):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print('FAIL: %s %s' % (name, detail))


def run_quick(args):
    """Runs ucql-mock to completion (options it must refuse, or --help)."""
    p = subprocess.run([TOOL] + args, capture_output=True, text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def read_line(p, deadline):
    """One line of p's stdout, or None at EOF or past the deadline."""
    buf = b''
    fd = p.stdout.fileno()
    while not buf.endswith(b'\n'):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return None
        b = os.read(fd, 1)
        if not b:
            return None
        buf += b
    return buf.decode()


class Mock:
    """A running ucql-mock on a free port (retries when a port is taken)."""

    def __init__(self, args):
        base = 24042 + os.getpid() % 1000
        for attempt in range(40):
            self.port = base + attempt * 47 % 1000
            self.p = subprocess.Popen([TOOL, '--port', str(self.port)] + args,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            line = read_line(self.p, time.monotonic() + TIMEOUT)
            if line is not None and 'ready' in line:
                self.ready_line = line
                return
            err = b''
            try:
                _, err = self.p.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            if b'in use' not in err:
                raise RuntimeError('ucql-mock did not start: %r %r' % (line, err))
        raise RuntimeError('no free port')

    def stop(self, sig=signal.SIGTERM):
        self.p.send_signal(sig)
        try:
            _, err = self.p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None, b'timeout'
        return self.p.returncode, err


OPTIONS_V4 = struct.pack('>BBhBi', 4, 0, 7, 0x05, 0)


def recv_exact(s, n):
    data = b''
    while len(data) < n:
        b = s.recv(n - len(data))
        if not b:
            raise EOFError('connection closed after %d bytes' % len(data))
        data += b
    return data


def options_exchange(s):
    """Sends OPTIONS (v4, stream 7); returns (opcode, stream, body)."""
    s.sendall(OPTIONS_V4)
    hdr = recv_exact(s, 9)
    version, flags, stream, opcode, length = struct.unpack('>BBhBi', hdr)
    body = recv_exact(s, length)
    return version, opcode, stream, body


def supported_keys(body):
    """Keys of a [string multimap]."""
    n, = struct.unpack_from('>H', body, 0)
    off = 2
    keys = []
    for _ in range(n):
        kl, = struct.unpack_from('>H', body, off)
        keys.append(body[off + 2:off + 2 + kl].decode())
        off += 2 + kl
        vn, = struct.unpack_from('>H', body, off)
        off += 2
        for _ in range(vn):
            vl, = struct.unpack_from('>H', body, off)
            off += 2 + vl
    return keys


def connect(node, port, tls_ctx=None):
    s = socket.create_connection(('127.0.0.%d' % node, port), timeout=TIMEOUT)
    if tls_ctx is not None:
        s = tls_ctx.wrap_socket(s, server_hostname='127.0.0.%d' % node)
    return s


def check_options(name, node, port, tls_ctx=None):
    s = connect(node, port, tls_ctx)
    try:
        version, opcode, stream, body = options_exchange(s)
        check(name + ' version', version == 0x84, hex(version))
        check(name + ' SUPPORTED', opcode == 0x06, 'opcode %d' % opcode)
        check(name + ' stream', stream == 7, str(stream))
        keys = supported_keys(body)
        check(name + ' keys', 'CQL_VERSION' in keys and 'COMPRESSION' in keys, str(keys))
    finally:
        s.close()


def test_help():
    rc, out, err = run_quick(['--help'])
    check('help exit 0', rc == 0, str(rc))
    for opt in ['--nodes', '--dcs', '--racks', '--port', '--tokens', '--random-tokens',
                '--release', '--max-protocol', '--node-max-protocol', '--compression', '--auth',
                '--user', '--tls', '--cert', '--key', '--ca', '--require-client-cert',
                '--cluster-name', '--latency-ms', '--help']:
        check('help mentions ' + opt, opt in out)


def test_bad_options():
    cases = [
        (['--bogus'], "unknown option '--bogus'"),
        (['--nodes', '0'], "--nodes: '0' is not a number in 1..64"),
        (['--nodes'], '--nodes needs a value'),
        (['--nodes', '2', '--node-max-protocol', '3=4'],
         '--node-max-protocol: node 3 is out of range (1..2)'),
        (['--tls'], '--tls needs --cert FILE and --key FILE'),
        (['--tls', '--cert', '/nonexistent.pem', '--key', '/dev/null'],
         "--cert: cannot read '/nonexistent.pem'"),
        (['--compression', 'snappy'], "--compression: 'snappy' is not lz4 or none"),
    ]
    for args, msg in cases:
        rc, out, err = run_quick(args)
        check('exit 2 for %s' % args, rc == 2, '%s %r' % (rc, err))
        check('message for %s' % args, ('ucql-mock: ' + msg) in err, repr(err))
        check('no ready for %s' % args, 'ready' not in out, repr(out))


def test_run(sig):
    m = Mock(['--nodes', '3', '--dcs', '2'])
    try:
        check('ready line', 'ready on 127.0.0.1-127.0.0.3 port %d' % m.port in m.ready_line,
              m.ready_line)
        for node in (1, 2, 3):
            check_options('node %d' % node, node, m.port)
    finally:
        rc, err = m.stop(sig)
    check('exit 0 after %s' % signal.Signals(sig).name, rc == 0, '%s %r' % (rc, err))


def tls_client_ctx(cert=None):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=os.path.join(CERTS, 'ca.pem'))
    if cert:
        ctx.load_cert_chain(os.path.join(CERTS, cert + '.pem'), os.path.join(CERTS, cert + '.key'))
    return ctx


def test_tls():
    args = ['--nodes', '2', '--tls', '--cert', os.path.join(CERTS, 'server.pem'),
            '--key', os.path.join(CERTS, 'server.key')]
    try:
        m = Mock(args)
    except RuntimeError as e:
        if 'no TLS hook' in str(e):
            print("SKIP: TLS: this build's server has no TLS hook")
            return
        raise
    try:
        for node in (1, 2):
            check_options('tls node %d' % node, node, m.port, tls_client_ctx())
        # A plaintext client on the TLS port gets no CQL answer.
        s = connect(1, m.port)
        s.sendall(OPTIONS_V4)
        data = b''
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    break
                data += b
        except ConnectionResetError:
            pass
        s.close()
        check('plaintext client closed without CQL', data[:1] != b'\x84', repr(data[:16]))
    finally:
        rc, err = m.stop()
    check('tls exit 0', rc == 0, '%s %r' % (rc, err))

    m = Mock(args + ['--ca', os.path.join(CERTS, 'ca.pem'), '--require-client-cert'])
    try:
        check_options('tls client cert', 1, m.port, tls_client_ctx('client'))
        try:
            check_options('tls without client cert', 1, m.port, tls_client_ctx())
            check('tls without client cert is refused', False)
        except (ssl.SSLError, EOFError, ConnectionResetError, BrokenPipeError):
            check('tls without client cert is refused', True)
    finally:
        rc, err = m.stop()
    check('tls client-cert exit 0', rc == 0, '%s %r' % (rc, err))


for t in [test_help, test_bad_options, lambda: test_run(signal.SIGTERM),
          lambda: test_run(signal.SIGINT), test_tls]:
    try:
        t()
    except Exception:
        failed += 1
        print('FAIL: exception')
        traceback.print_exc()

print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
