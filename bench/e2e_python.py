#!/usr/bin/python3
"""bench/e2e_python.py — ucql-e2e's workload with the DataStax Python driver.

The same prepared single-row read (SELECT v FROM KS.kv WHERE k = ?) or
write (INSERT INTO KS.kv (k, v) VALUES (?, ?), a 100-byte blob), the same
keyspace and table, C requests in flight (each completion callback issues
the next request, as cassandra.concurrent does), protocol v4, no
compression, round-robin load balancing (what ucql does until token-aware
routing lands). Debian's python3-cassandra: run it with /usr/bin/python3.

    /usr/bin/python3 bench/e2e_python.py --hosts 127.0.0.1 --port 9042 \\
        --requests 20000 --concurrency 1024 [--op read|write] [--no-setup]

Prints one JSON line with ucql-e2e's field names; the fields it cannot
measure (io_uring enters, wake-ups, allocations) are null. CPU is this
process's user + system time (resource.getrusage, every thread: the
driver's event loop included) over the measured phase. Exits 1 if any
request failed or a read found no row, 3 on a time-out.
"""
import argparse
import json
import resource
import sys
import threading
import time

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import RoundRobinPolicy

BLOB = bytes((i * 31 + 7) & 0xFF for i in range(100))  # as bench/e2e.c


class Window:
    """Keeps `concurrency` requests in flight until `n` completed."""

    def __init__(self, session, prepared, n, concurrency, write, rows, key, record):
        self.session, self.prepared = session, prepared
        self.n, self.write, self.rows, self.record = n, write, rows, record
        self.key = key
        self.issued = self.done = self.errors = self.empty = 0
        self.first_error = None
        self.lat = []
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.first = min(concurrency, n)

    def next_key(self):
        self.key = (self.key + 7919) & 0xFFFFFFFF
        return self.key % self.rows

    def run(self, deadline):
        if self.n == 0:
            return
        with self.lock:
            self.issued = self.first
            keys = [self.next_key() for _ in range(self.first)]
        for k in keys:
            self.submit(k)
        while not self.finished.wait(1.0):
            if time.monotonic() > deadline:
                sys.exit("e2e_python: time-out: %d of %d done" % (self.done, self.n))

    def submit(self, k):
        params = (k, BLOB) if self.write else (k,)
        t0 = time.perf_counter_ns()
        try:
            f = self.session.execute_async(self.prepared, params)
        except Exception as e:  # refused at once: counts as done
            self.complete(t0, e, None)
            return
        f.add_callbacks(self.on_ok, self.on_err, callback_args=(t0,), errback_args=(t0,))

    def on_ok(self, rows, t0):
        self.complete(t0, None, rows)

    def on_err(self, exc, t0):
        self.complete(t0, exc, None)

    def complete(self, t0, exc, rows):
        t = time.perf_counter_ns()
        k = None
        with self.lock:
            if self.record:
                self.lat.append(t - t0)
            if exc is not None:
                self.errors += 1
                if self.first_error is None:
                    self.first_error = repr(exc)
            elif not self.write and len(rows) != 1:
                self.empty += 1
            self.done += 1
            if self.issued < self.n:
                self.issued += 1
                k = self.next_key()
            elif self.done == self.n:
                self.finished.set()
        if k is not None:
            self.submit(k)


def percentile(sorted_ns, p):
    if not sorted_ns:
        return 0.0
    i = min(len(sorted_ns) - 1, max(0, int(round(p / 100.0 * len(sorted_ns))) - 1))
    return sorted_ns[i] / 1000.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hosts", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9042)
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=1024)
    ap.add_argument("--op", choices=("read", "write"), default="read")
    ap.add_argument("--warmup", type=int, default=None,
                    help="requests before the measured phase (default min(N/10, 2000))")
    ap.add_argument("--keyspace", default="ucql_e2e")
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--protocol", type=int, default=4)
    ap.add_argument("--no-setup", action="store_true")
    ap.add_argument("--max-seconds", type=int, default=300)
    a = ap.parse_args()
    if a.requests < 1 or a.concurrency < 1 or a.rows < 1:
        ap.error("--requests, --concurrency and --rows must be positive")
    if not a.keyspace.replace("_", "").isalnum() or a.keyspace.lower() != a.keyspace:
        ap.error("--keyspace: lower-case letters, digits and '_' only")
    warmup = a.warmup if a.warmup is not None else min(a.requests // 10, 2000)
    deadline = time.monotonic() + a.max_seconds
    write = a.op == "write"

    profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(),
                               consistency_level=ConsistencyLevel.LOCAL_ONE)
    cluster = Cluster(a.hosts.split(","), port=a.port, protocol_version=a.protocol,
                      compression=False, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    session = cluster.connect()
    ks = a.keyspace
    if not a.no_setup:
        session.execute("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = "
                        "{'class':'SimpleStrategy','replication_factor':1}" % ks)
        session.execute("CREATE TABLE IF NOT EXISTS %s.kv (k int PRIMARY KEY, v blob)" % ks)
        if not write:
            ins = session.prepare("INSERT INTO %s.kv (k, v) VALUES (?, ?)" % ks)
            fill = Window(session, ins, a.rows, 256, True, a.rows, 0, False)
            fill.next_key = iter(range(a.rows)).__next__  # every row once, in order
            fill.run(deadline)
            if fill.errors:
                sys.exit("e2e_python: filling rows: " + str(fill.first_error))
    if write:
        prepared = session.prepare("INSERT INTO %s.kv (k, v) VALUES (?, ?)" % ks)
    else:
        prepared = session.prepare("SELECT v FROM %s.kv WHERE k = ?" % ks)

    Window(session, prepared, warmup, a.concurrency, write, a.rows, 12345, False).run(deadline)

    w = Window(session, prepared, a.requests, a.concurrency, write, a.rows, 0, True)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    w.run(deadline)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cluster.shutdown()

    n = float(a.requests)
    wall = t1 - t0
    us, sy = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    lat = sorted(w.lat)
    if w.first_error:
        print("e2e_python: first error: " + w.first_error, file=sys.stderr)
    if w.empty:
        print("e2e_python: %d reads found no row (missing set-up?)" % w.empty, file=sys.stderr)
    print(json.dumps({
        "mode": "python", "op": a.op, "shards": None, "concurrency": a.concurrency,
        "requests": a.requests, "protocol": a.protocol, "wall_s": round(wall, 3),
        "ops_per_s": round(n / wall), "cpu_user_s": round(us, 3), "cpu_sys_s": round(sy, 3),
        "cpu_us_per_req": round((us + sy) * 1e6 / n, 3), "io_uring_enter_per_req": None,
        "wakeups_per_req": None, "allocs_per_req": None, "errors": w.errors,
        "empty_reads": w.empty,
        "p50_us": round(percentile(lat, 50), 1), "p90_us": round(percentile(lat, 90), 1),
        "p99_us": round(percentile(lat, 99), 1), "p999_us": round(percentile(lat, 99.9), 1),
        "max_us": round(lat[-1] / 1000.0, 1) if lat else 0.0,
        "driver": "cassandra-driver " + __import__("cassandra").__version__,
    }, separators=(",", ":")))
    sys.stdout.flush()
    return 1 if w.errors or w.empty else 0


if __name__ == "__main__":
    sys.exit(main())
