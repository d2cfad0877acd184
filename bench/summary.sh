#!/usr/bin/env bash
# Prints the codec benchmark summary (the main job until the driver exists):
# each figure next to its target, plus allocations per operation and, when
# valgrind is installed, instructions per operation (load-independent).
#
#   bench/summary.sh [BUILD_DIR]           (default: build)
# Environment: BENCH_REPS (5), BENCH_MIN_TIME (0.2 s per repetition),
# BENCH_FILTER (regex, all by default), BENCH_CALLGRIND=0 to skip callgrind.
#
# Figures are CPU time (the process's own CPU seconds: time spent preempted
# by other processes on this shared 2-vCPU machine is not counted; wall
# time under load is several times larger). "best" is the fastest of
# BENCH_REPS repetitions (min time, max rate), "median" the median.
# docs/PERFORMANCE.md explains the methodology and the current numbers.
set -euo pipefail
dir=${1:-build}
bench="$dir/bench/ucql-bench"
count="$dir/bench/ucql-count-ops"
if [ ! -x "$bench" ]; then
  echo "ucql-bench not built yet ($bench)" >&2
  exit 1
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

reps=${BENCH_REPS:-5}
# Aggregates (what this summary reads) exist only from 2 repetitions on.
[ "$reps" -ge 2 ] 2>/dev/null || reps=2
min_time=${BENCH_MIN_TIME:-0.2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== running ucql-bench: $reps repetitions x ${min_time}s each (1-3 minutes: min_time counts CPU time, so a loaded machine stretches it)..." >&2
if ! "$bench" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_min_time="$min_time" --benchmark_filter="${BENCH_FILTER:-.}" \
    --benchmark_out="$tmp/bench.json" --benchmark_out_format=json >"$tmp/console.txt" 2>&1; then
  cat "$tmp/console.txt" >&2
  echo "ucql-bench failed" >&2
  exit 1
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Instructions per operation under callgrind: N iterations of each op in a
# function run_<op>; only that function is collected; Ir / N (per cell for
# rows: N decodes of 500 cells).
: >"$tmp/ir.txt"
if [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null && [ -x "$count" ]; then
  echo "== counting instructions with callgrind..." >&2
  for spec in execute_v4:20000:1 execute_v5:20000:1 rows:400:500 token16:20000:1 token3:20000:1; do
    IFS=: read -r op n per <<<"$spec"
    out="$tmp/cg.$op"
    if valgrind --tool=callgrind --toggle-collect="run_$op*" --callgrind-out-file="$out" \
        "$count" "$op" "$n" >/dev/null 2>&1; then
      ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
      echo "$op $ir $((n * per))" >>"$tmp/ir.txt"
    fi
  done
fi

"$PY" - "$tmp/bench.json" "$tmp/ir.txt" "$load_before" "$load_after" "$reps" <<'PYEOF'
import json, sys

data = json.load(open(sys.argv[1]))
ir_lines = [l.split() for l in open(sys.argv[2]) if l.strip()]
load_before, load_after, reps = sys.argv[3], sys.argv[4], sys.argv[5]

# name -> {aggregate: entry}
runs = {}
for b in data["benchmarks"]:
    if b.get("run_type") != "aggregate":
        continue
    runs.setdefault(b["run_name"], {})[b["aggregate_name"]] = b
errors = [b["name"] for b in data["benchmarks"] if b.get("error_occurred")]

def ns(entry):
    """CPU time per iteration in ns."""
    unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[entry.get("time_unit", "ns")]
    return entry["cpu_time"] * unit

# (label, benchmark, metric, target, comparison)
#   metric "ns": CPU ns per op; "cell": ns per cell; "GBps": 10^9 bytes/s
ROWS = [
    ("Request encoding", None),
    ("EXECUTE v4, 3 typed values -> frame", "BM_ExecuteEncode_Typed/v4", "ns", 40, "<="),
    ("EXECUTE v5, 3 typed values -> frame", "BM_ExecuteEncode_Typed/v5", "ns", None, None),
    ("EXECUTE v4, ucql_value views", "BM_ExecuteEncode_Views/v4", "ns", None, None),
    ("EXECUTE v5, ucql_value views", "BM_ExecuteEncode_Views/v5", "ns", None, None),
    ("EXECUTE v4, pre-serialized block", "BM_ExecuteEncode_Raw/v4", "ns", None, None),
    ("EXECUTE v5, pre-serialized block", "BM_ExecuteEncode_Raw/v5", "ns", None, None),
    ("QUERY v4 (60 B text, 1 value)", "BM_QueryEncode_v4", "ns", None, None),
    ("frame header decode", "BM_FrameHeaderDecode", "ns", None, None),
    ("ROWS decode + typed getters (per cell)", None),
    ("100 x 5: decode + iterate", "BM_RowsDecodeIterate/100", "cell", 2, "<="),
    ("1000 x 5: decode + iterate", "BM_RowsDecodeIterate/1000", "cell", None, None),
    ("100 x 5, text/blob lengths vary per row", "BM_RowsDecodeIterateVarlen/100", "cell", None, None),
    ("100 x 5: ucql_result_decode only", "BM_RowsDecodeOnly/100", "cell", None, None),
    ("100 x 5: iterate + getters only", "BM_RowsIterateOnly/100", "cell", None, None),
    ("v5 segments, 64 KiB payload", None),
    ("uncompressed encode + decode", "BM_SegmentRoundTrip/plain_64K", "GBps", 4, ">="),
    ("uncompressed encode", "BM_SegmentEncode/plain_64K", "GBps", None, None),
    ("uncompressed decode", "BM_SegmentDecode/plain_64K", "GBps", None, None),
    ("CRC32 (primed) alone", "BM_Crc32Cql_64K", "GBps", None, None),
    ("CRC24 of a 3-byte header", "BM_Crc24/3", "ns", None, None),
    ("CRC24 of a 5-byte header", "BM_Crc24/5", "ns", None, None),
    ("lz4 text: encode + decode", "BM_SegmentRoundTrip/lz4_text_64K", "GBps", None, None),
    ("lz4 text: encode", "BM_SegmentEncode/lz4_text_64K", "GBps", None, None),
    ("lz4 text: decode", "BM_SegmentDecode/lz4_text_64K", "GBps", None, None),
    ("lz4 random: encode + decode", "BM_SegmentRoundTrip/lz4_random_64K", "GBps", None, None),
    ("lz4 random: encode (stored)", "BM_SegmentEncode/lz4_random_64K", "GBps", None, None),
    ("lz4 random: decode (stored)", "BM_SegmentDecode/lz4_random_64K", "GBps", None, None),
    ("Murmur3 token", None),
    ("16-byte key", "BM_TokenMurmur3_16B", "ns", 15, "<="),
    ("3-component composite key", "BM_TokenMurmur3_Composite3", "ns", None, None),
]

def figure(aggs, metric, agg):
    e = aggs.get(agg)
    if e is None:
        return None
    if metric == "ns":
        return ns(e)
    if metric == "cell":
        return e["ns_per_cell"] * 1e9      # inverted rate: seconds per cell
    if metric == "GBps":
        return e["bytes_per_second"] / 1e9

UNIT = {"ns": "ns", "cell": "ns/cell", "GBps": "GB/s"}
met_count = missed_count = 0
out = []
W = "%-40s %13s %13s %14s  %-7s %6s"
hdr = W % ("", "best", "median", "target", "status", "allocs")
print()
print("ucql codec benchmarks: CPU time, best and median of %s repetitions" % reps)
print("load average (1/5/15 min) before: %s, after: %s; %s CPUs" %
      (load_before, load_after, data["context"].get("num_cpus", "?")))
for row in ROWS:
    if row[1] is None:
        print()
        print(hdr.replace(" " * 40, "%-40s" % row[0], 1))
        continue
    label, name, metric, target, cmp = row
    aggs = runs.get(name)
    if not aggs:
        print("%-40s %13s" % (label, "not run" if name not in errors else "ERROR"))
        continue
    higher_better = metric == "GBps"
    best = figure(aggs, metric, "max" if higher_better else "min")
    med = figure(aggs, metric, "median")
    allocs = aggs.get("max", aggs.get("median"))["allocs"]
    status, tgt = "", ""
    if target is not None:
        tgt = "%s %g %s" % (cmp, target, UNIT[metric])
        ok = best >= target if cmp == ">=" else best <= target
        status = "met" if ok else "MISSED"
        if ok:
            met_count += 1
        else:
            missed_count += 1
    fmt = "%.3f" if metric == "GBps" else ("%.2f" if (best or 0) < 100 else "%.0f")
    unit = UNIT[metric]
    print(W % (label, fmt % best + " " + unit, fmt % med + " " + unit, tgt, status,
               "%g" % allocs))

if ir_lines:
    print()
    print("Instructions per operation (callgrind, independent of load)")
    names = {"execute_v4": "EXECUTE v4, 3 typed values -> frame",
             "execute_v5": "EXECUTE v5, 3 typed values -> frame",
             "rows": "ROWS 100 x 5, decode + getters, per cell",
             "token16": "Murmur3 token, 16-byte key",
             "token3": "Murmur3 token, 3-component key"}
    for op, ir, n in ir_lines:
        print("%-40s %10.1f instructions" % (names.get(op, op), int(ir) / int(n)))

print()
if errors:
    print("ERRORS in: " + ", ".join(errors))
print("targets: %d met, %d missed%s" % (met_count, missed_count,
      "" if not errors else "; some benchmarks failed"))
print("(details and analysis: docs/PERFORMANCE.md)")
sys.exit(1 if errors else 0)
PYEOF
