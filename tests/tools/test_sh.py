#!/usr/bin/python3
"""Tests the ucql-sh executable end to end against ucql-mock.

Run by meson (suite 'unit', test 'tools/sh'): --help and usage errors
(exit 2), an unreachable cluster (exit 2), then against a 3-node ucql-mock
(tests/interop/mockrun.py starts it on a free port): statements from -e,
-f and standard input, table / CSV / JSON output compared exactly, paging,
USE, errors on stderr with exit status 1, EXIT, the prompt on a terminal
(a pty), and every protocol version. Prints 'FAIL: ...' lines and
'N passed, M failed'; exits 1 if any failed.

usage: test_sh.py PATH/TO/ucql-sh PATH/TO/ucql-mock
"""
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'interop'))
import mockrun  # noqa: E402

SH = sys.argv[1]
MOCK = sys.argv[2]
# A guard against hangs, not a measurement.
TIMEOUT = 60
passed = 0
failed = 0


def check(name, cond, detail=''):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print('FAIL: %s %s' % (name, detail), flush=True)
    return cond


def check_eq(name, got, want):
    return check(name, got == want, '\n--- got:\n%s\n--- want:\n%s' % (got, want))


def sh(args, stdin=None, port=None):
    """Runs ucql-sh; returns (status, stdout, stderr)."""
    cmd = [SH] + (['--port', str(port)] if port else []) + args
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------ without a cluster

def test_cli():
    rc, out, err = sh(['--help'])
    check('--help exits 0', rc == 0, rc)
    for word in ('usage: ucql-sh', '--hosts', '--port', '--protocol', '--user', '--password',
                 '--keyspace', '--format', '--execute', '--file', '--page-size', 'Exit status',
                 'table', 'csv', 'json'):
        check('--help mentions %s' % word, word in out)
    rc, out, err = sh(['--version'])
    check('--version', rc == 0 and out.startswith('ucql-sh '), (rc, out))
    for args, what in ((['--bogus'], 'unknown option'),
                       (['--format', 'xml'], "invalid value 'xml'"),
                       (['--port', '0'], "invalid value '0'"),
                       (['--port', '12x'], "invalid value '12x'"),
                       (['--protocol', '2'], "invalid value '2'"),
                       (['--consistency', 'MOST'], "invalid value 'MOST'"),
                       (['-e'], 'needs a value'),
                       (['--password', 'x'], "needs '--user'"),
                       (['stray'], "unexpected argument 'stray'"),
                       (['--debug=1'], 'takes no value')):
        rc, out, err = sh(args)
        check('usage error %r: exit 2' % args, rc == 2, (rc, err))
        check('usage error %r: message' % args, what in err and '--help' in err, err)
        check('usage error %r: nothing on stdout' % args, out == '', out)
    rc, out, err = sh(['-f', '/nonexistent/file.cql'])
    check('unreadable -f: exit 2', rc == 2 and 'cannot open /nonexistent/file.cql' in err, (rc, err))
    rc, out, err = sh(['--hosts', '256.1.1.1', '-e', 'SELECT 1'])
    check('bad --hosts: exit 2', rc == 2 and 'contact_points' in err, (rc, err))
    # nothing listens on port 1 of 127.0.0.1
    rc, out, err = sh(['--port', '1', '--connect-timeout', '5000', '-e', 'SELECT 1'])
    check('no cluster: exit 2', rc == 2, (rc, err))
    check('no cluster: message', 'cannot connect to 127.0.0.1' in err, err)


# ------------------------------------------------------------ against ucql-mock

SCHEMA = """
CREATE KEYSPACE shks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};
CREATE TABLE shks.t (p int, c int, v text, f double, l list<int>, m map<text, int>,
                     PRIMARY KEY (p, c));
INSERT INTO shks.t (p, c, v, f, l, m) VALUES (1, 1, 'a', 1.5, [1, 2], {'x': 1});
INSERT INTO shks.t (p, c, v, f) VALUES (1, 2, 'it''s; "q"', 3.141592653589793);
INSERT INTO shks.t (p, c) VALUES (1, 3);
"""

TABLE = """
 p | c | f       | l      | m        | v
---+---+---------+--------+----------+-----------
 1 | 1 |     1.5 | [1, 2] | {'x': 1} |         a
 1 | 2 | 3.14159 |   null |     null | it's; "q"
 1 | 3 |    null |   null |     null |      null

(3 rows)
"""

CSV = ('p,c,f,l,m,v\n'
       '1,1,1.5,"[1, 2]",{\'x\': 1},a\n'
       '1,2,3.141592653589793,,,"it\'s; ""q"""\n'
       '1,3,,,,\n')

JSON = """{"p": 1, "c": 1, "f": 1.5, "l": [1, 2], "m": {"x": 1}, "v": "a"}
{"p": 1, "c": 2, "f": 3.141592653589793, "l": null, "m": null, "v": "it's; \\"q\\""}
{"p": 1, "c": 3, "f": null, "l": null, "m": null, "v": null}
"""

SELECT = 'SELECT * FROM shks.t WHERE p = 1'


def test_cluster(m):
    port = m.port
    rc, out, err = sh(['-e', SCHEMA], port=port)
    check('schema: exit 0', rc == 0, (rc, err))
    check_eq('schema: no output', out, '')
    check_eq('schema: no errors', err, '')

    rc, out, err = sh(['-e', SELECT], port=port)
    check('table: exit 0', rc == 0, (rc, err))
    check_eq('table output', out, TABLE)
    rc, out, err = sh(['--format', 'csv', '-e', SELECT], port=port)
    check_eq('csv output', out, CSV)
    rc, out, err = sh(['--format=json', '-e', SELECT], port=port)
    check_eq('json output', out, JSON)

    # empty results
    q = 'SELECT p, c FROM shks.t WHERE p = 99'
    check_eq('empty table', sh(['-e', q], port=port)[1], '\n p | c\n---+---\n\n\n(0 rows)\n')
    check_eq('empty csv', sh(['--format', 'csv', '-e', q], port=port)[1], 'p,c\n')
    check_eq('empty json', sh(['--format', 'json', '-e', q], port=port)[1], '')

    # several statements in one -e, several -e, results in order
    rc, out, err = sh(['--format', 'csv', '-e', 'SELECT c FROM shks.t WHERE p = 1 AND c = 1;'
                       'SELECT c FROM shks.t WHERE p = 1 AND c = 2', '-e',
                       'SELECT v FROM shks.t WHERE p = 1 AND c = 1'], port=port)
    check_eq('several statements', out, 'c\n1\nc\n2\nv\na\n')

    # errors: stderr, exit 1, later statements still run
    rc, out, err = sh(['--format', 'csv', '-e',
                       'SELECT * FROM shks.nope;\nSELEC 1;\nSELECT c FROM shks.t WHERE p = 1 AND c = 3'],
                      port=port)
    check('errors: exit 1', rc == 1, rc)
    check_eq('errors: stderr', err,
             '-e:1: InvalidRequest [code=0x2200]: unconfigured table nope\n'
             "-e:2: SyntaxException [code=0x2000]: line 1:0 no viable alternative at input 'SELEC'\n")
    check_eq('errors: later statement ran', out, 'c\n3\n')
    rc, out, err = sh(['-e', 'SELECT \'abc'], port=port)
    check('unterminated string: exit 1', rc == 1, rc)
    check_eq('unterminated string: message', err,
             '-e:1: error: the input ends inside a string, quoted name or comment\n')

    # -f FILE: comments, strings holding ';', statements over lines
    with tempfile.NamedTemporaryFile('w', suffix='.cql', delete=False) as f:
        f.write("-- a comment; with a semicolon\n"
                "INSERT INTO shks.t (p, c, v) VALUES (2, 1, 'x;y'); /* ; */\n"
                "SELECT v\n  FROM shks.t // the table\n  WHERE p = 2;\n"
                "SELECT $$a;b$$ FROM shks.nope;\n")
        path = f.name
    try:
        rc, out, err = sh(['--format', 'csv', '-f', path], port=port)
        check('-f: exit 1 (one statement failed)', rc == 1, (rc, err))
        check_eq('-f: output', out, 'v\nx;y\n')
        check_eq('-f: error names the file and line', err,
                 '%s:6: InvalidRequest [code=0x2200]: unconfigured table nope\n' % path)
    finally:
        os.unlink(path)

    # standard input (not a terminal: no prompt); EXIT stops reading
    rc, out, err = sh(['--format', 'csv'], port=port,
                      stdin="SELECT v FROM shks.t\n WHERE p = 1 AND c = 1\n;\nexit\nSELECT nothing;\n")
    check('stdin: exit 0', rc == 0, (rc, err))
    check_eq('stdin: output, nothing after exit', out, 'v\na\n')
    rc, out, err = sh(['-f', '-', '--format', 'csv'], port=port,
                      stdin="SELECT v FROM shks.t WHERE p = 1 AND c = 1; QUIT; SELECT x FROM y;")
    check_eq('-f -: QUIT as a statement', (rc, out, err), (0, 'v\na\n', ''))

    # BEGIN ... APPLY BATCH is one statement despite its ';'s
    rc, out, err = sh(['--format', 'csv', '-e',
                       "BEGIN BATCH INSERT INTO shks.t (p, c, v) VALUES (4, 1, 'b;1');\n"
                       "INSERT INTO shks.t (p, c, v) VALUES (4, 2, 'b2'); APPLY BATCH;"
                       "SELECT c, v FROM shks.t WHERE p = 4"], port=port)
    check_eq('batch', (rc, out, err), (0, 'c,v\n1,b;1\n2,b2\n', ''))

    # USE switches every connection (3 nodes: queries land on all of them)
    rc, out, err = sh(['--format', 'csv', '-e', 'USE shks; ' +
                       '; '.join(['SELECT c FROM t WHERE p = 1 AND c = 1'] * 6)], port=port)
    check('USE: exit 0', rc == 0, (rc, err))
    check_eq('USE: every statement in the keyspace', out, 'c\n1\n' * 6)
    for proto in (3, 4, 5):
        rc, out, err = sh(['--protocol', str(proto), '-k', 'shks', '--format', 'csv', '-e',
                           '; '.join(['SELECT c FROM t WHERE p = 1 AND c = 2'] * 4)], port=port)
        check('-k, protocol v%d: exit 0' % proto, rc == 0, (rc, err))
        check_eq('-k, protocol v%d: output' % proto, out, 'c\n2\n' * 4)

    # paging: 250 rows in pages of 7, every one printed
    ins = ''.join("INSERT INTO shks.t (p, c, v) VALUES (3, %d, 'r%d');\n" % (i, i)
                  for i in range(250))
    rc, out, err = sh([], port=port, stdin=ins)
    check('250 inserts from stdin', rc == 0 and out == '' and err == '', (rc, err))
    rc, out, err = sh(['--page-size', '7', '--format', 'csv', '-e',
                       'SELECT c, v FROM shks.t WHERE p = 3'], port=port)
    want = 'c,v\n' + ''.join('%d,r%d\n' % (i, i) for i in range(250))
    check_eq('paging: csv has every row', out, want)
    rc, out, err = sh(['--page-size', '7', '-e', 'SELECT c FROM shks.t WHERE p = 3'], port=port)
    lines = out.split('\n')
    check('paging: table has every row', out.endswith('\n(250 rows)\n') and
          [ln.strip() for ln in lines[3:253]] == [str(i) for i in range(250)], out[-300:])
    # widths are per page (cqlsh): page 2 (rows 7..13) is as narrow as its cells
    check_eq('paging: table widths per page', lines[:12],
             ['', ' c', '---', ' 0', ' 1', ' 2', ' 3', ' 4', ' 5', ' 6', '  7', '  8'])
    rc, out, err = sh(['--page-size', '100', '--format', 'json', '-e',
                       'SELECT c FROM shks.t WHERE p = 3'], port=port)
    check_eq('paging: json', out, ''.join('{"c": %d}\n' % i for i in range(250)))

    # every protocol version reads the same
    for proto in (3, 4, 5):
        rc, out, err = sh(['--protocol', str(proto), '--format', 'json', '-e', SELECT], port=port)
        check_eq('protocol v%d: json' % proto, (rc, out, err), (0, JSON, ''))

    # precision options
    rc, out, err = sh(['--double-precision', '12', '-e',
                       'SELECT f FROM shks.t WHERE p = 1 AND c = 2'], port=port)
    check_eq('--double-precision 12', out, '\n f\n---------------\n 3.14159265359\n\n(1 rows)\n')
    rc, out, err = sh(['--format', 'csv', '--double-precision', '3', '-e',
                       'SELECT f FROM shks.t WHERE p = 1 AND c = 2'], port=port)
    check_eq('--double-precision 3 (csv)', out, 'f\n3.142\n')

    test_prompt(port)


def read_until(fd, marker, deadline):
    buf = b''
    while marker not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return buf
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return buf
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return buf
        if not chunk:
            return buf
        buf += chunk
    return buf


def test_prompt(port):
    """On a terminal: 'ucql> ', then '   ... ' inside a statement."""
    master, slave = pty.openpty()
    p = subprocess.Popen([SH, '--port', str(port), '--format', 'csv'], stdin=slave, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    deadline = time.monotonic() + TIMEOUT
    try:
        got = read_until(master, b'ucql> ', deadline)
        check('prompt', got.endswith(b'ucql> '), got)
        os.write(master, b'SELECT v FROM shks.t\n')
        got = read_until(master, b'   ... ', deadline)
        check('continuation prompt', got.endswith(b'   ... '), got)
        os.write(master, b'WHERE p = 1 AND c = 1;\n')
        got = read_until(master, b'ucql> ', deadline)
        check('prompt after a result', b'v\r\na\r\nucql> ' in got, got)
        os.write(master, b'quit\n')
        rc = p.wait(timeout=TIMEOUT)
        check('quit: exit 0', rc == 0, rc)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)


def test_auth(m):
    """PasswordAuthenticator: the right credentials in every protocol
    version; wrong or missing ones: no connection, exit 2."""
    q = ['--format', 'csv', '-e', 'SELECT release_version FROM system.local']
    for proto in (3, 4, 5):
        rc, out, err = sh(['--protocol', str(proto), '-u', 'app', '-p', 'secret'] + q, port=m.port)
        check_eq('auth v%d' % proto, (rc, out, err), (0, 'release_version\n4.0.11\n', ''))
    rc, out, err = sh(['--protocol', '4', '-u', 'app', '-p', 'wrong'] + q, port=m.port)
    check('auth: wrong password: exit 2', rc == 2 and out == '', (rc, out, err))
    check('auth: wrong password: message', 'cannot connect' in err and 'UCQL_E_AUTH' in err, err)
    rc, out, err = sh(q, port=m.port)
    check('auth: no credentials: exit 2', rc == 2 and 'UCQL_E_AUTH_REQUIRED' in err, (rc, err))


def main():
    try:
        test_cli()
    except Exception:
        check('cli: unexpected exception', False, traceback.format_exc())
    m = None
    try:
        m = mockrun.Mock(MOCK, ['--nodes', '3'], 26100 + os.getpid() % 500 * 3)
        test_cluster(m)
    except Exception:
        check('cluster: unexpected exception', False, traceback.format_exc())
    finally:
        if m is not None:
            problems = m.stop()
            check('ucql-mock stops cleanly', not problems, '; '.join(problems))
    m = None
    try:
        m = mockrun.Mock(MOCK, ['--auth', '--user', 'app:secret'], 26100 + os.getpid() % 500 * 3 + 1500)
        test_auth(m)
    except Exception:
        check('auth: unexpected exception', False, traceback.format_exc())
    finally:
        if m is not None:
            problems = m.stop()
            check('ucql-mock (auth) stops cleanly', not problems, '; '.join(problems))
    print('%d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
