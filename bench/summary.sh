#!/usr/bin/env bash
# Prints the codec benchmark summary (the main job until the driver exists).
set -euo pipefail
dir=${1:-build}
if [ ! -x "$dir/bench/ucql-bench" ]; then
  echo "ucql-bench not built yet" >&2
  exit 1
fi
exec "$dir/bench/ucql-bench" --benchmark_min_time=0.2
