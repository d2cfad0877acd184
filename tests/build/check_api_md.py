#!/usr/bin/python3
"""Every example of docs/API.md compiles and runs against ucql-mock.

Run by meson (suite 'unit', test 'docs/api'). Extracts each ```c block of
the guide (each is a whole program), compiles it the way a user would —
`cc -std=c11 -Wall -Wextra -Werror`, the public headers, the shared
library — starts `ucql-mock --nodes 3` on a free port (tests/interop/
mockrun.py), and runs each program with UCQL_EXAMPLE_HOST and
UCQL_EXAMPLE_PORT set. An example fails if it does not compile, exits
non-zero, runs longer than 30 s, or prints a sanitizer report. A block
preceded by a line `<!-- api-test: skip REASON -->` is compiled but not
run (for an example waiting on a driver fix; REASON is printed). Prints
'N passed, M failed'; exits 1 if any failed.

usage: check_api_md.py --doc docs/API.md --include DIR --lib libucql.so
                       --mock ucql-mock [--cflag F]... [--only N]... -- CC...
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import mockrun  # noqa: E402

RUN_TIMEOUT = 30.0      # per example: a guard against hangs, not a measurement
COMPILE_TIMEOUT = 120.0
SKIP_RE = re.compile(r'<!--\s*api-test:\s*skip\b\s*(.*?)\s*-->')


def extract(text):
    """[(index, line, heading, code, skip_reason)] for every ```c block."""
    blocks = []
    lines = text.split('\n')
    heading = ''
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('```'):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            if j == len(lines):
                raise SystemExit('line %d: unterminated ``` block' % (i + 1))
            if line.strip() == '```c':
                # a skip marker counts when only blank lines separate it
                # from the block
                k = i - 1
                while k >= 0 and not lines[k].strip():
                    k -= 1
                m = SKIP_RE.search(lines[k]) if k >= 0 else None
                skip = (m.group(1) or 'no reason given') if m else None
                blocks.append((len(blocks) + 1, i + 1, heading,
                               '\n'.join(lines[i + 1:j]) + '\n', skip))
            i = j + 1
            continue
        if line.startswith('#'):
            heading = line.lstrip('#').strip()
        i += 1
    return blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doc', required=True)
    ap.add_argument('--include', required=True)
    ap.add_argument('--lib', help='the shared library libucql.so')
    ap.add_argument('--mock')
    ap.add_argument('--compile-only', action='store_true',
                    help='compile each block as a translation unit (-c): no link, no run, no mock')
    ap.add_argument('--min-blocks', type=int, default=10)
    ap.add_argument('--cflag', action='append', default=[])
    ap.add_argument('--only', action='append', type=int, default=[],
                    help='run only example N (1-based; repeatable)')
    ap.add_argument('cc', nargs='+')
    a = ap.parse_args()

    with open(a.doc, encoding='utf-8') as f:
        blocks = extract(f.read())
    if a.only:
        blocks = [b for b in blocks if b[0] in a.only]

    passed = failed = 0

    def check(name, ok, detail=''):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print('FAIL: %s\n%s' % (name, detail.rstrip()))

    doc_name = os.path.basename(a.doc)
    check('%s has examples' % doc_name, len(blocks) >= a.min_blocks or bool(a.only), '%d blocks' % len(blocks))
    if not a.compile_only and (not a.lib or not a.mock):
        ap.error('--lib and --mock are needed unless --compile-only')
    libdir = os.path.dirname(os.path.abspath(a.lib)) if a.lib else ''
    tmp = tempfile.TemporaryDirectory(prefix='api-md-')
    exes = []
    for idx, line, heading, code, skip in blocks:
        name = 'example %d (%s:%d, %s)' % (idx, doc_name, line, heading)
        src = os.path.join(tmp.name, 'example%d.c' % idx)
        exe = os.path.join(tmp.name, 'example%d' % idx)
        with open(src, 'w', encoding='utf-8') as f:
            f.write(code)
        cmd = a.cc + ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pthread'] + a.cflag + ['-I', a.include]
        if a.compile_only:
            cmd += ['-c', src, '-o', exe + '.o']
        else:
            cmd += [src, '-o', exe, os.path.abspath(a.lib), '-Wl,-rpath,' + libdir]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT)
            ok, out = p.returncode == 0, p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            ok, out = False, 'compiler timed out'
        check(name + ' compiles', ok, ' '.join(cmd) + '\n' + out)
        if ok:
            exes.append((name, exe, skip))

    if a.compile_only:
        print('%d passed, %d failed' % (passed, failed))
        return 1 if failed else 0
    mock = mockrun.Mock(a.mock, ['--nodes', '3'], 21000 + os.getpid() % 2000 * 4)
    try:
        env = dict(os.environ, UCQL_EXAMPLE_HOST='127.0.0.1', UCQL_EXAMPLE_PORT=str(mock.port))
        for name, exe, skip in exes:
            if skip:
                print('SKIPPED (not run): %s: %s' % (name, skip))
                continue
            t0 = time.monotonic()
            try:
                p = subprocess.run([exe], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                                   env=env)
                rc, out = p.returncode, p.stdout + p.stderr
            except subprocess.TimeoutExpired as e:
                rc = 'timeout'
                out = 'ran longer than %d s\n' % RUN_TIMEOUT
                for part in (e.stdout, e.stderr):
                    if part:
                        out += part if isinstance(part, str) else part.decode(errors='replace')
            sanitizer = [m for m in mockrun.SANITIZER_MARKS if m in out]
            check(name + ' runs', rc == 0 and not sanitizer,
                  'exit status %s%s\n%s' % (rc, ', sanitizer report' if sanitizer else '', out[-4000:]))
            if rc == 0 and not sanitizer:
                print('ok: %s, %.1f s' % (name, time.monotonic() - t0))
    finally:
        problems = mock.stop()
        check('ucql-mock stops cleanly', not problems, '; '.join(problems))
        tmp.cleanup()

    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
