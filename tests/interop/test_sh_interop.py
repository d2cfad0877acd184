#!/usr/bin/python3
"""ucql-sh and Debian's python3-cassandra agree on every CQL type.

Usage: /usr/bin/python3 test_sh_interop.py path/to/ucql-sh path/to/ucql-mock
(Debian's python3: the pyenv python3 on PATH lacks the package.)

Against one ucql-mock (tests/interop/mockrun.py), for every case below (a
CQL type, a CQL literal and the Python value it stands for; every native
type, collections, tuples, frozen UDTs, nested collections, nulls, NaN and
infinities, big varints and decimals):
  1. ucql-sh writes the literal (INSERT via -f, all cases in one run), the
     Python driver reads the row back: it must equal the Python value.
  2. The Python driver writes the Python value (a prepared INSERT), ucql-sh
     reads it with --format json (all cases in one run): every line must
     parse as JSON and, mapped back by the column's CQL type, equal the
     Python value. (1.'s rows are read back the same way too.)
  3. Counters: incremented by each side, read by the other.
  4. Every protocol version (3, 4, 5) of ucql-sh reads the same JSON.
Each failing check prints "FAIL <check>: <detail>"; the last line is
"N passed, M failed".
"""

import calendar
import datetime
import decimal
import json
import logging
import math
import os
import re
import struct
import subprocess
import sys
import tempfile
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mockrun  # noqa: E402

try:
    from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
    from cassandra.policies import DCAwareRoundRobinPolicy
    from cassandra.util import Date, Duration, Time
    import cassandra
except ImportError as e:  # pragma: no cover
    print("python3-cassandra is missing (%s): run with Debian's /usr/bin/python3" % e)
    print("0 passed, 1 failed")
    sys.exit(1)

SH = None
passed = 0
failed = 0
TIMEOUT = 120  # a guard against hangs, not a measurement


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        d = str(detail)
        if len(d) > 800:
            d = d[:800] + "..."
        print("FAIL %s: %s" % (name, d), flush=True)
    return ok


# ---------------------------------------------------------------- the cases

NS = 1000000000
DUR = Duration(1, 2, 3 * 3600 * NS + 4 * 60 * NS + 5 * NS + 6000000 + 7000 + 8)
UUID1 = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
TUUID1 = uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3")
BIG = 123456789012345678901234567890123456789

# (column type, CQL literal, Python value). The column is named after the
# type; the row key is the case's index.
CASES = [
    ("ascii", "'abc'", "abc"),
    ("ascii", "''", ""),
    ("bigint", "-9223372036854775808", -9223372036854775808),
    ("bigint", "1234567890123", 1234567890123),
    ("blob", "0xcafe00ff", b"\xca\xfe\x00\xff"),
    ("blob", "0x", b""),
    ("boolean", "true", True),
    ("boolean", "false", False),
    ("date", "'2024-01-02'", Date(datetime.date(2024, 1, 2))),
    ("date", "'1970-01-01'", Date(datetime.date(1970, 1, 1))),
    ("date", "'0001-01-01'", Date(datetime.date(1, 1, 1))),
    ("decimal", "-12345.678901234567890123", decimal.Decimal("-12345.678901234567890123")),
    ("decimal", "0.000001", decimal.Decimal("0.000001")),
    ("decimal", "1E-10", decimal.Decimal("1E-10")),
    ("decimal", "%d.5" % BIG, decimal.Decimal("%d.5" % BIG)),
    ("decimal", "0", decimal.Decimal("0")),
    ("double", "3.141592653589793", 3.141592653589793),
    ("double", "-1e300", -1e300),
    ("double", "5e-324", 5e-324),
    ("double", "NaN", float("nan")),
    ("double", "Infinity", float("inf")),
    ("double", "-Infinity", float("-inf")),
    ("duration", "1mo2d3h4m5s6ms7us8ns", DUR),
    ("duration", "-1y2d", Duration(-12, -2, 0)),
    ("duration", "90m", Duration(0, 0, 90 * 60 * NS)),
    ("float", "1.5", 1.5),
    ("float", "0.1", struct.unpack(">f", struct.pack(">f", 0.1))[0]),
    ("float", "-3.4028235e38", struct.unpack(">f", struct.pack(">f", -3.4028235e38))[0]),
    ("float", "NaN", float("nan")),
    ("float", "-Infinity", float("-inf")),
    ("inet", "'127.0.0.1'", "127.0.0.1"),
    ("inet", "'::1'", "::1"),
    ("inet", "'2001:db8::ff00:42:8329'", "2001:db8::ff00:42:8329"),
    ("int", "-2147483648", -2147483648),
    ("int", "42", 42),
    ("smallint", "-32768", -32768),
    ("text", "'h\u00e9llo ''w\u00f6rld'' \u65e5\u672c'", "h\u00e9llo 'w\u00f6rld' \u65e5\u672c"),
    ("text", "'semi;colon \"quoted\" back\\\\slash'", 'semi;colon "quoted" back\\\\slash'),
    ("text", "$$dollar 'quoted'$$", "dollar 'quoted'"),
    ("text", "''", ""),
    ("time", "'03:04:05.678901234'", Time(3 * 3600 * NS + 4 * 60 * NS + 5 * NS + 678901234)),
    ("time", "'00:00:00'", Time(0)),
    ("timestamp", "'2024-01-02 03:04:05.678+0000'", datetime.datetime(2024, 1, 2, 3, 4, 5, 678000)),
    ("timestamp", "'1969-12-31 23:59:59.999+0000'", datetime.datetime(1969, 12, 31, 23, 59, 59, 999000)),
    ("timeuuid", str(TUUID1), TUUID1),
    ("tinyint", "-128", -128),
    ("uuid", str(UUID1), UUID1),
    ("varchar", "'v'", "v"),
    ("varint", str(BIG), BIG),
    ("varint", str(-BIG), -BIG),
    ("varint", "0", 0),
    ("list<int>", "[1, 2, 3]", [1, 2, 3]),
    ("list<int>", "[]", None),  # an empty collection is null in Cassandra
    ("set<text>", "{'a', 'b'}", {"a", "b"}),
    ("map<text, int>", "{'a': 1, 'b': 2}", {"a": 1, "b": 2}),
    ("map<int, boolean>", "{1: true, -2: false}", {1: True, -2: False}),
    ("map<timestamp, inet>", "{'2024-01-02 03:04:05.678+0000': '10.0.0.1'}",
     {datetime.datetime(2024, 1, 2, 3, 4, 5, 678000): "10.0.0.1"}),
    ("tuple<int, text>", "(1, 'a')", (1, "a")),
    ("tuple<int, text, double>", "(null, 'b', 2.5)", (None, "b", 2.5)),
    ("frozen<pt>", "{f1: 1, f2: 'x'}", ("udt", (1, "x"))),
    ("frozen<pt>", "{f1: 2}", ("udt", (2, None))),
    ("list<frozen<map<text, frozen<set<int>>>>>", "[{'a': {1, 2}}, {'b': {3}}]",
     [{"a": {1, 2}}, {"b": {3}}]),
    ("map<int, frozen<list<text>>>", "{1: ['x', 'y'], 2: []}", {1: ["x", "y"], 2: []}),
    ("set<frozen<tuple<int, text>>>", "{(1, 'a'), (2, 'b')}", {(1, "a"), (2, "b")}),
    ("list<frozen<pt>>", "[{f1: 3, f2: 'z'}, {f1: 4}]", [("udt", (3, "z")), ("udt", (4, None))]),
    ("map<text, frozen<tuple<date, time>>>", "{'k': ('2024-01-02', '01:02:03')}",
     {"k": (Date(datetime.date(2024, 1, 2)), Time(3723 * NS))}),
    ("frozen<list<decimal>>", "[1.5, -0.25]", [decimal.Decimal("1.5"), decimal.Decimal("-0.25")]),
    ("int", "null", None),
    ("text", "null", None),
]

UDT_FIELDS = ("f1", "f2")


def col_name(t):
    return "c_" + re.sub(r"[^a-z0-9]+", "_", t).strip("_")


COLUMNS = sorted(set(t for t, _, _ in CASES))


# ---------------------------------------------------------------- CQL types

def parse_type(s):
    """CQL type text -> (name, [subtypes]); frozen<> dropped."""
    s = s.strip()
    m = re.match(r"^(\w+)\s*<(.*)>$", s)
    if not m:
        return (s, [])
    name, inner = m.group(1), m.group(2)
    if name == "frozen":
        return parse_type(inner)
    parts, depth, last = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[last:i])
            last = i + 1
    parts.append(inner[last:])
    return (name, [parse_type(p) for p in parts])


def f32(x):
    return struct.unpack(">f", struct.pack(">f", x))[0]


def float_canon(x, is_float):
    if isinstance(x, str):  # ucql-sh's JSON: "NaN", "Infinity", "-Infinity"
        x = float(x)
    x = float(x)
    if math.isnan(x):
        return "nan"
    return f32(x) if is_float else x


EPOCH = datetime.datetime(1970, 1, 1)


def ts_ms(dt):
    return calendar.timegm(dt.utctimetuple()) * 1000 + dt.microsecond // 1000


def canon_py(v, t):
    """A Python driver value (or a case's Python value) in a comparable form."""
    name, sub = t
    if v is None:
        return None
    if name in ("float", "double"):
        return float_canon(v, name == "float")
    if name == "decimal":
        return ("dec", decimal.Decimal(v), str(decimal.Decimal(v)))
    if name == "date":
        return ("date", v.days_from_epoch if isinstance(v, Date) else Date(v).days_from_epoch)
    if name == "time":
        return ("time", v.nanosecond_time if isinstance(v, Time) else Time(v).nanosecond_time)
    if name == "timestamp":
        return ("ts", ts_ms(v))
    if name == "duration":
        return ("dur", v.months, v.days, v.nanoseconds)
    if name in ("uuid", "timeuuid"):
        return uuid.UUID(str(v))
    if name == "blob":
        return bytes(v)
    if name == "list":
        return [canon_py(x, sub[0]) for x in v]
    if name == "set":
        return sorted((canon_py(x, sub[0]) for x in v), key=repr)
    if name == "map":
        return sorted(((canon_py(k, sub[0]), canon_py(x, sub[1])) for k, x in v.items()), key=repr)
    if name == "tuple":
        return tuple(canon_py(x, s) for x, s in zip(v, sub))
    if name == "pt":  # the UDT: a case's ("udt", values) or the driver's namedtuple
        vals = v[1] if isinstance(v, tuple) and len(v) == 2 and v[0] == "udt" else \
            tuple(getattr(v, f) for f in UDT_FIELDS)
        return ("udt",) + tuple(canon_py(x, ("int" if i == 0 else "text", []))
                                for i, x in enumerate(vals))
    return v


def parse_duration(s):
    m = re.match(r"^(-?)((?:\d+(?:y|mo|d|h|m|s|ms|us|ns))+)$", s)
    if not m:
        raise ValueError("bad duration %r" % s)
    sign = -1 if m.group(1) else 1
    mo = d = ns = 0
    unit_ns = {"h": 3600 * NS, "m": 60 * NS, "s": NS, "ms": 1000000, "us": 1000, "ns": 1}
    for num, unit in re.findall(r"(\d+)(y|mo|d|h|ms|m|s|us|ns)", m.group(2)):
        n = int(num)
        if unit == "y":
            mo += 12 * n
        elif unit == "mo":
            mo += n
        elif unit == "d":
            d += n
        else:
            ns += n * unit_ns[unit]
    return ("dur", sign * mo, sign * d, sign * ns)


def canon_json(j, t):
    """A value of ucql-sh's JSON output in the same comparable form."""
    name, sub = t
    if j is None:
        return None
    if name in ("float", "double"):
        return float_canon(j, name == "float")
    if name == "decimal":
        return ("dec", decimal.Decimal(j), str(j))
    if name == "date":
        d = datetime.datetime.strptime(j, "%Y-%m-%d")
        return ("date", (d - EPOCH).days)
    if name == "time":
        hms, frac = j.split(".")
        h, mi, s = (int(x) for x in hms.split(":"))
        return ("time", ((h * 60 + mi) * 60 + s) * NS + int(frac.ljust(9, "0")))
    if name == "timestamp":
        return ("ts", ts_ms(datetime.datetime.strptime(j, "%Y-%m-%d %H:%M:%S.%fZ")))
    if name == "duration":
        return parse_duration(j)
    if name in ("uuid", "timeuuid"):
        return uuid.UUID(j)
    if name == "blob":
        if not j.startswith("0x"):
            raise ValueError("blob %r" % j)
        return bytes.fromhex(j[2:])
    if name in ("list", "set"):
        got = [canon_json(x, sub[0]) for x in j]
        return got if name == "list" else sorted(got, key=repr)
    if name == "map":
        # keys that are not JSON strings come as their JSON text in a string
        def key(k):
            if sub[0][0] in ("ascii", "text", "varchar", "inet", "date", "time", "timestamp",
                             "uuid", "timeuuid", "blob", "duration"):
                return canon_json(k, sub[0])
            return canon_json(json.loads(k, parse_float=decimal.Decimal), sub[0])
        return sorted(((key(k), canon_json(x, sub[1])) for k, x in j.items()), key=repr)
    if name == "tuple":
        return tuple(canon_json(x, s) for x, s in zip(j, sub))
    if name == "pt":
        return ("udt", canon_json(j.get("f1"), ("int", [])), canon_json(j.get("f2"), ("text", [])))
    return j


# ---------------------------------------------------------------- running things

def sh(port, args, stdin=None):
    p = subprocess.run([SH, "--port", str(port)] + args, input=stdin, capture_output=True,
                       text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def sh_file(port, text, args=()):
    with tempfile.NamedTemporaryFile("w", suffix=".cql", delete=False, encoding="utf-8") as f:
        f.write(text)
        path = f.name
    try:
        return sh(port, list(args) + ["-f", path])
    finally:
        os.unlink(path)


def json_lines(out):
    return [json.loads(line, parse_float=decimal.Decimal) for line in out.splitlines()]


def read_back_json(port, keys, label, args=()):
    """ucql-sh --format json of each case's key and column; returns the
    parsed rows (a missing row shows as a key mismatch in compare_json)."""
    stmts = "".join("SELECT k, %s FROM ik.t WHERE k = %d;\n" % (col_name(CASES[i][0]), k)
                    for i, k in keys)
    rc, out, err = sh_file(port, stmts, ["--format", "json"] + list(args))
    check("%s: ucql-sh exit 0" % label, rc == 0 and err == "", (rc, err))
    try:
        rows = json_lines(out)
    except ValueError as e:
        check("%s: JSON parses" % label, False, "%s in %r" % (e, out[:500]))
        return []
    check("%s: one JSON line per row" % label, len(rows) == len(keys), (len(rows), len(keys)))
    return rows


def compare_json(rows, keys, label):
    by_key = {row.get("k"): row for row in rows}
    for i, k in keys:
        t, lit, want = CASES[i]
        name = "%s: case %d %s %s" % (label, i, t, lit)
        row = by_key.get(k)
        if row is None:
            check(name, False, "no row for k = %d" % k)
            continue
        try:
            got = canon_json(row.get(col_name(t)), parse_type(t))
            check(name, got == canon_py(want, parse_type(t)),
                  "got %r want %r (json %r)" % (got, canon_py(want, parse_type(t)), row))
        except Exception:
            check(name, False, traceback.format_exc())


def run(m):
    port = m.port
    cols = ", ".join("%s %s" % (col_name(t), t) for t in COLUMNS)
    rc, out, err = sh(port, ["-e",
                             "CREATE KEYSPACE ik WITH replication = {'class': 'SimpleStrategy', "
                             "'replication_factor': 1};"
                             "CREATE TYPE ik.pt (f1 int, f2 text);"
                             "CREATE TABLE ik.t (k int PRIMARY KEY, %s);"
                             "CREATE TABLE ik.c (k int PRIMARY KEY, n counter);" % cols])
    check("schema by ucql-sh", rc == 0 and err == "", (rc, err))

    # 1. ucql-sh writes literals, the Python driver reads
    ins = "".join("INSERT INTO ik.t (k, %s) VALUES (%d, %s);\n" % (col_name(t), i, lit)
                  for i, (t, lit, _) in enumerate(CASES))
    rc, out, err = sh_file(port, ins)
    check("1: ucql-sh INSERTs exit 0", rc == 0 and err == "" and out == "", (rc, err, out))

    prof = ExecutionProfile(load_balancing_policy=DCAwareRoundRobinPolicy(local_dc="dc1"),
                            request_timeout=20)
    c = Cluster(["127.0.0.1"], port=port, connect_timeout=10, control_connection_timeout=10,
                execution_profiles={EXEC_PROFILE_DEFAULT: prof}, idle_heartbeat_interval=0)
    try:
        s = c.connect()
        for i, (t, lit, want) in enumerate(CASES):
            name = "1: case %d %s %s" % (i, t, lit)
            try:
                row = s.execute("SELECT %s FROM ik.t WHERE k = %d" % (col_name(t), i)).one()
                got = None if row is None else getattr(row, col_name(t))
                check(name, canon_py(got, parse_type(t)) == canon_py(want, parse_type(t)),
                      "python driver read %r, want %r" % (got, want))
            except Exception:
                check(name, False, traceback.format_exc())

        # 2. the Python driver writes values, ucql-sh reads them as JSON
        base = 1000
        for i, (t, lit, want) in enumerate(CASES):
            name = "2: python writes case %d %s" % (i, t)
            try:
                v = want
                if t == "frozen<pt>":
                    v = want[1]
                elif t == "list<frozen<pt>>":
                    v = [x[1] for x in want]
                p = s.prepare("INSERT INTO ik.t (k, %s) VALUES (?, ?)" % col_name(t))
                s.execute(p, (base + i, v))
                check(name, True)
            except Exception:
                check(name, False, traceback.format_exc())
        keys = [(i, base + i) for i in range(len(CASES))]
        compare_json(read_back_json(port, keys, "2: ucql-sh reads"), keys, "2")
        # 1.'s rows read back by ucql-sh too, in each protocol version
        keys = [(i, i) for i in range(len(CASES))]
        for proto in (3, 4, 5):
            label = "4: ucql-sh v%d reads ucql-sh's rows" % proto
            compare_json(read_back_json(port, keys, label, ["--protocol", str(proto)]), keys, label)

        # 3. counters, from both sides
        rc, out, err = sh(port, ["-e", "UPDATE ik.c SET n = n + 40 WHERE k = 1; "
                                       "UPDATE ik.c SET n = n + 2 WHERE k = 1"])
        check("3: ucql-sh counter updates", rc == 0 and err == "", (rc, err))
        row = s.execute("SELECT n FROM ik.c WHERE k = 1").one()
        check("3: python reads ucql-sh's counter", row is not None and row.n == 42, row)
        s.execute("UPDATE ik.c SET n = n - %s WHERE k = 1", (50,))
        rc, out, err = sh(port, ["--format", "json", "-e", "SELECT k, n FROM ik.c WHERE k = 1"])
        check("3: ucql-sh reads python's counter", (rc, out) == (0, '{"k": 1, "n": -8}\n'), (rc, out, err))
    finally:
        c.shutdown()


def main():
    global SH
    if len(sys.argv) != 3:
        print("usage: %s path/to/ucql-sh path/to/ucql-mock" % sys.argv[0])
        print("0 passed, 1 failed")
        return 1
    SH = sys.argv[1]
    logging.basicConfig(level=logging.CRITICAL)
    print("python3-cassandra %s, %d cases" % (cassandra.__version__, len(CASES)), flush=True)
    m = None
    try:
        m = mockrun.Mock(sys.argv[2], ["--nodes", "1"], 20100 + os.getpid() % 500 * 2)
        run(m)
    except Exception:
        check("unexpected exception", False, traceback.format_exc())
    finally:
        if m is not None:
            problems = m.stop()
            check("ucql-mock stops cleanly", not problems, "; ".join(problems))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
