#!/usr/bin/python3
"""ucql-mock accepted by a real driver: Debian's python3-cassandra 3.25.

Usage: /usr/bin/python3 test_mock_driver.py path/to/ucql-mock
(Debian's python3: the pyenv python3 on PATH lacks the package.)

Each scenario starts its own ucql-mock (tests/interop/mockrun.py), drives it
with cassandra.cluster.Cluster and stops it with SIGTERM: it must exit 0
without a sanitizer report. Every failing check prints one line
"FAIL <check>: <detail>"; the last line is "N passed, M failed".
Scenarios are numbered as in `issues show 3` ("Proven by a real driver").
"""

import datetime
import decimal
import logging
import os
import sys
import threading
import time
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mockrun  # noqa: E402

try:
    from cassandra import (AlreadyExists, AuthenticationFailed, ConsistencyLevel,
                           InvalidRequest, ProtocolVersion, Unavailable)
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster, NoHostAvailable, ExecutionProfile, EXEC_PROFILE_DEFAULT
    from cassandra.policies import (ConstantReconnectionPolicy, DCAwareRoundRobinPolicy,
                                    TokenAwarePolicy, RoundRobinPolicy)
    from cassandra.protocol import SyntaxException
    from cassandra.query import BatchStatement, BatchType, SimpleStatement
    from cassandra.util import Date, Duration, Time
    import cassandra
except ImportError as e:  # pragma: no cover
    print("python3-cassandra is missing (%s): run with Debian's /usr/bin/python3" % e)
    print("0 passed, 1 failed")
    sys.exit(1)

HERE = os.path.dirname(os.path.abspath(__file__))
TLS_DIR = os.path.join(HERE, "..", "data", "tls")
MOCK = None
BASE_PORT = 19100 + os.getpid() % 500
_next_port = [0]

passed = 0
failed = 0


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


def start_mock(*args):
    # Each scenario gets ports of its own (a previous one may linger in
    # TIME_WAIT); Mock retries upwards when a port is in use.
    base = BASE_PORT + _next_port[0]
    _next_port[0] += 25
    m = mockrun.Mock(MOCK, args, base)
    return m


def new_cluster(port, contact="127.0.0.1", **kw):
    kw.setdefault("connect_timeout", 5)
    kw.setdefault("control_connection_timeout", 5)
    kw.setdefault("idle_heartbeat_interval", 0)
    kw.setdefault("schema_event_refresh_window", 0)
    kw.setdefault("topology_event_refresh_window", 0)
    kw.setdefault("status_event_refresh_window", 0)
    kw.setdefault("max_schema_agreement_wait", 5)
    kw.setdefault("reconnection_policy", ConstantReconnectionPolicy(0.2, None))
    if "execution_profiles" not in kw and "load_balancing_policy" not in kw:
        kw["execution_profiles"] = {EXEC_PROFILE_DEFAULT: ExecutionProfile(
            load_balancing_policy=DCAwareRoundRobinPolicy(local_dc="dc1"), request_timeout=10)}
    return Cluster([contact], port=port, **kw)


def scenario(name, fn, *mock_args):
    """Runs fn(mock) against a fresh ucql-mock; any exception is a failure."""
    try:
        m = start_mock(*mock_args)
    except Exception as e:
        check("%s: start" % name, False, e)
        return
    try:
        fn(m)
    except Exception:
        check("%s: unexpected exception" % name, False, traceback.format_exc())
    problems = m.stop()
    check("%s: ucql-mock stops cleanly on SIGTERM" % name, not problems, "; ".join(problems))


def wait_for(pred, timeout):
    """Polls pred (a state the driver updates on its own threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def pool_connection(session, host):
    pool = session._pools.get(host)
    return None if pool is None else pool._connection


# ---------------------------------------------------------------- 1 connect

def s1_connect(m):
    versions = [(3, ProtocolVersion.V3), (4, ProtocolVersion.V4), (5, ProtocolVersion.V5), ("auto", None)]
    for label, pv in versions:
        for comp in (False, True, "lz4"):
            name = "1 connect v%s compression=%r" % (label, comp)
            kw = {"compression": comp}
            if pv is not None:
                kw["protocol_version"] = pv
            c = new_cluster(m.port, **kw)
            try:
                s = c.connect()
                want = pv if pv is not None else 5
                check(name + ": protocol_version", c.protocol_version == want, c.protocol_version)
                row = s.execute("SELECT release_version, native_protocol_version FROM system.local").one()
                check(name + ": system.local", row is not None and row.release_version == "4.0.11", row)
                check(name + ": 3 hosts up", len([h for h in c.metadata.all_hosts() if h.is_up]) == 3,
                      c.metadata.all_hosts())
                # A large value makes compression actually apply to a frame.
                big = "x" * 20000 + "y" * 1000
                s.execute("CREATE KEYSPACE IF NOT EXISTS c1 WITH replication = "
                          "{'class': 'SimpleStrategy', 'replication_factor': 3}")
                s.execute("CREATE TABLE IF NOT EXISTS c1.t (k int PRIMARY KEY, v text)")
                s.execute("INSERT INTO c1.t (k, v) VALUES (%s, %s)", (1, big))
                got = s.execute("SELECT v FROM c1.t WHERE k = 1").one()
                check(name + ": big value round trip", got is not None and got.v == big,
                      None if got is None else len(got.v))
                conn = c.control_connection._connection
                if comp:
                    if c.protocol_version >= 5:
                        ok = getattr(conn, "_is_checksumming_enabled", False) and conn.compressor is not None
                    else:
                        ok = conn.compressor is not None
                    check(name + ": lz4 in use", ok, conn.compressor)
                else:
                    check(name + ": no compression", conn.compressor is None, conn.compressor)
            except Exception:
                check(name, False, traceback.format_exc())
            finally:
                c.shutdown()


def s1_mixed(m):
    # The Python driver negotiates on its control connection only (pools
    # never downgrade): contacted first, the v4 node makes it settle on v4
    # for every node.
    c = new_cluster(m.port, contact="127.0.0.3")
    try:
        s = c.connect()
        check("1 mixed: driver negotiated v4", c.protocol_version == 4, c.protocol_version)
        s.execute("CREATE KEYSPACE IF NOT EXISTS mx WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 3}")
        s.execute("CREATE TABLE IF NOT EXISTS mx.t (k int PRIMARY KEY, v int)")
        hosts = c.metadata.all_hosts()
        check("1 mixed: 3 hosts up", len([h for h in hosts if h.is_up]) == 3, hosts)
        # Every node (node 3 included) answers queries on the v4 pools.
        seen = set()
        for h in hosts:
            conn = pool_connection(s, h)
            check("1 mixed: pool to %s on v4" % h.address,
                  conn is not None and conn.protocol_version == 4,
                  None if conn is None else conn.protocol_version)
        for i in range(12):
            rs = s.execute("INSERT INTO mx.t (k, v) VALUES (%s, %s)", (i, i))
            seen.add(rs.response_future._current_host.address)
        check("1 mixed: all 3 nodes served requests", len(seen) == 3, seen)
        got = sorted(r.k for r in s.execute("SELECT k FROM mx.t"))
        check("1 mixed: rows", got == list(range(12)), got)
    finally:
        c.shutdown()
    # Contacted first, a v5 node makes the driver stay on v5: the v4 node
    # refuses v5 as Cassandra does (the driver then leaves it without a pool)
    # and the other nodes keep serving.
    c = new_cluster(m.port, contact="127.0.0.1")
    try:
        s = c.connect()
        check("1 mixed via node 1: v5", c.protocol_version == 5, c.protocol_version)
        h3 = c.metadata.get_host("127.0.0.3")
        check("1 mixed via node 1: no v5 pool to the v4 node", pool_connection(s, h3) is None,
              pool_connection(s, h3))
        got = sorted(r.k for r in s.execute("SELECT k FROM mx.t"))
        check("1 mixed via node 1: queries work", got == list(range(12)), got)
    finally:
        c.shutdown()


# ---------------------------------------------------------------- 2 metadata

def s2_metadata(m):
    c = new_cluster(m.port)
    try:
        s = c.connect()
        hosts = {h.address: h for h in c.metadata.all_hosts()}
        check("2 hosts", sorted(hosts) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"], sorted(hosts))
        for a, h in hosts.items():
            check("2 host %s dc/rack" % a, (h.datacenter, h.rack) == ("dc1", "rack1"),
                  (h.datacenter, h.rack))
            check("2 host %s release_version" % a, h.release_version == "4.0.11", h.release_version)
        check("2 peers_v2 used (4.0 mode)", c.control_connection._uses_peers_v2 is True,
              c.control_connection._uses_peers_v2)

        s.execute("CREATE KEYSPACE md WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 2}")
        s.execute("CREATE TABLE md.t (a int, b text, c bigint, d map<text, int>, e frozen<list<int>>, "
                  "PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC)")
        ks = c.metadata.keyspaces.get("md")
        check("2 keyspace md", ks is not None, list(c.metadata.keyspaces))
        if ks is not None:
            check("2 keyspace replication", ks.replication_strategy.replication_factor == 2,
                  ks.replication_strategy.export_for_schema())
            t = ks.tables.get("t")
            check("2 table md.t", t is not None, list(ks.tables))
            if t is not None:
                cols = {n: col.cql_type for n, col in t.columns.items()}
                want = {"a": "int", "b": "text", "c": "bigint", "d": "map<text, int>",
                        "e": "frozen<list<int>>"}
                check("2 columns", cols == want, cols)
                check("2 partition key", [col.name for col in t.partition_key] == ["a", "b"],
                      [col.name for col in t.partition_key])
                check("2 clustering key", [col.name for col in t.clustering_key] == ["c"],
                      [col.name for col in t.clustering_key])
                check("2 clustering order", t.clustering_key[0].is_reversed is True,
                      t.clustering_key[0].is_reversed)
        # A later ALTER-less DDL (a new table) reaches the metadata too.
        s.execute("CREATE TABLE md.u (k text PRIMARY KEY, v blob)")
        check("2 second table", "u" in c.metadata.keyspaces["md"].tables,
              list(c.metadata.keyspaces["md"].tables))
        s.execute("DROP TABLE md.u")
        check("2 dropped table", "u" not in c.metadata.keyspaces["md"].tables,
              list(c.metadata.keyspaces["md"].tables))

        tm = c.metadata.token_map
        check("2 token map", tm is not None)
        if tm is not None:
            owners = tm.token_to_host_owner
            check("2 token count (3 nodes x 16 vnodes)", len(owners) == 48, len(owners))
            per = {}
            for tok, h in owners.items():
                per[h.address] = per.get(h.address, 0) + 1
            check("2 16 tokens per host", sorted(per.values()) == [16, 16, 16], per)
            for key in (b"a", b"hello", b"\x00\x01\x02", b"zzzzzz"):
                reps = c.metadata.get_replicas("md", key)
                check("2 replicas of %r: 2 distinct" % key,
                      len(reps) == 2 and len(set(r.address for r in reps)) == 2, reps)
                # The first replica owns the first token at or after the key's token.
                tok = tm.token_class.from_key(key)
                ring = tm.ring
                first = next((t for t in ring if t >= tok), ring[0])
                check("2 replicas of %r: primary owner" % key, reps and reps[0] is owners[first],
                      (reps, owners[first]))
        # The mock's own view of the nodes.
        rows = sorted((r.node, r.address, r.dc, r.rack, r.state)
                      for r in s.execute("SELECT * FROM ucql_mock.nodes"))
        want = [(i, "127.0.0.%d" % i, "dc1", "rack1", "up") for i in (1, 2, 3)]
        check("2 ucql_mock.nodes", rows == want, rows)
    finally:
        c.shutdown()


def s2_two_dcs(m):
    c = new_cluster(m.port)
    try:
        c.connect()
        got = sorted((h.address, h.datacenter, h.rack) for h in c.metadata.all_hosts())
        # Node i: DC ((i-1) mod 2)+1, racks round-robin inside its DC.
        want = [("127.0.0.1", "dc1", "rack1"), ("127.0.0.2", "dc2", "rack1"),
                ("127.0.0.3", "dc1", "rack2"), ("127.0.0.4", "dc2", "rack2")]
        check("2 two DCs: hosts, DCs and racks", got == want, got)
        tm = c.metadata.token_map
        check("2 two DCs: token map (4 x 16)", tm is not None and len(tm.token_to_host_owner) == 64,
              None if tm is None else len(tm.token_to_host_owner))
        s = c.connect()
        s.execute("CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', "
                  "'dc1': 2, 'dc2': 1}")
        for key in (b"k1", b"k2", b"k3"):
            reps = c.metadata.get_replicas("nts", key)
            dcs = sorted(r.datacenter for r in reps)
            check("2 two DCs: NTS replicas of %r" % key, dcs == ["dc1", "dc1", "dc2"], reps)
    finally:
        c.shutdown()


def s2_release_311(m):
    c = new_cluster(m.port)
    try:
        s = c.connect()
        check("2 3.11: protocol v4", c.protocol_version == 4, c.protocol_version)
        check("2 3.11: system.peers used", c.control_connection._uses_peers_v2 is False,
              c.control_connection._uses_peers_v2)
        hosts = sorted((h.address, h.release_version, h.is_up) for h in c.metadata.all_hosts())
        want = [("127.0.0.%d" % i, "3.11.16", True) for i in (1, 2, 3)]
        check("2 3.11: hosts", hosts == want, hosts)
        tm = c.metadata.token_map
        check("2 3.11: token map", tm is not None and len(tm.token_to_host_owner) == 48,
              None if tm is None else len(tm.token_to_host_owner))
        s.execute("CREATE KEYSPACE old WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE old.t (k int PRIMARY KEY, v text)")
        t = c.metadata.keyspaces.get("old") and c.metadata.keyspaces["old"].tables.get("t")
        check("2 3.11: table metadata", t is not None and sorted(t.columns) == ["k", "v"],
              None if not t else list(t.columns))
        s.execute("INSERT INTO old.t (k, v) VALUES (1, 'one')")
        row = s.execute("SELECT v FROM old.t WHERE k = 1").one()
        check("2 3.11: query", row is not None and row.v == "one", row)
    finally:
        c.shutdown()


# ---------------------------------------------------------------- 3 types

TYPES_DDL = """CREATE TABLE ty.all (
  k int PRIMARY KEY,
  a ascii, bi bigint, bl blob, bo boolean, da date, de decimal, do double,
  du duration, fl float, i4 inet, i6 inet, i int, si smallint, te text,
  ti time, ts timestamp, tu timeuuid, tiny tinyint, u uuid, vi varint,
  li list<int>, se set<text>, ma map<text, int>, tup tuple<int, text, boolean>,
  ad frozen<addr>, nl map<text, frozen<list<int>>>, ns list<frozen<set<int>>>,
  nm map<int, frozen<map<text, frozen<tuple<int, text>>>>>)"""

COLS = ["k", "a", "bi", "bl", "bo", "da", "de", "do", "du", "fl", "i4", "i6", "i", "si",
        "te", "ti", "ts", "tu", "tiny", "u", "vi", "li", "se", "ma", "tup", "ad", "nl", "ns", "nm"]


class Addr(object):
    def __init__(self, street=None, number=None, tags=None):
        self.street = street
        self.number = number
        self.tags = tags


def type_values(k, Address):
    return {
        "k": k,
        "a": "ascii only ~!",
        "bi": -9223372036854775808 + k,
        "bl": b"\x00\x01\xfe\xff" * 3,
        "bo": k % 2 == 0,
        "da": datetime.date(2024, 2, 29),
        "de": decimal.Decimal("-12345678901234567890.000123"),
        "do": 2.5e-300,
        "du": Duration(14, 3, 123456789),
        "fl": 1.5,
        "i4": "192.168.10.200",
        "i6": "2001:db8::ff00:42:8329",
        "i": -2147483648,
        "si": -32768,
        "te": "héllo wörld \u2603 'quoted'",
        "ti": datetime.time(23, 59, 58, 999999),
        "ts": datetime.datetime(2021, 7, 4, 12, 30, 45, 123000),
        "tu": uuid.UUID("e8d5d6d0-3c25-11ef-9a1b-0242ac120002"),
        "tiny": -128,
        "u": uuid.UUID("123e4567-e89b-42d3-a456-426614174000"),
        "vi": 10 ** 40 + 7,
        "li": [3, 1, 2, 3],
        "se": {"b", "a", "c"},
        "ma": {"x": 1, "y": -2},
        "tup": (7, "seven", True),
        "ad": Address("Main St", 42, ["t1", "t2"]),
        "nl": {"one": [1], "two": [2, 2]},
        "ns": [{1, 2}, {3}],
        "nm": {1: {"a": (1, "x")}, 2: {}},
    }


def compare_types(name, row, want):
    if row is None:
        check(name, False, "no row")
        return
    for col in COLS:
        got = getattr(row, col)
        exp = want[col]
        if col == "da":
            ok = isinstance(got, Date) and got.date() == exp
        elif col == "ti":
            ok = isinstance(got, Time) and got == Time(exp)
        elif col == "se":
            ok = set(got) == exp
        elif col == "ns":
            ok = [set(x) for x in got] == exp
        elif col == "nm":
            # An empty frozen map inside is stored as an empty map.
            ok = {a: (dict(b) if b is not None else {}) for a, b in got.items()} == exp
        elif col == "ad":
            ok = (got.street, got.number, list(got.tags)) == (exp.street, exp.number, exp.tags)
        elif col in ("li",):
            ok = list(got) == exp
        elif col == "ma" or col == "nl":
            ok = {a: (list(b) if isinstance(b, list) else b) for a, b in got.items()} == exp
        else:
            ok = got == exp
        check("%s: column %s" % (name, col), ok, "got %r want %r" % (got, exp))


def s3_types(m, pv=None):
    kw = {} if pv is None else {"protocol_version": pv}
    c = new_cluster(m.port, **kw)
    tag = "" if pv is None else " v%d" % pv
    try:
        s = c.connect()
        s.execute("CREATE KEYSPACE ty WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 3}")
        s.execute("CREATE TYPE ty.addr (street text, number int, tags list<text>)")
        s.execute(TYPES_DDL)
        s.execute("CREATE TABLE ty.cnt (k int PRIMARY KEY, n counter)")
        c.register_user_type("ty", "addr", Addr)

        # Simple statements: the driver writes every value as a CQL literal.
        # By hand: duration (the driver has no literal encoder for it) and
        # tuples (it writes Python tuples as list literals, which Cassandra
        # refuses for a tuple column too).
        v = type_values(1, Addr)
        by_hand = {"du": "14mo3d123456789ns", "tup": "(7, 'seven', true)",
                   "nm": "{1: {'a': (1, 'x')}, 2: {}}"}
        cols = [x for x in COLS if x not in by_hand]
        q = "INSERT INTO ty.all (%s, %s) VALUES (%s, %s)" % (
            ", ".join(cols), ", ".join(by_hand), ", ".join(["%s"] * len(cols)),
            ", ".join(by_hand.values()))
        s.execute(q, [v[x] for x in cols])
        compare_types("3" + tag + " simple", s.execute("SELECT * FROM ty.all WHERE k = 1").one(), v)

        # Prepared statements: binary values both ways.
        v2 = type_values(2, Addr)
        ins = s.prepare("INSERT INTO ty.all (%s) VALUES (%s)" % (", ".join(COLS), ", ".join(["?"] * len(COLS))))
        s.execute(ins, [v2[x] for x in COLS])
        sel = s.prepare("SELECT * FROM ty.all WHERE k = ?")
        compare_types("3" + tag + " prepared", s.execute(sel, [2]).one(), v2)
        # Values written by literal, read with a prepared statement (and back).
        compare_types("3" + tag + " simple->prepared", s.execute(sel, [1]).one(), v)
        compare_types("3" + tag + " prepared->simple", s.execute("SELECT * FROM ty.all WHERE k = 2").one(), v2)

        # Nulls: a row with only its key, and explicit nulls (prepared).
        s.execute("INSERT INTO ty.all (k) VALUES (3)")
        s.execute(ins, [4] + [None] * (len(COLS) - 1))
        for k in (3, 4):
            row = s.execute(sel, [k]).one()
            nonnull = [x for x in COLS[1:] if row is None or getattr(row, x) is not None]
            check("3%s nulls k=%d" % (tag, k), row is not None and not nonnull, nonnull)
        # A simple statement with None writes a null literal.
        s.execute("INSERT INTO ty.all (k, te, li) VALUES (%s, %s, %s)", (5, None, None))
        row = s.execute("SELECT te, li FROM ty.all WHERE k = 5").one()
        check("3" + tag + " null literals", row is not None and row.te is None and row.li is None, row)

        # Edge values of a few types.
        edges = s.prepare("INSERT INTO ty.all (k, bi, vi, de, do, fl, bl, te) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        s.execute(edges, [6, 9223372036854775807, -(2 ** 100), decimal.Decimal("0.000"),
                          float("inf"), -0.0, b"", ""])
        row = s.execute(sel, [6]).one()
        check("3" + tag + " edge values", row is not None and
              (row.bi, row.vi, row.de, row.do, row.bl, row.te) ==
              (9223372036854775807, -(2 ** 100), decimal.Decimal("0.000"), float("inf"), b"", "") and
              str(row.fl) == "-0.0", row)

        # Counters: simple and prepared increments.
        s.execute("UPDATE ty.cnt SET n = n + 5 WHERE k = 1")
        s.execute("UPDATE ty.cnt SET n = n - %s WHERE k = %s", (2, 1))
        inc = s.prepare("UPDATE ty.cnt SET n = n + ? WHERE k = ?")
        s.execute(inc, [10, 1])
        s.execute(inc, [-1, 2])
        got = sorted((r.k, r.n) for r in s.execute("SELECT * FROM ty.cnt"))
        check("3" + tag + " counter", got == [(1, 13), (2, -1)], got)
    finally:
        c.shutdown()


def s3_types_namedtuple(m):
    # Without register_user_type the driver hands back a namedtuple.
    c = new_cluster(m.port)
    try:
        s = c.connect()
        s.execute("CREATE KEYSPACE nt WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TYPE nt.pt (x int, y text)")
        s.execute("CREATE TABLE nt.t (k int PRIMARY KEY, p frozen<pt>, lp list<frozen<pt>>)")
        s.execute("INSERT INTO nt.t (k, p, lp) VALUES (1, {x: 1, y: 'a'}, [{x: 2, y: 'b'}, {x: 3}])")
        row = s.execute("SELECT * FROM nt.t WHERE k = 1").one()
        check("3 udt namedtuple", row is not None and (row.p.x, row.p.y) == (1, "a") and
              [(p.x, p.y) for p in row.lp] == [(2, "b"), (3, None)], row)
    finally:
        c.shutdown()


# ---------------------------------------------------------------- 4 paging, batches, USE, errors

def s4_queries(m):
    c = new_cluster(m.port)
    try:
        s = c.connect()
        s.execute("CREATE KEYSPACE pg WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 3}")
        s.execute("CREATE TABLE pg.t (p int, c int, v text, PRIMARY KEY (p, c))")
        ins = s.prepare("INSERT INTO pg.t (p, c, v) VALUES (?, ?, ?)")
        from cassandra.concurrent import execute_concurrent_with_args
        res = execute_concurrent_with_args(s, ins, [(p, cc, "v%d" % (p * 100 + cc))
                                                    for p in range(10) for cc in range(100)],
                                           concurrency=50, raise_on_first_error=False)
        check("4 insert 1000 rows", all(r.success for r in res), [r for r in res if not r.success][:3])

        stmt = SimpleStatement("SELECT p, c, v FROM pg.t", fetch_size=100)
        rs = s.execute(stmt)
        first = list(rs.current_rows)
        check("4 paging: first page of 100", len(first) == 100 and rs.has_more_pages,
              (len(first), rs.has_more_pages))
        allrows = [(r.p, r.c, r.v) for r in s.execute(stmt)]
        check("4 paging: 1000 rows", len(allrows) == 1000 and len(set(allrows)) == 1000 and
              set(allrows) == {(p, cc, "v%d" % (p * 100 + cc)) for p in range(10) for cc in range(100)},
              len(allrows))
        # Resume from a paging state: the rest, no duplicates, nothing lost.
        ps = rs.paging_state
        rest = [(r.p, r.c) for r in s.execute(stmt, paging_state=ps)]
        firstk = [(r.p, r.c) for r in first]
        check("4 paging_state resume", len(rest) == 900 and
              sorted(firstk + rest) == sorted((p, cc) for p in range(10) for cc in range(100)),
              len(rest))
        # Prepared, one partition, in clustering order.
        selp = s.prepare("SELECT c FROM pg.t WHERE p = ?")
        selp.fetch_size = 7
        got = [r.c for r in s.execute(selp, [3])]
        check("4 paging prepared single partition", got == list(range(100)), got[:20])
        rs = s.execute(selp, [4])
        got = [r.c for r in rs.current_rows] + [r.c for r in s.execute(selp, [4], paging_state=rs.paging_state)]
        check("4 paging_state resume prepared", got == list(range(100)), got[:20])

        # Batches.
        s.execute("CREATE TABLE pg.b (k int PRIMARY KEY, v text)")
        s.execute("CREATE TABLE pg.cn (k int PRIMARY KEY, n counter)")
        insb = s.prepare("INSERT INTO pg.b (k, v) VALUES (?, ?)")
        for bt, base in ((BatchType.LOGGED, 0), (BatchType.UNLOGGED, 10)):
            b = BatchStatement(batch_type=bt)
            b.add(insb, (base + 1, "a"))
            b.add(SimpleStatement("INSERT INTO pg.b (k, v) VALUES (%s, %s)"), (base + 2, "b"))
            b.add("INSERT INTO pg.b (k, v) VALUES (%d, 'c')" % (base + 3))
            b.add("DELETE FROM pg.b WHERE k = %s", (base + 1,))
            s.execute(b)
        got = sorted((r.k, r.v) for r in s.execute("SELECT * FROM pg.b"))
        check("4 logged and unlogged batches", got == [(2, "b"), (3, "c"), (12, "b"), (13, "c")], got)
        b = BatchStatement(batch_type=BatchType.COUNTER)
        incb = s.prepare("UPDATE pg.cn SET n = n + ? WHERE k = ?")
        b.add(incb, (3, 1))
        b.add(incb, (4, 1))
        b.add("UPDATE pg.cn SET n = n + 1 WHERE k = 2")
        s.execute(b)
        got = sorted((r.k, r.n) for r in s.execute("SELECT * FROM pg.cn"))
        check("4 counter batch", got == [(1, 7), (2, 1)], got)

        # USE: set_keyspace and a quoted, case-sensitive keyspace.
        s.set_keyspace("pg")
        check("4 set_keyspace", s.keyspace == "pg", s.keyspace)
        row = s.execute("SELECT v FROM b WHERE k = 2").one()
        check("4 unqualified after set_keyspace", row is not None and row.v == "b", row)
        s.execute('CREATE KEYSPACE "MixedKs" WITH replication = '
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute('CREATE TABLE "MixedKs".t (k int PRIMARY KEY)')
        s.execute('USE "MixedKs"')
        check('4 USE "MixedKs"', s.keyspace == "MixedKs", s.keyspace)
        s.execute("INSERT INTO t (k) VALUES (9)")
        got = [r.k for r in s.execute('SELECT k FROM "MixedKs".t')]
        check('4 unqualified after USE', got == [9], got)
        p = s.prepare("SELECT k FROM t WHERE k = ?")
        got = [r.k for r in s.execute(p, [9])]
        check('4 prepared after USE', got == [9], got)
        s.set_keyspace("pg")

        # Errors mapped to the driver's exceptions.
        def raises(name, exc, fn):
            try:
                fn()
            except exc:
                check(name, True)
            except Exception as e:
                check(name, False, "raised %r" % (e,))
            else:
                check(name, False, "no exception")
        raises("4 SyntaxException", SyntaxException, lambda: s.execute("SELEC * FROM pg.b"))
        raises("4 InvalidRequest (unknown table)", InvalidRequest, lambda: s.execute("SELECT * FROM pg.nope"))
        raises("4 InvalidRequest (unknown column)", InvalidRequest,
               lambda: s.execute("INSERT INTO pg.b (k, nope) VALUES (1, 2)"))
        raises("4 AlreadyExists (table)", AlreadyExists,
               lambda: s.execute("CREATE TABLE pg.b (k int PRIMARY KEY)"))
        raises("4 AlreadyExists (keyspace)", AlreadyExists,
               lambda: s.execute("CREATE KEYSPACE pg WITH replication = "
                                 "{'class': 'SimpleStrategy', 'replication_factor': 1}"))
        s.execute("UPDATE ucql_mock.nodes SET state = 'down' WHERE node = 3")
        all_ = SimpleStatement("INSERT INTO pg.b (k, v) VALUES (100, 'x')", consistency_level=ConsistencyLevel.ALL)
        raises("4 Unavailable (CL ALL, node 3 down)", Unavailable, lambda: s.execute(all_))
        one = SimpleStatement("INSERT INTO pg.b (k, v) VALUES (101, 'x')", consistency_level=ConsistencyLevel.ONE)
        try:
            s.execute(one)
            check("4 CL ONE with node 3 down", True)
        except Exception as e:
            check("4 CL ONE with node 3 down", False, repr(e))
        s.execute("UPDATE ucql_mock.nodes SET state = 'up' WHERE node = 3")
    finally:
        c.shutdown()


# ---------------------------------------------------------------- 5 routing

def s5_routing(m):
    prof = ExecutionProfile(load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc="dc1")),
                            request_timeout=10)
    c = new_cluster(m.port, execution_profiles={EXEC_PROFILE_DEFAULT: prof})
    try:
        s = c.connect()
        s.execute("CREATE KEYSPACE rt WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE rt.t (k int, c int, v text, PRIMARY KEY (k, c))")
        s.execute("CREATE TABLE rt.u (a text, b bigint, v int, PRIMARY KEY ((a, b)))")
        ins = s.prepare("INSERT INTO rt.t (k, c, v) VALUES (?, ?, ?)")
        sel = s.prepare("SELECT v FROM rt.t WHERE k = ? AND c = ?")
        insu = s.prepare("INSERT INTO rt.u (a, b, v) VALUES (?, ?, ?)")
        selu = s.prepare("SELECT v FROM rt.u WHERE a = ? AND b = ?")
        s.execute("TRUNCATE ucql_mock.stats")
        served = {}
        bad = 0
        for i in range(200):
            rs = s.execute(ins, (i, i % 3, "v%d" % i))
            h = rs.response_future._current_host.address
            served[h] = served.get(h, 0) + 1
        for i in range(100):
            s.execute(insu, ("key%d" % i, i * 7919, i))
        for i in range(200):
            row = s.execute(sel, (i, i % 3)).one()
            if row is None or row.v != "v%d" % i:
                bad += 1
        for i in range(100):
            row = s.execute(selu, ("key%d" % i, i * 7919)).one()
            if row is None or row.v != i:
                bad += 1
        check("5 rows read back", bad == 0, bad)
        check("5 all 3 nodes used", len(served) == 3, served)
        rows = list(s.execute("SELECT * FROM ucql_mock.stats"))
        non = sum(r.non_replica_requests for r in rows)
        rep = sum(r.replica_requests for r in rows)
        check("5 non_replica_requests == 0", non == 0, [(r.node, r.replica_requests, r.non_replica_requests)
                                                        for r in rows])
        check("5 replica_requests >= 600", rep >= 600, rep)

        # The counters can fail: round robin without token awareness hits non-replicas.
        rr = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=10)
        c.add_execution_profile("rr", rr)
        s.execute("TRUNCATE ucql_mock.stats")
        for i in range(30):
            s.execute(sel, (i, i % 3), execution_profile="rr")
        rows = list(s.execute("SELECT * FROM ucql_mock.stats"))
        non = sum(r.non_replica_requests for r in rows)
        rep = sum(r.replica_requests for r in rows)
        check("5 round robin: counters see non-replicas", non > 0 and non + rep == 30, (non, rep))
    finally:
        c.shutdown()


# ---------------------------------------------------------------- 6 node down/up

class Listener(object):
    def __init__(self):
        self.down = {}
        self.up = {}

    def _ev(self, d, host):
        d.setdefault(host.address, threading.Event()).set()

    def ev(self, d, addr):
        return d.setdefault(addr, threading.Event())

    def on_down(self, host):
        self._ev(self.down, host)

    def on_up(self, host):
        self._ev(self.up, host)

    def on_add(self, host):
        pass

    def on_remove(self, host):
        pass


def s6_down_up(m):
    c = new_cluster(m.port, reconnection_policy=ConstantReconnectionPolicy(0.3, None))
    lst = Listener()
    try:
        s = c.connect()
        c.register_listener(lst)
        s.execute("CREATE KEYSPACE du WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 3}")
        s.execute("CREATE TABLE du.t (k int PRIMARY KEY, v int)")
        h3 = c.metadata.get_host("127.0.0.3")
        check("6 host 3 up at start", h3 is not None and h3.is_up, h3)
        ins = s.prepare("INSERT INTO du.t (k, v) VALUES (?, ?)")
        ins.consistency_level = ConsistencyLevel.ONE
        sel = s.prepare("SELECT v FROM du.t WHERE k = ?")
        sel.consistency_level = ConsistencyLevel.ONE
        down_ev = lst.ev(lst.down, "127.0.0.3")
        up_ev = lst.ev(lst.up, "127.0.0.3")
        s.execute("UPDATE ucql_mock.nodes SET state = 'down' WHERE node = 3")
        # Queries at CL ONE keep working right after the node went down.
        # Requests first: the driver discounts a DOWN event while it still
        # believes a pool connection to the host is open (the mock closes
        # them at the same time as it pushes the event); the next request on
        # the closed connection makes it notice, as with a real node crash.
        bad = []
        for i in range(30):
            try:
                s.execute(ins, (i, i))
                row = s.execute(sel, (i,)).one()
                if row is None or row.v != i:
                    bad.append((i, row))
            except Exception as e:
                bad.append((i, repr(e)))
        check("6 CL ONE works with node 3 down", not bad, bad[:3])
        check("6 driver sees host 3 down", down_ev.wait(20) and wait_for(lambda: h3.is_up is False, 10),
              h3.is_up)
        others = [h for h in c.metadata.all_hosts() if h.address != "127.0.0.3"]
        check("6 other hosts stay up", all(h.is_up for h in others), others)
        rows = [(r.node, r.state) for r in s.execute("SELECT node, state FROM ucql_mock.nodes")]
        check("6 ucql_mock.nodes shows node 3 down", sorted(rows) == [(1, "up"), (2, "up"), (3, "down")], rows)
        s.execute("UPDATE ucql_mock.nodes SET state = 'up' WHERE node = 3")
        check("6 driver sees host 3 up again", up_ev.wait(30) and wait_for(lambda: h3.is_up is True, 10),
              h3.is_up)
        # Node 3 serves requests again once its pool is back.
        ok = wait_for(lambda: pool_connection(s, h3) is not None, 15)
        check("6 pool to host 3 reopened", ok)
        seen = set()
        for i in range(30):
            rs = s.execute(sel, (i,))
            seen.add(rs.response_future._current_host.address)
        check("6 host 3 serves again", "127.0.0.3" in seen, seen)
        all_ = SimpleStatement("INSERT INTO du.t (k, v) VALUES (1000, 1)", consistency_level=ConsistencyLevel.ALL)
        try:
            s.execute(all_)
            check("6 CL ALL works after up", True)
        except Exception as e:
            check("6 CL ALL works after up", False, repr(e))
    finally:
        c.shutdown()


# ---------------------------------------------------------------- 7 auth

def s7_auth(m):
    c = new_cluster(m.port, auth_provider=PlainTextAuthProvider("app", "secret"))
    try:
        s = c.connect()
        row = s.execute("SELECT release_version FROM system.local").one()
        check("7 auth: login succeeds", row is not None, row)
        check("7 auth: 3 hosts up", len([h for h in c.metadata.all_hosts() if h.is_up]) == 3,
              c.metadata.all_hosts())
    finally:
        c.shutdown()
    for name, prov in (("wrong password", PlainTextAuthProvider("app", "wrong")),
                       ("unknown user", PlainTextAuthProvider("nobody", "secret")),
                       ("no credentials", None)):
        c = new_cluster(m.port, **({} if prov is None else {"auth_provider": prov}))
        try:
            c.connect()
            check("7 auth: %s refused" % name, False, "connected")
        except NoHostAvailable as e:
            errs = list(e.errors.values())
            check("7 auth: %s refused with AuthenticationFailed" % name,
                  errs and all(isinstance(x, AuthenticationFailed) for x in errs), errs)
        except Exception as e:
            check("7 auth: %s refused" % name, False, repr(e))
        finally:
            c.shutdown()


# ---------------------------------------------------------------- 8 TLS

def s8_tls(m):
    import ssl
    ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, "ca.pem"))
    check("8 tls: context verifies host names", ctx.check_hostname and ctx.verify_mode == ssl.CERT_REQUIRED)
    c = new_cluster(m.port, ssl_context=ctx)
    try:
        s = c.connect()
        row = s.execute("SELECT release_version FROM system.local").one()
        check("8 tls: query", row is not None and row.release_version == "4.0.11", row)
        check("8 tls: 3 hosts up", len([h for h in c.metadata.all_hosts() if h.is_up]) == 3,
              c.metadata.all_hosts())
        sock = c.control_connection._connection._socket
        check("8 tls: socket is TLS", isinstance(sock, ssl.SSLSocket) and sock.version() in ("TLSv1.2", "TLSv1.3"),
              type(sock))
    finally:
        c.shutdown()
    # Host name given explicitly through ssl_options.
    ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, "ca.pem"))
    c = new_cluster(m.port, ssl_context=ctx, ssl_options={"server_hostname": "localhost"})
    try:
        c.connect()
        check("8 tls: server_hostname localhost", True)
    except Exception as e:
        check("8 tls: server_hostname localhost", False, repr(e))
    finally:
        c.shutdown()
    # Failures: a wrong CA, a wrong host name.
    for name, ca, opts in (("wrong CA", "other-ca.pem", None),
                           ("wrong host name", "ca.pem", {"server_hostname": "not-the-server.example"})):
        ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, ca))
        kw = {"ssl_context": ctx}
        if opts:
            kw["ssl_options"] = opts
        c = new_cluster(m.port, **kw)
        try:
            c.connect()
            check("8 tls: %s refused" % name, False, "connected")
        except NoHostAvailable as e:
            errs = list(e.errors.values())
            check("8 tls: %s refused with a certificate error" % name,
                  errs and all(isinstance(x, ssl.SSLCertVerificationError) or
                               "CERTIFICATE_VERIFY_FAILED" in str(x) or "certificate verify failed" in str(x)
                               for x in errs), errs)
        except Exception as e:
            check("8 tls: %s refused" % name, False, repr(e))
        finally:
            c.shutdown()


def s8_tls_client_cert(m):
    import ssl
    ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, "ca.pem"))
    ctx.load_cert_chain(os.path.join(TLS_DIR, "client.pem"), os.path.join(TLS_DIR, "client.key"))
    c = new_cluster(m.port, ssl_context=ctx)
    try:
        s = c.connect()
        row = s.execute("SELECT release_version FROM system.local").one()
        check("8 tls client cert: accepted", row is not None, row)
        check("8 tls client cert: 3 hosts up", len([h for h in c.metadata.all_hosts() if h.is_up]) == 3,
              c.metadata.all_hosts())
    finally:
        c.shutdown()
    for name, cert in (("no client certificate", None), ("certificate from another CA", "other-client")):
        ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, "ca.pem"))
        if cert:
            ctx.load_cert_chain(os.path.join(TLS_DIR, cert + ".pem"), os.path.join(TLS_DIR, cert + ".key"))
        c = new_cluster(m.port, ssl_context=ctx)
        try:
            c.connect()
            check("8 tls client cert: %s refused" % name, False, "connected")
        except NoHostAvailable:
            check("8 tls client cert: %s refused" % name, True)
        except Exception as e:
            check("8 tls client cert: %s refused" % name, False, repr(e))
        finally:
            c.shutdown()


def main():
    global MOCK
    if len(sys.argv) != 2:
        print("usage: %s path/to/ucql-mock" % sys.argv[0])
        print("0 passed, 1 failed")
        return 1
    MOCK = sys.argv[1]
    # The driver logs expected failures (refused hosts, down nodes) loudly.
    logging.basicConfig(level=getattr(logging, os.environ.get("UCQL_MOCK_INTEROP_LOG", "CRITICAL")))
    only = os.environ.get("UCQL_MOCK_INTEROP_ONLY")
    print("python3-cassandra %s, ucql-mock %s" % (cassandra.__version__, MOCK), flush=True)
    tls = ["--tls", "--cert", os.path.join(TLS_DIR, "server.pem"), "--key", os.path.join(TLS_DIR, "server.key")]
    scenarios = [
        ("1 connect", s1_connect, ["--nodes", "3"]),
        ("1 mixed", s1_mixed, ["--nodes", "3", "--node-max-protocol", "3=4"]),
        ("2 metadata", s2_metadata, ["--nodes", "3"]),
        ("2 two DCs", s2_two_dcs, ["--nodes", "4", "--dcs", "2", "--racks", "2"]),
        ("2 release 3.11", s2_release_311, ["--nodes", "3", "--release", "3.11.16"]),
        ("3 types", s3_types, ["--nodes", "3"]),
        ("3 types v3", lambda m: s3_types(m, 3), ["--nodes", "3"]),
        ("3 types v4", lambda m: s3_types(m, 4), ["--nodes", "3"]),
        ("3 udt namedtuple", s3_types_namedtuple, ["--nodes", "1"]),
        ("4 queries", s4_queries, ["--nodes", "3"]),
        ("5 routing", s5_routing, ["--nodes", "3"]),
        ("6 down/up", s6_down_up, ["--nodes", "3"]),
        ("7 auth", s7_auth, ["--nodes", "3", "--auth", "--user", "app:secret"]),
        ("8 tls", s8_tls, ["--nodes", "3"] + tls),
        ("8 tls client cert", s8_tls_client_cert, ["--nodes", "3", "--ca", os.path.join(TLS_DIR, "ca.pem"),
                                                   "--require-client-cert"] + tls),
    ]
    for name, fn, args in scenarios:
        if only and not name.startswith(only):
            continue
        t0 = time.monotonic()
        scenario(name, fn, *args)
        print("# %s: %.1f s" % (name, time.monotonic() - t0), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
