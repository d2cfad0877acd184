#!/usr/bin/env bash
# ucql-e2e in its three modes against the DataStax Python driver, on one
# 3-node ucql-mock started here (its own process: its CPU is not the
# client's), at concurrency 1024 and 16; prints every run's JSON line and
# a side-by-side table with the ratio of client CPU per request
# (python / ucql callback mode). docs/PERFORMANCE.md, "End to end".
#
#   bench/e2e_compare.sh [BUILD_DIR]          (default: build)
# Environment:
#   N       requests per ucql-e2e run (500000)
#   PY_N    requests per Python run (20000: the Python driver is ~100x slower)
#   REPS    runs of each configuration, interleaved (1); the table shows the
#           median of each figure and the best (lowest) CPU per request
#   OP      read | write (read)
#   PROTO   protocol version of the ucql runs (4, as the Python driver; 0
#           negotiates: v5 with ucql-mock)
#   PORT    the mock's port (default: a free one)
#   MODES   ucql modes to run ("callback future embedded")
#   CONCS   concurrencies ("1024 16")
#   PYTHON  0 skips the Python driver (1)
# Every run is bounded: by its request count, its own --max-seconds and
# timeout(1). "mock CPU us/req" is the mock process's CPU over the whole
# run (connect, set-up and warm-up included) divided by the measured
# requests: a rough figure, to see whether the server was the limit.
set -euo pipefail
dir=${1:-build}
e2e="$dir/bench/ucql-e2e"
mock="$dir/tools/ucql-mock"
root=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
for b in "$e2e" "$mock"; do
  [ -x "$b" ] || { echo "e2e_compare: $b not built" >&2; exit 2; }
done
N=${N:-500000}
PY_N=${PY_N:-20000}
REPS=${REPS:-1}
OP=${OP:-read}
PROTO=${PROTO:-4}
MODES=${MODES:-callback future embedded}
CONCS=${CONCS:-1024 16}
PYTHON=${PYTHON:-1}

tmp=$(mktemp -d)
mock_pid=
cleanup() {
  if [ -n "$mock_pid" ]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port free on 127.0.0.1-3 (every mock node listens on the same port).
if [ -z "${PORT:-}" ]; then
  PORT=$("$PY" - <<'EOF'
import random, socket
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        socks = []
        for a in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
            s = socket.socket(); s.bind((a, p)); socks.append(s)
        print(p)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
EOF
)
fi

"$mock" --nodes 3 --port "$PORT" >"$tmp/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 100); do
  grep -q ready "$tmp/mock.log" && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$tmp/mock.log" >&2; exit 1; }
  sleep 0.1
done
grep -q ready "$tmp/mock.log" || { echo "e2e_compare: ucql-mock not ready in 10 s" >&2; exit 1; }
echo "== $(head -n 1 "$tmp/mock.log")" >&2

# The mock's CPU ticks (utime + stime), to report its cost per request.
mock_ticks() { awk '{print $14 + $15}' "/proc/$mock_pid/stat"; }
hz=$(getconf CLK_TCK)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/runs.jsonl"
failed=0
setup=()
# run NAME REQUESTS CMD...: one run; appends its JSON (plus the mock's CPU)
run() {
  local n=$1; shift
  local t0 t1 line
  t0=$(mock_ticks)
  if ! line=$(timeout 600 "$@" 2>"$tmp/err.txt" | tail -n 1); then
    echo "e2e_compare: failed: $*" >&2
    cat "$tmp/err.txt" >&2
    failed=1
  fi
  t1=$(mock_ticks)
  case $line in
    \{*) ;;
    *) echo "e2e_compare: no result from: $*" >&2; failed=1; return 0 ;;
  esac
  line="${line%\}},\"mock_cpu_us_per_req\":$("$PY" -c "print(round(($t1-$t0)*1e6/$hz/$n, 2))")}"
  echo "$line" | tee -a "$tmp/runs.jsonl"
}

for rep in $(seq "$REPS"); do
  for c in $CONCS; do
    for m in $MODES; do
      run "$N" "$e2e" --hosts 127.0.0.1 --port "$PORT" --protocol "$PROTO" --op "$OP" \
        --mode "$m" --concurrency "$c" --shards 1 --requests "$N" --max-seconds 500 "${setup[@]}"
      setup=(--no-setup)
    done
    if [ "$PYTHON" != 0 ]; then
      run "$PY_N" "$PY" "$root/bench/e2e_python.py" --hosts 127.0.0.1 --port "$PORT" --op "$OP" \
        --concurrency "$c" --requests "$PY_N" --max-seconds 500 "${setup[@]}"
      setup=(--no-setup)
    fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PY" - "$tmp/runs.jsonl" "$load_before" "$load_after" "$(nproc)" <<'PYEOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = {}
for r in runs:
    groups.setdefault((r["concurrency"], r["mode"]), []).append(r)

def med(rs, k):
    v = [r[k] for r in rs if r.get(k) is not None]
    return statistics.median(v) if v else None

def f(v, fmt):
    return "-" if v is None else format(v, fmt)

print()
print("op %s, shards 1, load average %s before, %s after (1/5/15 min, %s CPUs)"
      % (runs[0]["op"] if runs else "?", sys.argv[2], sys.argv[3], sys.argv[4]))
hdr = ("conc", "mode", "runs", "ops/s", "CPU us/req best", "median", "enters/req",
       "allocs/req", "p50 us", "p99 us", "mock CPU us/req")
rows = []
for (c, m), rs in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1] == "python", kv[0][1])):
    rows.append((str(c), m, str(len(rs)), f(med(rs, "ops_per_s"), ".0f"),
                 f(min(r["cpu_us_per_req"] for r in rs), ".2f"), f(med(rs, "cpu_us_per_req"), ".2f"),
                 f(med(rs, "io_uring_enter_per_req"), ".4f"), f(med(rs, "allocs_per_req"), ".6f"),
                 f(med(rs, "p50_us"), ".0f"), f(med(rs, "p99_us"), ".0f"),
                 f(med(rs, "mock_cpu_us_per_req"), ".2f")))
w = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(hdr)]
print("  ".join(h.rjust(w[i]) for i, h in enumerate(hdr)))
for r in rows:
    print("  ".join(x.rjust(w[i]) for i, x in enumerate(r)))
print()
for c in sorted({c for c, _ in groups}, reverse=True):
    py, cb = groups.get((c, "python")), groups.get((c, "callback"))
    if py and cb:
        a, b = med(py, "cpu_us_per_req"), med(cb, "cpu_us_per_req")
        print("concurrency %d: client CPU per request, python / ucql (callback): %.0f / %.2f = %.0fx"
              % (c, a, b, a / b))
errors = sum(r["errors"] + r.get("empty_reads", 0) for r in runs)
if errors:
    print("ERRORS: %d failed requests or empty reads" % errors)
# Issue 4's targets, for the prepared read on 1 shard at concurrency 1024
# (callback mode).
cb = groups.get((1024, "callback"))
if cb and cb[0]["op"] == "read":
    def verdict(v, limit):
        return "met" if v <= limit else "MISSED"
    cpu, ent, al = (med(cb, k) for k in ("cpu_us_per_req", "io_uring_enter_per_req",
                                          "allocs_per_req"))
    print("targets (prepared read, 1 shard, concurrency 1024, callback mode, median):")
    print("  client CPU per request  %10.2f us  (<= 2 us)  %s" % (cpu, verdict(cpu, 2.0)))
    print("  io_uring_enter/request  %10.4f     (<= 0.05)  %s" % (ent, verdict(ent, 0.05)))
    # 0 in steady state: a run may show a handful at the start of its
    # measured phase (pools reaching the peak), never one per request.
    total = max(round(r["allocs_per_req"] * r["requests"]) for r in cb)
    print("  allocations/request     %10.6f     (0)        %s (at most %d in a run of %d)"
          % (al, verdict(al, 0.0001), total, cb[0]["requests"]))
PYEOF
exit $failed
